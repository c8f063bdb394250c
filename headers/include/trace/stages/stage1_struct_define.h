/*
 * Model of include/trace/stages/stage1_struct_define.h (Linux 6.12).
 * Stage 1 lays out the record: each field macro becomes a member of
 * struct trace_event_raw_<class>.  Variable-sized data (strings, dynamic
 * arrays, bitmasks) lives after the fixed part; the record only keeps a
 * 32-bit "data location": offset in the low 16 bits, length in the high.
 */

#undef __field
#define __field(type, item)		type	item;

#undef __field_ext
#define __field_ext(type, item, filter_type)	type	item;

#undef __field_struct
#define __field_struct(type, item)	type	item;

#undef __field_struct_ext
#define __field_struct_ext(type, item, filter_type)	type	item;

#undef __array
#define __array(type, item, len)	type	item[len];

#undef __dynamic_array
#define __dynamic_array(type, item, len) u32 __data_loc_##item;

#undef __string
#define __string(item, src) __dynamic_array(char, item, -1)

#undef __bitmask
#define __bitmask(item, nr_bits) __dynamic_array(char, item, -1)

#undef TP_STRUCT__entry
#define TP_STRUCT__entry(args...) args
