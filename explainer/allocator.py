"""glibc's allocator, told to keep what a site build frees.

A site writes gigabytes of pages, each made of strings of a megabyte or
more.  glibc gives the top of its heap back to the system as soon as it
is free, so the next page's strings fault every page in again, zeroed by
the kernel: building 7.3's site again took eight million page faults,
and a fifth of its time was the kernel's.  Kept (keep_freed), faults
went from 7.9 to 6.5 million and the build from 86-92 s to 81-83 s (the
rest are the first touches of each header's memory, in a process of its
own).  Where the C library has no mallopt (not glibc), nothing changes.
"""

from __future__ import annotations

import ctypes

# mallopt's options (malloc.h) and what a site sets them to.
M_TRIM_THRESHOLD = -1  # free top of the heap kept: up to 1 GiB
M_TOP_PAD = -2  # the heap grows by 64 MiB at a time
M_MMAP_THRESHOLD = -3  # a string under 32 MiB (glibc's largest) comes from the heap
SETTINGS = ((M_TRIM_THRESHOLD, 1 << 30), (M_TOP_PAD, 64 << 20), (M_MMAP_THRESHOLD, 32 << 20))


def keep_freed() -> bool:
    """Set SETTINGS for this process and the processes it forks; whether
    the C library took them all."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return all(mallopt(option, value) == 1 for option, value in SETTINGS)
