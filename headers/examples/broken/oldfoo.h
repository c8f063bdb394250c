/*
 * The foo module's trace header as it was written for Linux before 6.10,
 * when __assign_str() took the field and its source.  On a kernel of 6.10
 * or later (as explainer's bundled model kernel is) the probe's stage
 * cannot expand it.  Part of explainer's bundled examples; try, from this
 * directory:
 *
 *     explain TRACE_EVENT oldfoo.h
 *     explain check oldfoo.h
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM oldfoo

#if !defined(_OLDFOO_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _OLDFOO_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(foo_bar,

	TP_PROTO(const char *msg, int count),

	TP_ARGS(msg, count),

	TP_STRUCT__entry(
		__string(	msg,	msg	)
		__field(	int,	count	)
	),

	TP_fast_assign(
		__assign_str(msg, msg);
		__entry->count = count;
	),

	TP_printk("msg=%s count=%d", __get_str(msg), __entry->count)
);

#endif /* _OLDFOO_TRACE_H */

/*
 * This header is not under include/trace/events/, so tell
 * trace/define_trace.h where to find it again: TRACE_INCLUDE_PATH is
 * searched like any include path, which is why the module's Makefile
 * adds "-I$(src)".
 */
#undef TRACE_INCLUDE_PATH
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE oldfoo
#include <trace/define_trace.h>
