"""HTTP transport: a threaded loopback server around the emulator core, usable in-process."""

import contextlib
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import push
from .core import Emulator
from .state import Config, State


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: every answer carries Content-Length
    server_version = "wechat-emulator"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed eventually
    # Headers and body leave in two writes; with Nagle on, delayed ACKs add ~40 ms per call.
    disable_nagle_algorithm = True

    def do_GET(self):
        split = urlsplit(self.path)
        raw = self._read_body()
        reply = self.server.emulator.handle(self.command, split.path, split.query, raw)
        if reply.drop:
            # No status line at all: the client sees the connection close under it.
            self.close_connection = True
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_POST = do_PUT = do_DELETE = do_GET

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def log_message(self, format, *args):
        # Benchmarks push hundreds of calls a second; the request record replaces the log.
        pass


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self, address, emulator: Emulator):
        self.emulator = emulator
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request, client_address):
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request, client_address):
        # A client that timed out or hung up is the point of some tests, not an error.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class EmulatorServer:
    """The emulator on loopback: `start()` serves from a daemon thread, `stop()` ends it."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        appid: str = "wx_demo_app",
        secret: str = "demo_secret",
        push_url: str | None = None,
        push_token: str | None = None,
        push_aes_key: str | None = None,
        token_ttl: float = 7200,
        *,
        token_grace: float = 300,
        templates: list[dict] | None = None,
        pages: list[str] | None = None,
        record_cap: int = 200_000,
    ):
        if push_aes_key is not None:
            push.aes_key(push_aes_key)
        config = Config(
            appid=appid,
            secret=secret,
            push_url=push_url,
            push_token=push_token,
            push_aes_key=push_aes_key,
            pages=list(pages) if pages else None,
        )
        self.emulator = Emulator(config, token_ttl, token_grace, record_cap)
        for template in templates or ():
            self.state.add_template(
                template["template_id"], template["fields"], bool(template.get("long_term"))
            )
        self._address = (host, port)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> State:
        return self.emulator.state

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the emulator is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> "EmulatorServer":
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer(self._address, self.emulator)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="wechat-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.close_connections()
        self._httpd.server_close()
        self.emulator.cancel_timers()
        self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> "EmulatorServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
