/*
 * Model of include/linux/tracepoint.h (Linux 6.12), written for explainer.
 *
 * The first part is an ordinary guarded header: the tracepoint types and
 * the DECLARE_TRACE family that declares trace_<event>() and friends.
 *
 * The second part sits outside the guard on purpose.  A trace header
 * includes this file on its first read; that read must turn TRACE_EVENT
 * and its relatives into declarations.  Later reads are driven by
 * trace/define_trace.h, which defines TRACE_EVENT itself first, so the
 * "#ifndef TRACE_EVENT" below keeps those definitions alone.
 */
#ifndef _LINUX_TRACEPOINT_H
#define _LINUX_TRACEPOINT_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/stringify.h>
#include <linux/tracepoint-defs.h>

/* Kernel services that the generated code calls; declared, not modelled. */
extern bool static_key_false(struct static_key *key);
extern void preempt_disable_notrace(void);
extern void preempt_enable_notrace(void);
extern bool cpu_online(unsigned int cpu);
extern unsigned int raw_smp_processor_id(void);
extern int tracepoint_probe_register(struct tracepoint *tp, void *probe,
				     void *data);
extern int tracepoint_probe_unregister(struct tracepoint *tp, void *probe,
				       void *data);

#if defined(CONFIG_TRACEPOINTS) && !defined(NOTRACE)
#define TRACEPOINTS_ENABLED
#endif

/*
 * PARAMS() protects commas: a prototype or an argument list passed
 * through several macros must stay one macro argument.
 */
#define PARAMS(args...) args

#define TP_PROTO(args...)	args
#define TP_ARGS(args...)	args
#define TP_CONDITION(args...)	args

/* Outside stage 1 of trace_events.h an enum or sizeof export is a no-op. */
#define TRACE_DEFINE_ENUM(x)
#define TRACE_DEFINE_SIZEOF(x)

#ifdef TRACEPOINTS_ENABLED

/*
 * Simplified: Linux goes through a static call and RCU here; the model
 * calls the iterator directly so the shape of the code stays visible.
 */
#define __DO_TRACE_CALL(name, args)	__traceiter_##name(NULL, args)

#define __DO_TRACE(name, args, cond)					\
	do {								\
		if (!(cond))						\
			return;						\
		preempt_disable_notrace();				\
		__DO_TRACE_CALL(name, TP_ARGS(args));			\
		preempt_enable_notrace();				\
	} while (0)

/*
 * One tracepoint's declarations: the object, the inline trace_<name>()
 * that code calls, probe (un)registration, a type check for probes, and
 * trace_<name>_enabled().  data_proto is proto with "void *__data" in
 * front: every probe gets the pointer it registered with.
 */
#define __DECLARE_TRACE(name, proto, args, cond, data_proto)		\
	extern int __traceiter_##name(data_proto);			\
	extern struct tracepoint __tracepoint_##name;			\
	static inline void trace_##name(proto)				\
	{								\
		if (static_key_false(&__tracepoint_##name.key))		\
			__DO_TRACE(name,				\
				TP_ARGS(args),				\
				TP_CONDITION(cond));			\
	}								\
	static inline int						\
	register_trace_##name(void (*probe)(data_proto), void *data)	\
	{								\
		return tracepoint_probe_register(&__tracepoint_##name,	\
						 (void *)probe, data);	\
	}								\
	static inline int						\
	unregister_trace_##name(void (*probe)(data_proto), void *data)	\
	{								\
		return tracepoint_probe_unregister(&__tracepoint_##name, \
						   (void *)probe, data); \
	}								\
	static inline void						\
	check_trace_callback_type_##name(void (*cb)(data_proto))	\
	{								\
	}								\
	static inline bool						\
	trace_##name##_enabled(void)					\
	{								\
		return static_key_false(&__tracepoint_##name.key);	\
	}

/*
 * The definitions behind one tracepoint: its name string, the
 * struct tracepoint object, and the iterator that calls every
 * registered probe.  Used by trace/define_trace.h on the second read.
 */
#define DEFINE_TRACE_FN(_name, _reg, _unreg, proto, args)		\
	static const char __tpstrtab_##_name[]				\
	__section("__tracepoints_strings") = #_name;			\
	int __traceiter_##_name(void *__data, proto);			\
	void __probestub_##_name(void *__data, proto);			\
	struct tracepoint __tracepoint_##_name __used			\
	__section("__tracepoints") = {					\
		.name = __tpstrtab_##_name,				\
		.key = STATIC_KEY_INIT_FALSE,				\
		.regfunc = _reg,					\
		.unregfunc = _unreg,					\
		.iterator = &__traceiter_##_name,			\
		.probestub = &__probestub_##_name,			\
		.funcs = NULL };					\
	int __traceiter_##_name(void *__data, proto)			\
	{								\
		struct tracepoint_func *it_func_ptr;			\
		void *it_func;						\
									\
		it_func_ptr = (&__tracepoint_##_name)->funcs;		\
		if (it_func_ptr) {					\
			do {						\
				it_func = it_func_ptr->func;		\
				__data = it_func_ptr->data;		\
				((void (*)(void *, proto))(it_func))(__data, args); \
			} while ((++it_func_ptr)->func);		\
		}							\
		return 0;						\
	}								\
	void __probestub_##_name(void *__data, proto)			\
	{								\
	}

#define DEFINE_TRACE(name, proto, args)					\
	DEFINE_TRACE_FN(name, NULL, NULL, PARAMS(proto), PARAMS(args));

#else /* !TRACEPOINTS_ENABLED */

/* Tracing compiled out: trace_<name>() still exists and does nothing. */
#define __DECLARE_TRACE(name, proto, args, cond, data_proto)		\
	static inline void trace_##name(proto)				\
	{ }								\
	static inline bool trace_##name##_enabled(void)			\
	{								\
		return false;						\
	}

#define DEFINE_TRACE_FN(name, reg, unreg, proto, args)
#define DEFINE_TRACE(name, proto, args)

#endif /* TRACEPOINTS_ENABLED */

#define DECLARE_TRACE(name, proto, args)				\
	__DECLARE_TRACE(name, PARAMS(proto), PARAMS(args),		\
			cpu_online(raw_smp_processor_id()),		\
			PARAMS(void *__data, proto))

#define DECLARE_TRACE_CONDITION(name, proto, args, cond)		\
	__DECLARE_TRACE(name, PARAMS(proto), PARAMS(args),		\
			cpu_online(raw_smp_processor_id()) && (PARAMS(cond)), \
			PARAMS(void *__data, proto))

#endif /* _LINUX_TRACEPOINT_H */

/*
 * First read of a trace header: every event macro becomes a
 * DECLARE_TRACE, and an event class declares nothing by itself.  That is
 * why DECLARE_EVENT_CLASS seems "not available" on this read: it is
 * defined, as nothing.
 */
#ifndef TRACE_EVENT

#define DECLARE_EVENT_CLASS(name, proto, args, tstruct, assign, print)
#define DEFINE_EVENT(template, name, proto, args)			\
	DECLARE_TRACE(name, PARAMS(proto), PARAMS(args))
#define DEFINE_EVENT_FN(template, name, proto, args, reg, unreg)	\
	DECLARE_TRACE(name, PARAMS(proto), PARAMS(args))
#define DEFINE_EVENT_PRINT(template, name, proto, args, print)		\
	DECLARE_TRACE(name, PARAMS(proto), PARAMS(args))
#define DEFINE_EVENT_CONDITION(template, name, proto, args, cond)	\
	DECLARE_TRACE_CONDITION(name, PARAMS(proto),			\
				PARAMS(args), PARAMS(cond))

#define TRACE_EVENT(name, proto, args, struct, assign, print)		\
	DECLARE_TRACE(name, PARAMS(proto), PARAMS(args))
#define TRACE_EVENT_FN(name, proto, args, struct,			\
		assign, print, reg, unreg)				\
	DECLARE_TRACE(name, PARAMS(proto), PARAMS(args))
#define TRACE_EVENT_FN_COND(name, proto, args, cond, struct,		\
		assign, print, reg, unreg)				\
	DECLARE_TRACE_CONDITION(name, PARAMS(proto),			\
			PARAMS(args), PARAMS(cond))
#define TRACE_EVENT_CONDITION(name, proto, args, cond,			\
			      struct, assign, print)			\
	DECLARE_TRACE_CONDITION(name, PARAMS(proto),			\
				PARAMS(args), PARAMS(cond))

#define TRACE_EVENT_FLAGS(event, flag)
#define TRACE_EVENT_PERF_PERM(event, expr...)

/* An event that is documented but never fires: no tracepoint at all. */
#define DECLARE_EVENT_NOP(name, proto, args)				\
	static inline void trace_##name(proto)				\
	{ }								\
	static inline bool trace_##name##_enabled(void)			\
	{								\
		return false;						\
	}

#define TRACE_EVENT_NOP(name, proto, args, struct, assign, print)	\
	DECLARE_EVENT_NOP(name, PARAMS(proto), PARAMS(args))
#define DEFINE_EVENT_NOP(template, name, proto, args)			\
	DECLARE_EVENT_NOP(name, PARAMS(proto), PARAMS(args))

#endif /* ifndef TRACE_EVENT */
