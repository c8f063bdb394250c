"""What to run.  Takes the header a user named (and a kernel tree, the
mode, -I/-D/-U); gives the translation unit: its three lines, include
directories, predefined macros and the equivalent gcc command.  Also what
explainer knows about the kernel (data/kernel.toml), the focused copy of
a source tree, gcc's answers, and the gcc oracle that checks a pass."""
