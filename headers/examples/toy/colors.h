/*
 * The trick of TRACE_EVENT, at two passes instead of eleven: one list,
 * written once, read twice, with COLOR() meaning something else each
 * time.  Part of explainer's bundled examples; try, from this directory:
 *
 *     explain COLOR colors.h
 */
#ifndef COLORS_READ_AGAIN
/* First read: each COLOR() becomes a constant of an enum. */
#define COLOR(name, rgb) COLOR_##name,
enum color {
#else
/* Second read: each COLOR() becomes a row of a table, found by its constant. */
#define COLOR(name, rgb) [COLOR_##name] = { #name, rgb },
static const struct { const char *name; unsigned int rgb; } color_table[] = {
#endif

COLOR(red,   0xff0000)
COLOR(green, 0x00ff00)
COLOR(blue,  0x0000ff)

};
#undef COLOR

/* Read this file again, as trace/define_trace.h reads a trace header again. */
#ifndef COLORS_READ_AGAIN
#define COLORS_READ_AGAIN
#include "colors.h"
#endif
