"""The servers the benchmark runs: pmpath under uvicorn, and a canned one that does nothing."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from pmpath.cli.serve_cmds import KEEP_ALIVE_SECONDS

from .cpu import Placement


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline and process.poll() is None:
        try:
            httpx.get(url, timeout=2)
            return True
        except httpx.HTTPError:
            time.sleep(0.2)
    return False


def start_server(
    url: str, port: int, workers: int, placement: Placement
) -> subprocess.Popen[bytes]:
    """pmpath under uvicorn, as ``pmpath serve`` runs it, on the server's cores."""
    env = {**os.environ, "PMPATH_DATABASE_URL": url}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "pmpath.web.server:app",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--backlog",
        "8192",
        "--timeout-keep-alive",
        str(KEEP_ALIVE_SECONDS),  # as pmpath serve
    ]
    process = subprocess.Popen(placement.server_command(command), env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start")


class _CannedReply(asyncio.Protocol):
    """HTTP/1.1 keep-alive: the same reply to every request, no routing, no database."""

    reply = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].lower()
            length = 0
            if (at := head.find(b"content-length:")) >= 0:
                length = int(head[at + 15 :].split(b"\r\n", 1)[0])
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            self.transport.write(self.reply)  # type: ignore[attr-defined]


def canned_reply(port: int, body_file: Path) -> None:
    """Serve ``body_file`` (a real start reply) to every request on ``port``, forever."""
    body = body_file.read_bytes()
    _CannedReply.reply = (
        b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n"
        b"content-length: %d\r\n\r\n" % len(body) + body
    )

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_CannedReply, "127.0.0.1", port, backlog=8192)
        await server.serve_forever()

    run(serve())


def start_canned(
    script: str, body: bytes, folder: Path, placement: Placement
) -> tuple[subprocess.Popen[bytes], str]:
    """The canned server in a process of its own (``script --canned-reply PORT FILE``), on the
    server's cores."""
    body_file = folder / "start-reply.json"
    body_file.write_bytes(body)
    port = free_port()
    command = [sys.executable, script, "--canned-reply", str(port), str(body_file)]
    process = subprocess.Popen(placement.server_command(command))
    base = f"http://127.0.0.1:{port}"
    if wait_until_up(base, process, 30):
        return process, base
    process.kill()
    raise SystemExit("the canned server did not start")


def run(coroutine: Any) -> Any:
    """uvloop where it is installed (uvicorn[standard] brings it): the client's own loop
    costs less, leaving more of the machine to the server."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)
