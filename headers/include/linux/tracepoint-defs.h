/*
 * Model of include/linux/tracepoint-defs.h: the objects behind a
 * tracepoint, kept apart so that headers can name them cheaply.
 */
#ifndef _LINUX_TRACEPOINT_DEFS_H
#define _LINUX_TRACEPOINT_DEFS_H

#include <linux/types.h>

/* Simplified: Linux uses a jump label here, patched at run time. */
struct static_key {
	int enabled;
};

#define STATIC_KEY_INIT_FALSE { .enabled = 0 }

struct tracepoint_func {
	void *func;
	void *data;
	int prio;
};

struct tracepoint {
	const char *name;
	struct static_key key;
	int (*regfunc)(void);
	void (*unregfunc)(void);
	void *iterator;
	void *probestub;
	struct tracepoint_func *funcs;
};

#endif /* _LINUX_TRACEPOINT_DEFS_H */
