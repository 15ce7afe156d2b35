"""A seccomp filter for the sandbox: the system calls Docker's default profile refuses, refused here too.

Namespaces hide the host, but the program still talks to the host's kernel; every system call
it can make is attack surface. bwrap applies a seccomp BPF program given with `--seccomp FD`;
the program is compiled by libseccomp (the library behind Docker's, Podman's and Flatpak's
filters), called through ctypes, so rlvr writes no BPF by hand. The list below follows Docker's
default profile (moby/profiles/seccomp/default.json: the calls it allows only with
CAP_SYS_ADMIN or other capabilities the sandbox never has) plus io_uring, whose calls Docker
also dropped in 2023 (moby PR #46762) after a series of kernel escapes through it. Each refused
call fails with EPERM; a call of a foreign ABI (i386 `int 0x80`, x32 on x86-64) kills the
process (libseccomp's default for a wrong architecture), so the list cannot be bypassed by
switching ABI.

Where libseccomp is not installed (`libseccomp.so.2`, present on Debian, Ubuntu, Fedora and
most container bases), the sandbox runs without the filter: `filter_bytes()` returns None and
docs/execute.md says what that leaves open.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
from functools import lru_cache

REFUSED = (
    # kernel keyrings: state that outlives a program, and a history of kernel bugs
    "add_key", "keyctl", "request_key",
    # tracing and reading other processes' memory
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "perf_event_open",
    # kernel exploit building blocks
    "bpf", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    # namespaces, mounts, root changes (already refused for lack of capabilities; defence in depth)
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_by_handle_at", "name_to_handle_at",
    "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
    # the machine itself: modules, reboot, clocks, swap, accounting, quotas, raw I/O
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "swapon", "swapoff", "acct",
    "quotactl", "ioperm", "iopl", "syslog", "vhangup", "lookup_dcookie",
    # NUMA policy (Docker: only with CAP_SYS_NICE) and ABI personality (Docker: a few values only)
    "mbind", "set_mempolicy", "get_mempolicy", "move_pages", "migrate_pages", "personality",
    # obsolete or ABI-specific calls Docker refuses
    "uselib", "ustat", "sysfs", "_sysctl", "nfsservctl", "vm86", "vm86old", "create_module",
    "get_kernel_syms", "query_module",
)

_ACT_ALLOW = 0x7FFF0000
_ACT_ERRNO = 0x00050000


@lru_cache(maxsize=1)
def filter_bytes() -> bytes | None:
    """The compiled BPF filter (refuse REFUSED with EPERM, allow the rest), or None without libseccomp."""
    name = ctypes.util.find_library("seccomp")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint]
    lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    context = lib.seccomp_init(_ACT_ALLOW)
    if not context:
        return None
    try:
        for call in REFUSED:
            number = lib.seccomp_syscall_resolve_name(call.encode())
            if number < 0:  # not a system call on this architecture (vm86 on x86-64, ...)
                continue
            if lib.seccomp_rule_add(context, _ACT_ERRNO | errno.EPERM, number, 0) != 0:
                return None
        fd = os.memfd_create("rlvr-seccomp")
        try:
            if lib.seccomp_export_bpf(context, fd) != 0:
                return None
            os.lseek(fd, 0, os.SEEK_SET)
            chunks = []
            while chunk := os.read(fd, 65536):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)
    finally:
        lib.seccomp_release(context)


def filter_fd() -> int | None:
    """A fresh fd holding the filter, positioned at its start, for bwrap's `--seccomp`; None without one."""
    data = filter_bytes()
    if data is None:
        return None
    fd = os.memfd_create("rlvr-seccomp")
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
