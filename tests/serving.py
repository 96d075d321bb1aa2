"""Helpers for the server, browser and decision-log tests: a real `obligate serve` process on
loopback, and the rule that services CI provides (PostgreSQL, Chromium) are skipped locally
only when missing, and never skipped in CI (OBLIGATE_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
POSTGRES_DSN_VARIABLE = "OBLIGATE_TEST_POSTGRES_DSN"
CHROMIUM = os.environ.get("OBLIGATE_TEST_CHROMIUM", "/usr/bin/chromium")
STARTUP_SECONDS = 120


def require(available: bool, what: str) -> None:
    """Skip a test whose service is missing here; in CI, where .ci/run provides it, fail."""
    if available:
        return
    if os.environ.get("OBLIGATE_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required here (OBLIGATE_REQUIRE_SERVICES=1) but missing")
    pytest.skip(f"{what} is not available on this machine")


def postgres_dsn() -> str:
    dsn = os.environ.get(POSTGRES_DSN_VARIABLE, "")
    require(bool(dsn), f"PostgreSQL (set {POSTGRES_DSN_VARIABLE})")
    return dsn


def chromium_path() -> str:
    require(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def obligate_command() -> list[str]:
    """The installed `obligate` script beside this Python, else the CLI module."""
    script = Path(sys.executable).parent / "obligate"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from obligate.interfaces.cli import main; main()"]


class Server:
    """`obligate serve` in its own process on a free loopback port."""

    def __init__(
        self, *arguments: str, rules: Path | str = ROOT / "rules", cache: Path | None = None
    ) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.arguments = [
            "serve",
            "--rules",
            str(rules),
            "--host",
            HOST,
            "--port",
            str(self.port),
            *arguments,
        ]
        self._errors = tempfile.TemporaryFile()
        self.environment = dict(os.environ)
        if cache is not None:
            self.environment["OBLIGATE_CACHE_DIR"] = str(cache)
        self.process: subprocess.Popen[bytes] | None = None
        self.returncode: int | None = None
        self._output = ""

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            [*obligate_command(), *self.arguments],
            cwd=ROOT,
            env=self.environment,
            stdout=self._errors,
            stderr=self._errors,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"obligate serve exited early:\n{self.output()}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.process.kill()
        raise AssertionError(f"obligate serve did not answer in {STARTUP_SECONDS} s")

    def __exit__(self, *_exc: Any) -> None:
        self.stop()
        self._output = self.output()
        self._errors.close()

    def stop(self) -> int:
        """Stop as Ctrl-C does (queued decision-log records are written first): the exit
        status is 0, or 130 where uvicorn re-raises the interrupt after shutting down."""
        if self.process is not None and self.returncode is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.returncode = self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.returncode = self.process.wait()
        return self.returncode if self.returncode is not None else -1

    def output(self) -> str:
        if self._errors.closed:
            return self._output
        self._errors.seek(0)
        return self._errors.read().decode("utf-8", "replace")

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=60)


def has_binary(name: str) -> bool:
    return shutil.which(name) is not None


async def post_at_once(
    port: int, path: str, bodies: list[bytes]
) -> list[tuple[int, dict[str, str]]]:
    """Open one connection per body, all at once, and send each body once: the statuses and
    headers that came back (an exception for a connection that failed)."""
    import asyncio

    async def one(body: bytes) -> tuple[int, dict[str, str]]:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            writer.write(
                f"POST {path} HTTP/1.1\r\nhost: {HOST}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
                + body
            )
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines[1:] if line)
            }
            await reader.read()  # the body, up to the close
            return int(lines[0].split()[1]), headers
        finally:
            writer.close()

    return await asyncio.gather(*(one(b) for b in bodies))
