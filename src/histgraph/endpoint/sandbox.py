"""The query process's second line against SSRF: it cannot open a network connection.

:mod:`histgraph.endpoint.safety` refuses ``SERVICE`` before a query runs. This module
makes the refusal independent of getting that check right: :func:`forbid_network`
installs a seccomp-BPF filter (Linux, x86_64 or aarch64) in the calling process,
on every one of its threads at once (``SECCOMP_FILTER_FLAG_TSYNC``: pyoxigraph
and RocksDB start their own threads), and from then on the kernel answers

* ``socket`` for any family but ``AF_UNIX`` (TCP, UDP, raw, netlink, packet…),
  and ``AF_UNIX`` datagram sockets (they can send to any local socket without
  ``connect``), with ``EACCES``; ``socketpair`` is allowed (a pair talks only to
  itself). So no new TCP/UDP socket can exist, and DNS lookups fail;
* ``connect``, ``bind``, ``listen``, ``accept``, ``accept4``, and ``sendto`` with
  a destination address, with ``EACCES`` whatever the socket: the query process
  talks only over the connected socketpair it inherited;
* ``io_uring_setup``/``io_uring_enter``/``io_uring_register`` with ``ENOSYS``
  (io_uring performs socket operations without the syscalls above);
* ``ptrace``, ``process_vm_readv``/``writev`` and ``pidfd_getfd`` with ``EPERM``
  (ways to act through, or take a socket from, another process of the same user);
* a syscall of another ABI (32-bit or x32 calls on x86_64) by killing the process:
  the rules above are written for the native syscall numbers only.

Everything else is allowed. The filter cannot be removed, is inherited by
children and survives ``execve``: a program the process might start cannot
reach the network either.

What the filter does not cover is a network socket the process already holds
(``sendmsg`` on it would still work). :func:`forbid_network` therefore refuses
to finish when one is open; the query process is started by
:mod:`histgraph.endpoint.isolation` with ``pass_fds`` = its socketpair only
(``close_fds`` is true), so it holds none.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import socket
import struct
import sys
from pathlib import Path

from histgraph.errors import HistgraphError

# From <linux/prctl.h>, <linux/seccomp.h>, <linux/filter.h> and <linux/audit.h>.
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000
_RET_ALLOW = 0x7FFF0000
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_ALU_AND_K = 0x54  # BPF_ALU | BPF_AND | BPF_K
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K
# Offsets into struct seccomp_data; an argument's low 32 bits come first (little-endian).
_NR, _ARCH, _ARG0, _ARG1, _ARG4, _ARG4_HIGH = 0, 4, 16, 24, 48, 52
_X32_SYSCALL_BIT = 0x40000000
_SOCK_TYPE_MASK = 0xF  # SOCK_CLOEXEC and SOCK_NONBLOCK are or-ed into the type

#: Per machine: the audit arch, whether x32 calls must be refused, and syscall numbers.
_ARCHITECTURES = {
    "x86_64": (0xC000003E, True, {
        "socket": 41, "socketpair": 53, "connect": 42, "accept": 43, "sendto": 44, "bind": 49,
        "listen": 50, "accept4": 288, "ptrace": 101, "process_vm_readv": 310,
        "process_vm_writev": 311, "seccomp": 317,
    }),
    "aarch64": (0xC00000B7, False, {
        "socket": 198, "socketpair": 199, "connect": 203, "accept": 202, "sendto": 206, "bind": 200,
        "listen": 201, "accept4": 242, "ptrace": 117, "process_vm_readv": 270,
        "process_vm_writev": 271, "seccomp": 277,
    }),
}
#: The same on every architecture (numbers from the unified table).
_IO_URING = (425, 426, 427)
_PIDFD_GETFD = 438

# Set once the filter is installed; /proc says "a filter", this says "ours".
_installed = False


class _SockFprog(ctypes.Structure):
    """struct sock_fprog: the program's length in instructions, and where it is."""

    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class SandboxUnavailable(HistgraphError):
    """The platform cannot shut the query process off the network (not Linux, no seccomp, …)."""


def network_forbidden() -> bool:
    """Whether :func:`forbid_network` has run in this process and the kernel filters its syscalls."""
    return _installed and _seccomp_mode() == 2


def forbid_network() -> None:
    """Make the calling process, on all its threads, unable to open any network connection.

    Call it before opening the store (before any thread the filter must cover
    exists is best, though TSYNC covers the ones already running). Raises
    :class:`SandboxUnavailable` when the platform cannot do it, with the reason,
    or when the process holds a network socket (the filter is on all the same).
    Calling it again only checks the held sockets again.
    """
    global _installed
    if not _installed:
        _install(_filter_program(*_architecture()))
        _installed = True
    # Checked after the filter is on: from now on no new network socket can appear.
    held = _network_sockets_held()
    if held:
        raise SandboxUnavailable(
            f"the process holds network sockets (file descriptors {held}) the filter cannot take "
            "away; start it with only the file descriptors it needs"
        )


def _install(program: bytes) -> None:
    """Load ``program`` as this process's seccomp filter, synchronised onto every thread."""
    libc = _libc()
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxUnavailable(f"cannot set no_new_privs: {os.strerror(ctypes.get_errno())}")
    instructions = ctypes.create_string_buffer(program, len(program))
    prog = _SockFprog(len(program) // 8, ctypes.cast(instructions, ctypes.c_void_p))
    syscall_number = _ARCHITECTURES[platform.machine()][2]["seccomp"]
    result = libc.syscall(
        ctypes.c_long(syscall_number), ctypes.c_long(_SECCOMP_SET_MODE_FILTER),
        ctypes.c_long(_SECCOMP_FILTER_FLAG_TSYNC), ctypes.byref(prog),
    )
    if result != 0:
        reason = (f"thread {result} could not take the filter" if result > 0
                  else os.strerror(ctypes.get_errno()))
        raise SandboxUnavailable(
            f"the kernel refused the seccomp filter ({reason}); run on Linux with seccomp "
            "enabled, or set query_sandbox = \"off\" knowing queries could then reach the network"
        )


def _architecture() -> tuple[int, bool, dict[str, int]]:
    if sys.platform != "linux":
        raise SandboxUnavailable(f"the query sandbox needs Linux (seccomp); this is {sys.platform}")
    machine = platform.machine()
    if machine not in _ARCHITECTURES:
        raise SandboxUnavailable(
            f"the query sandbox knows the syscalls of x86_64 and aarch64, not {machine}"
        )
    if _seccomp_mode() is None:
        raise SandboxUnavailable("this kernel was built without seccomp filters")
    return _ARCHITECTURES[machine]


def _filter_program(audit_arch: int, refuse_x32: bool, numbers: dict[str, int]) -> bytes:
    """The BPF program, assembled: one rule per syscall, jumps counted from the end."""
    deny = _RET_ERRNO | errno.EACCES
    code: list[tuple[int, int, int, int]] = [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ_K, 1, 0, audit_arch),
        (_RET_K, 0, 0, _RET_KILL_PROCESS),
        (_LD_W_ABS, 0, 0, _NR),
    ]
    if refuse_x32:
        code += [(_JGE_K, 0, 1, _X32_SYSCALL_BIT), (_RET_K, 0, 0, _RET_KILL_PROCESS)]
    # (syscall number, instructions run when it matches); each block ends in a RET.
    rules: list[tuple[int, list[tuple[int, int, int, int]]]] = [
        (numbers["socket"], [
            (_LD_W_ABS, 0, 0, _ARG0),
            (_JEQ_K, 1, 0, socket.AF_UNIX),
            (_RET_K, 0, 0, deny),
            (_LD_W_ABS, 0, 0, _ARG1),
            (_ALU_AND_K, 0, 0, _SOCK_TYPE_MASK),
            (_JEQ_K, 0, 1, socket.SOCK_DGRAM),
            (_RET_K, 0, 0, deny),
            (_RET_K, 0, 0, _RET_ALLOW),
        ]),
        (numbers["socketpair"], [
            (_LD_W_ABS, 0, 0, _ARG0),
            (_JEQ_K, 0, 1, socket.AF_UNIX),
            (_RET_K, 0, 0, _RET_ALLOW),
            (_RET_K, 0, 0, deny),
        ]),
        (numbers["sendto"], [
            # Allowed only without a destination (both halves of the pointer zero).
            (_LD_W_ABS, 0, 0, _ARG4),
            (_JEQ_K, 0, 2, 0),
            (_LD_W_ABS, 0, 0, _ARG4_HIGH),
            (_JEQ_K, 1, 0, 0),
            (_RET_K, 0, 0, deny),
            (_RET_K, 0, 0, _RET_ALLOW),
        ]),
    ]
    for name in ("connect", "bind", "listen", "accept", "accept4"):
        rules.append((numbers[name], [(_RET_K, 0, 0, deny)]))
    for number in _IO_URING:
        rules.append((number, [(_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS)]))
    for number in (numbers["ptrace"], numbers["process_vm_readv"], numbers["process_vm_writev"],
                   _PIDFD_GETFD):
        rules.append((number, [(_RET_K, 0, 0, _RET_ERRNO | errno.EPERM)]))
    for number, block in rules:
        # The syscall number is still in the accumulator: each block is reached by
        # one test, and a test that fails skips the block to the next test.
        code.append((_JEQ_K, 0, len(block), number))
        code += block
    code.append((_RET_K, 0, 0, _RET_ALLOW))
    return b"".join(struct.pack("HBBI", *instruction) for instruction in code)


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    libc.syscall.restype = ctypes.c_long
    return libc


def _seccomp_mode() -> int | None:
    """0, 1 (strict) or 2 (filter) from /proc/self/status; None without seccomp."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("Seccomp:"):
            return int(line.split()[1])
    return None


def _network_sockets_held() -> list[int]:
    """The file descriptors of this process that are sockets of a family other than AF_UNIX."""
    held = []
    for entry in Path("/proc/self/fd").iterdir():
        fd = int(entry.name)
        try:
            if not os.readlink(entry).startswith("socket:"):
                continue
            family = socket.socket(fileno=os.dup(fd))
        except OSError:
            continue  # closed meanwhile (the listing's own descriptor)
        with family:
            if family.family != socket.AF_UNIX:
                held.append(fd)
    return held
