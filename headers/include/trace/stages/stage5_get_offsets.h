/*
 * Model of include/trace/stages/stage5_get_offsets.h (Linux 6.12).
 * Stage 5 writes trace_event_get_offsets_<class>(): given the event's
 * arguments it measures every variable-sized field, fills in the data
 * locations of stage 2, and returns how many bytes follow the record.
 */

#undef __entry
#define __entry entry

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
#define __dynamic_array(type, item, len)				\
	__item_length = (len) * sizeof(type);				\
	__data_offsets->item = __data_size +				\
			       offsetof(typeof(*entry), __data);	\
	__data_offsets->item |= __item_length << 16;			\
	__data_size += __item_length;

#undef __string
#define __string(item, src) __dynamic_array(char, item,			\
		    strlen((const char *)(src) ? : EVENT_NULL_STR) + 1)	\
	__data_offsets->item##_ptr_ = src;

#undef __bitmask
#define __bitmask(item, nr_bits) __dynamic_array(unsigned long, item,	\
					 __bitmask_size_in_longs(nr_bits))
