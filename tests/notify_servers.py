"""Real receivers for the notify tests, on 127.0.0.1 only: an SMTP server (aiosmtpd) and an
HTTP server that keeps what webhooks post. Each listens on a free port of its own."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def free_port() -> int:
    """A port nothing listens on now (the kernel's pick, released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Message:
    subject: str
    body: str
    sender: str
    recipients: list[str]


@dataclass
class MailBox:
    port: int
    login: tuple[str, str] | None = None  # (user, password) the server requires, if any
    messages: list[Message] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)  # users that logged in

    def url(self, credentials: str = "", **extra: str) -> str:
        # `mailto://` (not `mailtos://`): plain SMTP to a local port, no TLS; `from=` since
        # apprise cannot make a sender address out of the host 127.0.0.1
        query = "&".join(f"{k}={v}" for k, v in {"to": "team@example.org",
                                                   "from": "timeline@example.org", **extra}.items())
        return f"mailto://{credentials}127.0.0.1:{self.port}?{query}"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if (self.login is not None and isinstance(data, LoginPassword)
                and (data.login.decode(), data.password.decode()) == self.login):
            self.logins.append(data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = parsed.get_body(("plain",))
        self.messages.append(Message(
            subject=str(parsed["Subject"]),
            body=body.get_content() if body is not None else "",
            sender=envelope.mail_from,
            recipients=list(envelope.rcpt_tos),
        ))
        return "250 OK"


@contextmanager
def smtp_server(login: tuple[str, str] | None = None) -> Iterator[MailBox]:
    """An SMTP server; with `login`, one that takes mail only after that AUTH (over plain
    SMTP: it is loopback)."""
    from aiosmtpd.controller import Controller

    box = MailBox(free_port(), login)
    options: dict[str, Any] = {}
    if login is not None:
        options = {"authenticator": box.authenticate, "auth_required": True,
                   "auth_require_tls": False}
    controller = Controller(box, hostname="127.0.0.1", port=box.port, **options)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@dataclass
class Hook:
    port: int
    path: str = "/hook"
    posts: list[dict[str, Any]] = field(default_factory=list)
    delay: float = 0.0  # seconds each answer waits (to hold a run inside its lock)

    def url(self, credentials: str = "") -> str:
        return f"json://{credentials}127.0.0.1:{self.port}{self.path}"


@contextmanager
def webhook(port: int | None = None, delay: float = 0.0) -> Iterator[Hook]:
    hook = Hook(port or free_port(), delay=delay)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            document = json.loads(self.rfile.read(length))
            time.sleep(hook.delay)
            with lock:
                hook.posts.append(document)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", hook.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
