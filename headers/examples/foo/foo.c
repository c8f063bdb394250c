/*
 * The one file of the module that defines the tracepoints: it sets
 * CREATE_TRACE_POINTS before including the trace header.  Every other
 * file of the module includes foo.h plainly and calls trace_foo_bar().
 */
#define CREATE_TRACE_POINTS
#include "foo.h"

void foo_do_work(const char *msg, int count)
{
	trace_foo_bar(msg, count);
}
