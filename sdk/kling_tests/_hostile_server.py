"""Hostile HTTP servers on loopback, for test_hostile_servers.py: raw sockets, one thread per connection.

A :class:`HostileServer` listens on 127.0.0.1 (an ephemeral port) and hands every connection to a *behaviour*, a
function of a :class:`Connection` that reads the request and answers as badly as it likes: a body that never ends,
one byte every half second, a decompression bomb, nothing at all. Every server is bounded in time: it stops by
itself ``lifetime`` seconds after it started (closing every connection it holds), and at the latest when its
``with`` block ends. Nothing here ever listens beyond loopback.

Also here: decompression bombs built in a few milliseconds without ever holding what they inflate to
(:func:`gzip_bomb`), and :func:`run_client_script`, which runs the SDK against a server in a *subprocess* so
that its peak memory (``VmHWM``, else ``ru_maxrss``) can be measured apart from the test process, under an
address-space cap that turns a runaway client into a ``MemoryError`` of its own instead of a burden on a shared
machine.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Final

#: How long a socket operation of the server may block before it looks at the clock again.
_POLL_SECONDS: Final = 0.05
#: A request's head and body are read up to these sizes (the SDK sends small requests).
_MAX_HEAD_BYTES: Final = 64 * 1024
_MAX_REQUEST_BODY_BYTES: Final = 1024 * 1024
#: What an "endless" body sends at most before it falls silent: far past any cap the tests check, but bounded, so
#: a client without a cap wastes a known amount of memory and then waits, instead of eating the machine's.
DEFAULT_SEND_BUDGET: Final = 256 * 1024 * 1024
_CHUNK: Final = 64 * 1024

Behaviour = Callable[["Connection"], None]


@dataclass(frozen=True)
class Request:
    """What the client sent: method, target (path and query), headers (lower-case names) and body."""

    method: str
    target: str
    headers: Mapping[str, str]
    body: bytes


class Connection:
    """One accepted connection, as a behaviour sees it. Every method returns (False, or None) once the client went
    away or the server is stopping: a behaviour just returns then."""

    def __init__(self, sock: socket.socket, server: HostileServer) -> None:
        self._sock = sock
        self._server = server
        self._buffer = b""
        self.sent = 0
        sock.settimeout(_POLL_SECONDS)

    @property
    def stopping(self) -> bool:
        return self._server.stopping

    def mark(self, name: str) -> None:
        """Notes the wall-clock time of a named event on the server (see HostileServer.mark)."""
        self._server.mark(name)

    def _recv(self) -> bytes | None:
        """Some bytes; b"" at the client's end of stream; None when stopping or on a socket error."""
        while not self.stopping:
            try:
                return self._sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return None
        return None

    def read_request(self) -> Request | None:
        """The next request on this connection (head, then a Content-Length body); None if there is none."""
        while b"\r\n\r\n" not in self._buffer:
            if len(self._buffer) > _MAX_HEAD_BYTES:
                return None
            data = self._recv()
            if not data:
                return None
            self._buffer += data
        head, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, target = [*lines[0].split(" "), "", ""][:2]
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = min(int(headers.get("content-length", "0") or 0), _MAX_REQUEST_BODY_BYTES)
        while len(self._buffer) < length:
            data = self._recv()
            if not data:
                return None
            self._buffer += data
        body, self._buffer = self._buffer[:length], self._buffer[length:]
        request = Request(method, target, headers, body)
        self._server.requests.append(request)
        return request

    def send(self, data: bytes) -> bool:
        """Sends all of ``data``; False if the client went away (or stopped reading until the server stopped)."""
        view = memoryview(data)
        while view:
            if self.stopping:
                return False
            try:
                sent = self._sock.send(view)
            except TimeoutError:
                continue
            except OSError:
                return False
            view = view[sent:]
            self.sent += sent
        return True

    def send_head(self, status: int, headers: Iterable[tuple[str, str]] = (), reason: str = "Whatever") -> bool:
        return self.send(head_bytes(status, headers, reason))

    def stream(self, chunks: Iterable[bytes]) -> bool:
        """Sends each chunk in turn; False as soon as one cannot be sent."""
        return all(self.send(chunk) for chunk in chunks)

    def trickle(self, data: bytes, interval: float) -> bool:
        """One byte of ``data`` every ``interval`` seconds (the first at once)."""
        for position in range(len(data)):
            if position and not self.sleep(interval):
                return False
            if not self.send(data[position : position + 1]):
                return False
        return True

    def sleep(self, seconds: float) -> bool:
        """Waits ``seconds``; False if the server started stopping meanwhile."""
        return not self._server.wait_stopping(seconds)

    def hold(self) -> None:
        """Keeps the connection open, saying nothing, until the client closes it or the server stops."""
        while not self.stopping:
            data = self._recv()
            if data is None or data == b"":
                return

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()


class HostileServer:
    """A loopback server running ``behaviour`` on each connection; see the module docstring.

    ``requests`` lists what was read; ``connections`` counts the connections accepted; ``marks`` holds named
    wall-clock instants (``time.time()``, comparable across processes) a behaviour noted with :meth:`mark`.
    """

    def __init__(self, behaviour: Behaviour, *, lifetime: float = 10.0) -> None:
        self._behaviour = behaviour
        self.lifetime = lifetime
        self.requests: list[Request] = []
        self.connections = 0
        self.bytes_sent = 0
        self.marks: dict[str, float] = {}
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(_POLL_SECONDS)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._ends_at = 0.0

    def __enter__(self) -> HostileServer:
        self._ends_at = time.monotonic() + self.lifetime
        accept = threading.Thread(target=self._accept_loop, name=f"hostile-server-{self.port}", daemon=True)
        self._threads.append(accept)
        accept.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set() or time.monotonic() >= self._ends_at

    def wait_stopping(self, seconds: float) -> bool:
        """Sleeps up to ``seconds``; True as soon as the server is stopping."""
        end = time.monotonic() + seconds
        while not self.stopping:
            left = end - time.monotonic()
            if left <= 0:
                return False
            self._stop.wait(min(left, _POLL_SECONDS))
        return True

    def mark(self, name: str) -> None:
        """Notes the wall-clock time of a named event, once (the first time counts)."""
        self.marks.setdefault(name, time.time())

    def stop(self) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=2.0)
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self.stopping:
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            worker = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads.append(worker)
            worker.start()

    def _serve(self, sock: socket.socket) -> None:
        connection = Connection(sock, self)
        try:
            self._behaviour(connection)
        except Exception as error:  # a bug in a behaviour: kept for the test to see
            self.errors.append(error)
        finally:
            self.bytes_sent += connection.sent
            connection.close()


# -- building answers --------------------------------------------------------------------------------------------


def head_bytes(status: int, headers: Iterable[tuple[str, str]] = (), reason: str = "Whatever") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{name}: {value}" for name, value in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def chunked(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces`` in chunked transfer coding (without the final zero-length chunk: these bodies never end)."""
    for piece in pieces:
        if piece:
            yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"


# -- decompression bombs ------------------------------------------------------------------------------------------

_BOMB_BLOCK: Final = 1024 * 1024


@functools.cache
def gzip_bomb(inflated_mib: int, prefix: bytes = b"", fill: int = 0x20) -> bytes:
    """A valid gzip stream of ``prefix`` then ``inflated_mib`` MiB of the byte ``fill`` (CRC and size correct), about
    1,000 times smaller than what it inflates to, built without ever holding that.

    After a full flush a deflate compressor starts afresh, so every further MiB of the same byte compresses to the
    same bytes: they are compressed once and repeated; the CRC is computed over the real content, block by block.
    """
    block = bytes([fill]) * _BOMB_BLOCK
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    first = compressor.compress(prefix + block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    # The final (empty) block, without the trailer this compressor computed over the two blocks it saw.
    final = compressor.flush()[:-8]
    crc = zlib.crc32(prefix)
    for _ in range(inflated_mib):
        crc = zlib.crc32(block, crc)
    size = len(prefix) + inflated_mib * _BOMB_BLOCK
    return first + again * (inflated_mib - 1) + final + struct.pack("<II", crc, size & 0xFFFFFFFF)


@functools.cache
def stacked_gzip_bomb(inflated_mib: int, prefix: bytes = b"", fill: int = 0x20) -> bytes:
    """:func:`gzip_bomb` compressed once more: ``Content-Encoding: gzip, gzip``, a few KB."""
    return gzip.compress(gzip_bomb(inflated_mib, prefix, fill), compresslevel=9)


# -- the SDK in a subprocess --------------------------------------------------------------------------------------

#: Run as ``python -c SCRIPT ARGS_JSON``; prints one JSON line: what the call raised (or returned), when, and the
#: process's resident memory before the call and at its peak.
_SCRIPT: Final = r"""
import asyncio, json, os, resource, sys, time, traceback

args = json.loads(sys.argv[1])
limit = args["address_space_bytes"]
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

import kling
from kling import AsyncKling, Kling
from kling_api.models import ImageTask


def client_of(cls):
    options = dict(base_url=args["base_url"], max_retries=0, timeout=args["client_timeout"])
    if args["auth"] == "jwt":
        return cls(args["access_key"], args["secret_key"], **options)
    return cls(api_key=args["api_key"], **options)


def operation(client):
    # "omni_images.create": the operation on that resource (the task resources share one core); else client.images.
    resource, _, op = args["operation"].rpartition(".")
    images = getattr(client, resource or "images")
    if op == "get":
        return images.get("783510947463159851")
    if op == "create" and resource == "omni_images":
        return images.create("a red fox", resolution="2k")
    if op == "create":
        return images.create("a red fox")
    if op == "list":
        return images.list()
    if op == "download":
        return images.download(ImageTask.from_dict(args["task"]), args["directory"])
    raise SystemExit(f"unknown operation {op}")


async def run_async():
    async with client_of(AsyncKling) as client:
        return await operation(client)


def run_sync():
    with client_of(Kling) as client:
        return operation(client)


def peak_kib():
    # VmHWM: the peak of this process's own memory since exec. ru_maxrss would also count the parent's memory at
    # fork (Linux keeps the larger of the two across exec), so a big pytest worker would inflate it.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


out = {"rss_before_kib": peak_kib()}
started = time.monotonic()
try:
    value = asyncio.run(run_async()) if args["flavor"] == "async" else run_sync()
except BaseException as error:  # MemoryError included: reported, not raised
    out["raised_at"] = time.time()
    out["error"] = type(error).__name__
    out["mro"] = [cls.__name__ for cls in type(error).__mro__]
    out["message"] = str(error)[:4000]
    out["limit"] = getattr(error, "limit", None)
    out["traceback"] = traceback.format_exc()[-3000:]
else:
    out["raised_at"] = time.time()
    out["error"] = None
    out["result"] = repr(value)[:400]
out["elapsed"] = time.monotonic() - started
out["rss_peak_kib"] = peak_kib()
print(json.dumps(out))
"""

#: The subprocess may map at most this much memory: a client without a size cap meets a MemoryError here.
SUBPROCESS_ADDRESS_SPACE_BYTES: Final = 1024 * 1024 * 1024


@dataclass
class ScriptResult:
    """What :func:`run_client_script` reports (see _SCRIPT)."""

    error: str | None
    classes: list[str]
    message: str
    limit: int | None
    raised_at: float
    elapsed: float
    rss_before_bytes: int
    rss_peak_bytes: int
    details: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        return (
            f"{self.error}: {self.message[:300]!r} after {self.elapsed:.2f} s, peak RSS "
            f"{self.rss_peak_bytes / 2**20:.0f} MiB (before the call {self.rss_before_bytes / 2**20:.0f} MiB)"
            + (f"\n{self.details.get('traceback', '')}" if self.error else "")
        )


def run_client_script(
    *,
    flavor: str,
    base_url: str,
    operation: str,
    cwd: Path,
    timeout: float,
    auth: str = "api_key",
    credentials: Mapping[str, str],
    client_timeout: float = 10.0,
    task: Mapping[str, Any] | None = None,
    directory: str | None = None,
) -> ScriptResult:
    """Runs one SDK call (``operation`` on a ``flavor`` client against ``base_url``) in a fresh interpreter, bounded
    by ``timeout`` seconds and SUBPROCESS_ADDRESS_SPACE_BYTES of address space."""
    args = {
        "flavor": flavor,
        "base_url": base_url,
        "operation": operation,
        "auth": auth,
        "client_timeout": client_timeout,
        "address_space_bytes": SUBPROCESS_ADDRESS_SPACE_BYTES,
        "task": task,
        "directory": directory,
        **credentials,
    }
    env = {name: value for name, value in os.environ.items() if not name.startswith("KLING_")}
    # Few malloc arenas: the address-space cap then measures the client, not glibc's per-thread reservations.
    env["MALLOC_ARENA_MAX"] = "2"
    completed = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", _SCRIPT, json.dumps(args)],
        capture_output=True,
        timeout=timeout,
        cwd=cwd,
        env=env,
        check=False,
    )
    lines = completed.stdout.decode("utf-8", "replace").strip().splitlines()
    if completed.returncode != 0 or not lines:
        raise AssertionError(
            f"the client subprocess ended with {completed.returncode}; stderr:\n"
            + completed.stderr.decode("utf-8", "replace")[-3000:]
        )
    out = json.loads(lines[-1])
    return ScriptResult(
        error=out["error"],
        classes=out.get("mro", []),
        message=out.get("message", ""),
        limit=out.get("limit"),
        raised_at=out["raised_at"],
        elapsed=out["elapsed"],
        rss_before_bytes=out["rss_before_kib"] * 1024,
        rss_peak_bytes=out["rss_peak_kib"] * 1024,
        details=out,
    )
