/*
 * Model of the compiler attribute shorthands the tracing machinery uses
 * (linux/compiler_types.h and linux/compiler_attributes.h in Linux).
 */
#ifndef __LINUX_COMPILER_H
#define __LINUX_COMPILER_H

#define __section(name)		__attribute__((__section__(name)))
#define __used			__attribute__((__used__))
#define __maybe_unused		__attribute__((__unused__))
#define __aligned(n)		__attribute__((__aligned__(n)))
#define notrace			__attribute__((__no_instrument_function__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __initdata		__section(".init.data")
#define __refdata		__section(".ref.data")

#define is_signed_type(type)	(((type)(-1)) < (type)1)

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#endif /* __LINUX_COMPILER_H */
