"""Give freed tensor memory back to the system during CPU training (glibc's malloc).

torch's CPU allocator takes every tensor from malloc. glibc serves blocks over its mmap threshold
with their own mapping, returned on free, but the threshold is dynamic: the first such block freed
raises it to that block's size (up to 32 MB), and from then on a training step's activations and
gradients come from the heap, whose freed holes stay resident between and across steps. The demo's
resident memory grew by about 0.4 GB a step that way. Fixing the threshold (mallopt, which also
stops the dynamic adjustment) keeps every tensor of 256 KB or more in its own mapping, so resident
memory follows the live tensors. See glibc's mallopt(3), M_MMAP_THRESHOLD.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
THRESHOLD_BYTES = 256 * 1024


def return_freed_memory(threshold: int = THRESHOLD_BYTES) -> bool:
    """Fix glibc's mmap threshold at `threshold` bytes; False where the C library is not glibc (no change)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others: no mallopt, nothing to tune
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))


__all__ = ["return_freed_memory"]
