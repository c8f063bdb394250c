"""explainer: how the Linux kernel's TRACE_EVENT machinery turns one trace
header into structs, functions, field tables, probes and event classes,
shown pass by pass and checked against gcc."""

__version__ = "0.1.0"
