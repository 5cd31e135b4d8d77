"""The gunicorn worker of ``histgraph serve``: gevent, bounded request heads, a drain on SIGTERM.

A sync worker belongs to one connection until its request has arrived, so two
clients sending their headers a byte at a time stopped the service (issue #12).
Here each connection is a greenlet: a slow client holds only that, a worker
keeps at most ``worker_connections`` open, and connections stay alive between
requests. The head of a request (its line and headers) must arrive within
``header_timeout`` seconds of the connection opening, or within ``keepalive``
seconds of the previous answer on a kept-alive connection; otherwise the
connection is closed.

On SIGTERM gevent's own worker closes its listening socket at once, and the
connections the kernel had already queued in the listen backlog were reset.
This worker first accepts and serves everything queued, then stops listening,
then lets the requests in flight finish (up to ``graceful_timeout``). The
master (:mod:`histgraph.web.server_master`) has by then stopped the socket from
taking new connections, so the queue has an end.
"""

from __future__ import annotations

import socket
import time
from functools import partial
from typing import TYPE_CHECKING

import gevent
import gevent.local
import gevent.socket
from gevent.pool import Pool
from gevent.server import StreamServer
from gunicorn.workers.ggevent import GeventWorker

if TYPE_CHECKING:
    # gunicorn ships no types: these name what is passed, for readers.
    from gunicorn.glogging import Logger
    from gunicorn.http.message import Request
    from gunicorn.sock import BaseSocket

#: Seconds between checks that the requests in flight have finished, on SIGTERM.
_FINISH_POLL = 0.1


class DrainingGeventWorker(GeventWorker):
    """gunicorn's gevent worker with request-head timeouts and a drain of the backlog on SIGTERM.

    Reads ``keepalive`` and ``header_timeout`` from the histgraph settings of the
    gunicorn application (``self.app.settings``).
    """

    def init_process(self) -> None:
        # Created after the fork and gevent's patching, so each greenlet (one per
        # connection) has its own record of whether it answered a request yet.
        self._connection = gevent.local.local()
        super().init_process()

    def timeout_ctx(self) -> gevent.Timeout:
        """The time allowed for the next request head on this connection (a silent timeout closes it)."""
        settings = self.app.settings
        answered = getattr(self._connection, "answered", False)
        return gevent.Timeout(settings.keepalive if answered else settings.header_timeout, False)

    def handle_request(self, listener_name: _Address, req: Request, sock: socket.socket, addr: object) -> None:
        try:
            return super().handle_request(listener_name, req, sock, addr)
        finally:
            self._connection.answered = True
            # A greenlet yields only when it would block: a kept-alive client whose
            # next request is already there would be served again and again while
            # the worker's other connections wait (one worker, 8 kept-alive
            # connections: a static file's p99 was 106 ms, 14 ms with this yield).
            gevent.sleep(0)

    def run(self) -> None:
        """Serve until told to stop; then drain the backlog and finish what is in flight."""
        servers = [self._server(listener) for listener in self.sockets]
        for server in servers:
            server.start()
        while self.alive:
            self.notify()
            gevent.sleep(1.0)
        for server, listener in zip(servers, self.sockets, strict=False):
            _accept_queued(server, listener, self.log)
            server.close()
        self._finish_in_flight(servers)

    def _server(self, listener: BaseSocket) -> StreamServer:
        listener.setblocking(1)
        # Handlers get the listener's address, not the socket: connections taken
        # from the backlog on SIGTERM are served after the socket is closed.
        handle = partial(self.handle, _Address(listener.getsockname()))
        server = StreamServer(listener, handle=handle, spawn=Pool(self.worker_connections))
        if self.cfg.workers > 1:
            server.max_accept = 1  # leave the next connection to another worker
        return server

    def _finish_in_flight(self, servers: list[StreamServer]) -> None:
        deadline = time.monotonic() + self.cfg.graceful_timeout
        while any(server.pool.free_count() != server.pool.size for server in servers):
            if time.monotonic() >= deadline:
                self.log.warning("Worker graceful timeout (pid:%s)", self.pid)
                for server in servers:
                    server.stop(timeout=1)
                return
            self.notify()
            gevent.sleep(_FINISH_POLL)


class _Address:
    """All gunicorn's connection handler asks of the listening socket: its address."""

    def __init__(self, name: object) -> None:
        self._name = name

    def getsockname(self) -> object:
        return self._name



def _accept_queued(server: StreamServer, listener: BaseSocket, log: Logger) -> None:
    """Accept every connection waiting in the listen backlog and start serving it.

    Closing a listening socket resets the connections still queued on it (when
    no other process holds it open): they had completed the handshake and sent
    their request, so each must be answered.
    """
    server.stop_accepting()
    listener.setblocking(False)
    while True:
        try:
            client, address = listener.accept()
        except BlockingIOError:
            return
        except OSError as exc:  # out of file descriptors, say: what is left is lost either way
            log.warning("histgraph: could not accept a queued connection: %s", exc)
            return
        client.setblocking(True)
        server.do_handle(client, address)  # waits for a free place in the pool if it is full


__all__ = ["DrainingGeventWorker"]
