/*
 * Model of include/trace/stages/stage7_class_define.h (Linux 6.12).
 * Stage 7 registers everything: the event class, each event, and the
 * print format that user space reads.  TP_printk() turns into that
 * format string, arguments and all, so __entry must now read "REC" and
 * the print helpers must stay unexpanded names inside the string.
 */

#undef __entry
#define __entry REC

#undef __print_flags
#undef __print_symbolic
#undef __get_dynamic_array
#undef __get_dynamic_array_len
#undef __get_str
#undef __get_bitmask

#undef TP_printk
#define TP_printk(fmt, args...) "\"" fmt "\", "  __stringify(args)
