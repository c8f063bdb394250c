/*
 * Model of the basic kernel types (linux/types.h, linux/stddef.h).
 */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
typedef _Bool bool;
typedef int pid_t;
typedef unsigned long size_t;

#define NULL ((void *)0)
#define true 1
#define false 0
#define offsetof(TYPE, MEMBER) __builtin_offsetof(TYPE, MEMBER)
#define BITS_PER_LONG 64
#define ALIGN(x, a) (((x) + (a) - 1) & ~((a) - 1))

struct list_head {
	struct list_head *next, *prev;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

struct hlist_head {
	struct hlist_node *first;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }

#endif /* _LINUX_TYPES_H */
