"""`mir serve --workers N`: uvicorn's supervisor (restarts, health checks, graceful stop),
with a listening socket of its own for each worker.

uvicorn's workers share one socket, and the first worker to wake takes every connection
waiting on it. Browsers, proxies and load testers keep connections open, so one worker
could end up serving most of them alone: Python runs one request at a time per process,
and the other workers sat idle (half of the machine, under a benchmark's 32 connections).
With a socket per worker, all bound to the address with SO_REUSEPORT, the kernel shares
out new connections evenly. Linux only (as is the Dockerfile's image).
"""

from __future__ import annotations

import socket
from typing import Any, cast

import uvicorn
from uvicorn.supervisors import Multiprocess


def listening_socket(host: str, port: int, backlog: int, *, share: bool = True) -> socket.socket:
    """A socket listening on host:port; `share`: beside other sockets of this user there."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if share:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


class WorkerSocket:
    """What the supervisor hands each worker instead of a socket: the worker process
    unpickles it (multiprocessing's spawn) as a listening socket of its own."""

    def __init__(self, host: str, port: int, backlog: int) -> None:
        self.host, self.port, self.backlog = host, port, backlog

    def __reduce__(self) -> tuple[Any, tuple[str, int, int]]:
        return listening_socket, (self.host, self.port, self.backlog)


def run_workers(config: uvicorn.Config) -> None:
    """Serve with config.workers processes, each on its own socket."""
    # The address must be free now, as when uvicorn binds it: a worker failing to bind
    # would only be restarted, again and again. (Checked without SO_REUSEPORT, so that
    # another server already sharing the port makes this fail too.)
    listening_socket(config.host, config.port, config.backlog, share=False).close()
    sockets = cast(list[socket.socket], [WorkerSocket(config.host, config.port, config.backlog)])
    Multiprocess(config, sockets=sockets).run()
