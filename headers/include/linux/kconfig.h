/*
 * Model of include/linux/kconfig.h: kbuild force-includes it into every
 * file (-include), so CONFIG_* switches are visible everywhere.
 */
#ifndef _LINUX_KCONFIG_H
#define _LINUX_KCONFIG_H

#include <generated/autoconf.h>

/*
 * IS_ENABLED(CONFIG_FOO) is 1 when CONFIG_FOO is defined as 1, else 0,
 * and works in #if as well as in C.  The trick: pasting the option's
 * value onto a prefix forms the name of a macro that only exists for the
 * value 1, and that macro adds an argument which shifts the answer.
 */
#define __kconfig_probe_1 0,
#define __kconfig_second(ignored, answer, ...) answer
#define __kconfig_pick(probe_or_junk) __kconfig_second(probe_or_junk 1, 0)
#define __kconfig_paste(value) __kconfig_pick(__kconfig_probe_##value)
#define __is_defined(option) __kconfig_paste(option)

#define IS_BUILTIN(option) __is_defined(option)
#define IS_ENABLED(option) __is_defined(option)

#endif /* _LINUX_KCONFIG_H */
