"""`mir serve --workers N`: a listening socket for each worker, so that connections kept
open (browsers, proxies, load testers) are shared out among the workers, not all taken by
whichever worker woke first."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

from app.config import PROJECT_ROOT
from app.schema import upgrade
from tests.conftest import MARKERS_DIR
from tests.operations.server import HOST, Server, free_port, mir_command, server_env

CONNECTIONS = 24


def _env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'mir.db'}"
    upgrade(url)
    return server_env(database_url=url, markers_dir=str(MARKERS_DIR),
                      upload_dir=str(tmp_path / "uploads"), outbox_dir=str(tmp_path / "outbox"))


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _tcp_sockets(pid: int) -> set[str]:
    """The socket inodes a process holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def _sockets_on(port: int, state: str) -> set[str]:
    """Inodes of the sockets on this local port in this state (01 established, 0A listening)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
            found.add(fields[9])
    return found


def _tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    found = [pid]
    for child in _children(pid):
        found += _tree(child)
    return found


def test_connections_opened_at_once_are_shared_out_among_the_workers(tmp_path: Path) -> None:
    server = Server(_env(tmp_path), tmp_path / "serve.log", workers=2)
    server.start()
    clients = []
    try:
        server.wait_until("/healthz", timeout=90)
        assert server.process is not None
        listening = _sockets_on(server.port, "0A")
        workers = [pid for pid in _tree(server.process.pid) if _tcp_sockets(pid) & listening]
        # A socket each: two listening sockets on the port, held by two processes.
        assert len(listening) == 2 and len(workers) == 2, (listening, workers)
        # Open them all before any is used, as a load tester or a proxy's pool does.
        for _ in range(CONNECTIONS):
            clients.append(socket.create_connection((HOST, server.port), timeout=10))
        for client in clients:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        for client in clients:
            assert client.recv(100).startswith(b"HTTP/1.1 200")
        accepted = _sockets_on(server.port, "01")
        held = [len(_tcp_sockets(pid) & accepted) for pid in workers]
        assert sum(held) == CONNECTIONS, held
        # Shared out by a hash of each connection: not evenly, but never all on one worker
        # (the chance of that is 2 in 2**24).
        assert min(held) > 0, held
    finally:
        for client in clients:
            client.close()
        server.stop()


def test_an_address_in_use_stops_the_service_with_a_clear_line(tmp_path: Path) -> None:
    port = free_port()
    with socket.create_server((HOST, port)):
        done = subprocess.run([*mir_command(), "serve", "--host", HOST, "--port", str(port),
                               "--workers", "2"], env=_env(tmp_path), cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert f"mir: the service did not start: {HOST}:{port}: Address already in use" \
        in done.stderr

