/*
 * Model of include/trace/stages/stage2_data_offsets.h (Linux 6.12).
 * Stage 2 declares where each variable-sized field will sit: one u32 per
 * dynamic field in struct trace_event_data_offsets_<class>.  Fixed-size
 * fields make nothing here.
 */

/* Enum and sizeof exports were made in stage 1; later stages skip them. */
#undef TRACE_DEFINE_ENUM
#define TRACE_DEFINE_ENUM(a)

#undef TRACE_DEFINE_SIZEOF
#define TRACE_DEFINE_SIZEOF(a)

#undef __field
#define __field(type, item)

#undef __field_ext
#define __field_ext(type, item, filter_type)

#undef __field_struct
#define __field_struct(type, item)

#undef __field_struct_ext
#define __field_struct_ext(type, item, filter_type)

#undef __array
#define __array(type, item, len)

#undef __dynamic_array
#define __dynamic_array(type, item, len)	u32 item;

/* Since 6.10 the source string is remembered here for __assign_str(). */
#undef __string
#define __string(item, src) __dynamic_array(char, item, -1)	\
	const void *item##_ptr_;

#undef __bitmask
#define __bitmask(item, nr_bits) __dynamic_array(unsigned long, item, -1)
