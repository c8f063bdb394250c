/*
 * Model kernel configuration (explainer's bundled model, not Linux).
 * In a configured tree kbuild writes this file from .config; here it
 * switches on exactly what the tracing machinery looks at.
 */
#define CONFIG_TRACEPOINTS 1
#define CONFIG_TRACING 1
#define CONFIG_EVENT_TRACING 1
#define CONFIG_PERF_EVENTS 1
#define CONFIG_BPF_EVENTS 1
