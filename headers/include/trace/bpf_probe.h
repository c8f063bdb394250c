/*
 * Model of include/trace/bpf_probe.h (Linux 6.12), written for explainer.
 * The last read of the trace header: __bpf_trace_<class>() hands the raw
 * tracepoint arguments, each widened to u64, to a BPF program, and
 * __bpf_trace_tp_map_<event> tells BPF where to find it.
 */

#undef TRACE_SYSTEM_VAR

#ifdef CONFIG_BPF_EVENTS

#include <linux/args.h>

#include "stages/stage6_event_callback.h"

#undef __perf_count
#define __perf_count(c)	(c)

#undef __perf_task
#define __perf_task(t)	(t)

/*
 * Simplified: Linux copies each argument through memcpy into an integer
 * of its size; the model casts, which is the same for pointers and
 * integers.
 */
#define __CAST_TO_U64(x) ((u64)(unsigned long)(x))
#define __CAST1(a, ...) __CAST_TO_U64(a)
#define __CAST2(a, ...) __CAST_TO_U64(a), __CAST1(__VA_ARGS__)
#define __CAST3(a, ...) __CAST_TO_U64(a), __CAST2(__VA_ARGS__)
#define __CAST4(a, ...) __CAST_TO_U64(a), __CAST3(__VA_ARGS__)
#define __CAST5(a, ...) __CAST_TO_U64(a), __CAST4(__VA_ARGS__)
#define __CAST6(a, ...) __CAST_TO_U64(a), __CAST5(__VA_ARGS__)
#define CAST_TO_U64(...) CONCATENATE(__CAST, COUNT_ARGS(__VA_ARGS__))(__VA_ARGS__)

#undef DECLARE_EVENT_CLASS
#define DECLARE_EVENT_CLASS(call, proto, args, tstruct, assign, print)	\
static notrace void							\
__bpf_trace_##call(void *__data, proto)					\
{									\
	CONCATENATE(bpf_trace_run, COUNT_ARGS(args))(__data, CAST_TO_U64(args));	\
}

#undef DEFINE_EVENT
#define DEFINE_EVENT(template, call, proto, args)			\
static inline void bpf_test_probe_##call(void)				\
{									\
	check_trace_callback_type_##call(__bpf_trace_##template);	\
}									\
typedef void (*btf_trace_##call)(void *__data, proto);			\
static union {								\
	struct bpf_raw_event_map event;					\
	btf_trace_##call handler;					\
} __bpf_trace_tp_map_##call __used					\
__section("__bpf_raw_tp_map") = {					\
	.event = {							\
		.tp		= &__tracepoint_##call,			\
		.bpf_func	= __bpf_trace_##template,		\
		.num_args	= COUNT_ARGS(args),			\
		.writable_size	= 0,					\
	},								\
};

#undef DEFINE_EVENT_PRINT
#define DEFINE_EVENT_PRINT(template, name, proto, args, print)	\
	DEFINE_EVENT(template, name, PARAMS(proto), PARAMS(args))

#include TRACE_INCLUDE(TRACE_INCLUDE_FILE)

#undef DECLARE_EVENT_CLASS
#undef DEFINE_EVENT

#endif /* CONFIG_BPF_EVENTS */
