"""`mir serve` as a subprocess on 127.0.0.1 and a free port, for crash and log tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.config import PROJECT_ROOT

HOST = "127.0.0.1"
# Importing the app takes a few seconds of CPU, more on a busy machine.
START_TIMEOUT = 90.0


def mir_command() -> list[str]:
    script = Path(sys.executable).parent / "mir"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "app.cli"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(**settings: str) -> dict[str, str]:
    """This process's environment without MIR_* settings, plus `settings` as MIR_*."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("MIR_")}
    env.update({f"MIR_{name.upper()}": value for name, value in settings.items()})
    return env


@dataclass
class Server:
    """One `mir serve` process (in its own process group), its port and its stderr file."""

    env: dict[str, str]
    log: Path
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        command = [
            *mir_command(),
            "serve",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                env=self.env,
                cwd=PROJECT_ROOT,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )

    def wait_until(self, path: str, timeout: float) -> float:
        """Seconds until GET path answered 200; AssertionError after `timeout`."""
        assert self.process is not None
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"mir serve exited with {self.process.returncode}:\n"
                    + self.log.read_text(errors="replace")[-3000:]
                )
            try:
                if httpx.get(self.url + path, timeout=2.0).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise AssertionError(
            f"{path} did not answer 200 within {timeout:.0f}s:\n"
            + self.log.read_text(errors="replace")[-3000:]
        )

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown, no flushing, as a crash would."""
        assert self.process is not None
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM (a graceful shutdown), then SIGKILL if it takes longer than 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
