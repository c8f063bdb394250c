/*
 * Model of include/linux/stringify.h.  The two levels matter: the outer
 * macro lets its argument be macro-expanded before the inner one turns
 * it into a string with '#'.
 */
#ifndef __LINUX_STRINGIFY_H
#define __LINUX_STRINGIFY_H

#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)

#endif /* __LINUX_STRINGIFY_H */
