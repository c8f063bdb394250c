/*
 * Model of include/linux/args.h: count a macro's arguments (0 to 12) and
 * paste two tokens after expanding them.  bpf_probe.h uses both.
 */
#ifndef _LINUX_ARGS_H
#define _LINUX_ARGS_H

/*
 * The arguments push a descending list to the right; whatever lands in
 * the 14th slot is the count.  GNU ", ##" drops the leading comma when
 * there are no arguments at all, so COUNT_ARGS() is 0.
 */
#define __count_args_slot(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, \
			  _12, n, rest...) n
#define COUNT_ARGS(X...) \
	__count_args_slot(, ##X, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)

#define __CONCAT(a, b) a ## b
#define CONCATENATE(a, b) __CONCAT(a, b)

#endif /* _LINUX_ARGS_H */
