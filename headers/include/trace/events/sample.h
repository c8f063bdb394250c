/*
 * The sample trace system of explainer's bundled model kernel.
 *
 * One header that uses every common piece of the TRACE_EVENT family, so
 * a walkthrough of it shows what each piece turns into on each read.
 * Written for explainer; it follows the shape of the headers in Linux's
 * include/trace/events/.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM sample

/*
 * The guard opens once for ordinary includes and every time
 * trace/define_trace.h sets TRACE_HEADER_MULTI_READ to read it again.
 */
#if !defined(_TRACE_SAMPLE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_SAMPLE_H

#include <linux/tracepoint.h>

/* Plain declarations must not be repeated on every read. */
#ifndef __SAMPLE_DECLARATIONS_ONCE
#define __SAMPLE_DECLARATIONS_ONCE

enum sample_mode {
	SAMPLE_MODE_IDLE,
	SAMPLE_MODE_BUSY,
	SAMPLE_MODE_SLEEP,
};

struct sample_point {
	int x;
	int y;
};

#define SAMPLE_WORK_READ	0x1
#define SAMPLE_WORK_WRITE	0x2
#define SAMPLE_WORK_URGENT	0x4

extern int sample_tick_reg(void);
extern void sample_tick_unreg(void);

#endif /* __SAMPLE_DECLARATIONS_ONCE */

/* Lets user space print "busy" where the record holds 1. */
TRACE_DEFINE_ENUM(SAMPLE_MODE_IDLE);
TRACE_DEFINE_ENUM(SAMPLE_MODE_BUSY);
TRACE_DEFINE_ENUM(SAMPLE_MODE_SLEEP);

#define show_sample_mode(mode)					\
	__print_symbolic(mode,					\
			 { SAMPLE_MODE_IDLE,	"idle" },	\
			 { SAMPLE_MODE_BUSY,	"busy" },	\
			 { SAMPLE_MODE_SLEEP,	"sleep" })

/* A whole event in one macro: its class and the event share a name. */
TRACE_EVENT(sample_work,

	TP_PROTO(const char *name, int id, unsigned long flags,
		 const struct sample_point *pos),

	TP_ARGS(name, id, flags, pos),

	TP_STRUCT__entry(
		__string(	name,	name			)
		__field(	int,	id			)
		__field(	unsigned long,	flags		)
		__field_struct(	struct sample_point,	pos	)
		__array(	char,	tag,	4		)
	),

	TP_fast_assign(
		__assign_str(name);
		__entry->id	= id;
		__entry->flags	= flags;
		__entry->pos	= *pos;
		__entry->tag[0]	= 's';
	),

	TP_printk("name=%s id=%d flags=%s pos=%d,%d",
		  __get_str(name), __entry->id,
		  __print_flags(__entry->flags, "|",
				{ SAMPLE_WORK_READ,	"READ" },
				{ SAMPLE_WORK_WRITE,	"WRITE" },
				{ SAMPLE_WORK_URGENT,	"URGENT" }),
		  __entry->pos.x, __entry->pos.y)
);

/* A class: the record, output and probe, shared by the events below. */
DECLARE_EVENT_CLASS(sample_mode_class,

	TP_PROTO(int cpu, enum sample_mode mode),

	TP_ARGS(cpu, mode),

	TP_STRUCT__entry(
		__field(	int,		cpu	)
		__field(	enum sample_mode,	mode	)
	),

	TP_fast_assign(
		__entry->cpu	= cpu;
		__entry->mode	= mode;
	),

	TP_printk("cpu=%d mode=%s", __entry->cpu,
		  show_sample_mode(__entry->mode))
);

DEFINE_EVENT(sample_mode_class, sample_mode_enter,
	TP_PROTO(int cpu, enum sample_mode mode),
	TP_ARGS(cpu, mode)
);

DEFINE_EVENT(sample_mode_class, sample_mode_exit,
	TP_PROTO(int cpu, enum sample_mode mode),
	TP_ARGS(cpu, mode)
);

/* Same class and record, its own output format. */
DEFINE_EVENT_PRINT(sample_mode_class, sample_mode_stuck,
	TP_PROTO(int cpu, enum sample_mode mode),
	TP_ARGS(cpu, mode),
	TP_printk("cpu %d stuck in %s", __entry->cpu,
		  show_sample_mode(__entry->mode))
);

/* Fires only when the condition holds: trace_sample_buffer() tests it. */
TRACE_EVENT_CONDITION(sample_buffer,

	TP_PROTO(const u8 *bytes, int len, const unsigned long *cpus,
		 int nr_cpus),

	TP_ARGS(bytes, len, cpus, nr_cpus),

	TP_CONDITION(len > 0),

	TP_STRUCT__entry(
		__field(	int,	len			)
		__dynamic_array(u8,	bytes,	len		)
		__bitmask(	cpus,	nr_cpus			)
	),

	TP_fast_assign(
		__entry->len = len;
		memcpy(__get_dynamic_array(bytes), bytes, len);
		__assign_bitmask(cpus, cpus, nr_cpus);
	),

	TP_printk("len=%d cpus=%s", __entry->len, __get_bitmask(cpus))
);

/* Registration callbacks run when the first probe attaches and the last leaves. */
TRACE_EVENT_FN(sample_tick,

	TP_PROTO(u64 now),

	TP_ARGS(now),

	TP_STRUCT__entry(
		__field(	u64,	now	)
	),

	TP_fast_assign(
		__entry->now = now;
	),

	TP_printk("now=%llu", __entry->now),

	sample_tick_reg, sample_tick_unreg
);

#endif /* _TRACE_SAMPLE_H */

/* Outside the guard: this include must happen on every read. */
#include <trace/define_trace.h>
