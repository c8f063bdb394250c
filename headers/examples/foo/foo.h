/*
 * An out-of-tree module's trace header, as a module author writes it.
 * Part of explainer's bundled examples; try, from this directory:
 *
 *     explain TRACE_EVENT foo.h
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM foo

#if !defined(_FOO_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _FOO_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(foo_bar,

	TP_PROTO(const char *msg, int count),

	TP_ARGS(msg, count),

	TP_STRUCT__entry(
		__string(	msg,	msg	)
		__field(	int,	count	)
	),

	TP_fast_assign(
		__assign_str(msg);
		__entry->count = count;
	),

	TP_printk("msg=%s count=%d", __get_str(msg), __entry->count)
);

#endif /* _FOO_TRACE_H */

/*
 * This header is not under include/trace/events/, so tell
 * trace/define_trace.h where to find it again: TRACE_INCLUDE_PATH is
 * searched like any include path, which is why the module's Makefile
 * adds "-I$(src)".
 */
#undef TRACE_INCLUDE_PATH
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE foo
#include <trace/define_trace.h>
