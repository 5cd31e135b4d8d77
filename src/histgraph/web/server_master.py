"""The gunicorn master of ``histgraph serve``: checked reloads, and a stop that loses no connection.

gunicorn's own master replaces its workers on every SIGHUP, whatever they are
to serve: after a build was corrupted in place, the new workers crashed on the
store and took the master down with them. :class:`HistgraphArbiter` first asks
the application whether the data to serve is sound
(:meth:`histgraph.web.serve.GunicornServer.reload_refusal`); if not, it logs why and
leaves the running workers alone.

On SIGTERM (or Ctrl-C) it first *seals* its listening sockets: a socket filter
drops every new SYN, so no new connection completes its handshake, while the
connections already queued are kept for the workers to accept and answer (see
:mod:`histgraph.web.server_worker`). A client arriving after that is refused once
the socket closes, rather than accepted and then reset.
"""

from __future__ import annotations

import ctypes
import socket
import struct
import sys

from gunicorn.arbiter import Arbiter

#: ``SO_ATTACH_FILTER`` from <asm-generic/socket.h> (Python has no name for it).
_SO_ATTACH_FILTER = 26

#: A classic BPF program run on each packet for the listening socket, whose data
#: starts at the TCP header: load the flags byte; SYN set → drop, else → keep.
_DROP_SYN = (
    (0x30, 0, 0, 13),  # BPF_LD | BPF_B | BPF_ABS: A = byte 13 (the flags)
    (0x45, 0, 1, 0x02),  # BPF_JMP | BPF_JSET | BPF_K: if A & SYN, next; else skip one
    (0x06, 0, 0, 0),  # BPF_RET: drop
    (0x06, 0, 0, 0xFFFFFFFF),  # BPF_RET: keep the whole packet
)


def seal(sock: socket.socket) -> bool:
    """Make a listening TCP socket complete no new handshake; its queued connections stay.

    Returns False where socket filters do not exist (not Linux): the workers
    then drain what is queued when they stop, which leaves a short window.
    """
    if not sys.platform.startswith("linux") or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return False
    code = b"".join(struct.pack("HBBI", *instruction) for instruction in _DROP_SYN)
    program = ctypes.create_string_buffer(code, len(code))
    # struct sock_fprog { unsigned short len; struct sock_filter *filter; }
    fprog = struct.pack("HP", len(_DROP_SYN), ctypes.addressof(program))
    try:
        sock.setsockopt(socket.SOL_SOCKET, _SO_ATTACH_FILTER, fprog)
    except OSError:
        return False
    return True


class HistgraphArbiter(Arbiter):
    """gunicorn's master, reloading only onto sound data and sealing its sockets before it stops."""

    def reload(self) -> None:
        refusal = self.app.reload_refusal()
        if refusal is not None:
            self.log.error("histgraph: %s", refusal)
            return
        super().reload()

    def stop(self, graceful: bool = True) -> None:
        # Only when the socket dies with this master: not after SIGUSR2 (a new
        # master shares it) nor under systemd or reuse_port (the socket outlives us).
        if self.reexec_pid == self.master_pid == 0 and not self.systemd and not self.cfg.reuse_port:
            for listener in self.LISTENERS:
                seal(listener.sock)
        super().stop(graceful)


__all__ = ["HistgraphArbiter", "seal"]
