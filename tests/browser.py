"""Headless Chromium for tests: load a page, collect console errors, DOM and a screenshot.

    from browser import render_page
    page = render_page(tmp_path / "out.html", screenshot=tmp_path / "shot.png")
    assert page.console_errors == []
    assert "Geneva" in page.dom

`render_page` accepts a path (HTML, SVG, anything Chromium opens) or a string of HTML, which
it writes to a temporary file. It drives Debian's `chromium` over the DevTools protocol on a
pipe (`--remote-debugging-pipe`): no port, no extra Python package. It skips the calling
test (pytest.skip, with the reason) when no Chromium is installed; set CHROMIUM to a binary
to choose one. Network requests other than file:, data:, blob: and about: are blocked and
reported in `PageResult.requests`, so a page that tries to load anything from outside both
fails to and is caught doing it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
)
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome-error:", "devtools:")


@dataclass
class PageResult:
    dom: str  # document.documentElement.outerHTML after the wait
    console_errors: list[str]  # console.error/assert, uncaught exceptions, error log entries
    screenshot: Path | None
    values: list[Any] = field(default_factory=list)  # results of `scripts`, in order
    requests: list[str] = field(default_factory=list)  # non-local URLs the page asked for
    console: list[str] = field(default_factory=list)  # every console message, "type: text"


class BrowserError(RuntimeError):
    pass


def chromium_path() -> str | None:
    """The Chromium binary to use: $CHROMIUM, else chromium / chromium-browser / chrome."""
    wanted = os.environ.get("CHROMIUM")
    if wanted:
        return shutil.which(wanted) or (wanted if Path(wanted).exists() else None)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    binary = chromium_path()
    if binary is None:
        pytest.skip(
            "headless Chromium is not installed (Debian: apt-get install chromium; "
            ".ci/run installs it when it runs as root); set CHROMIUM=/path/to/binary"
        )
    return binary


def render_page(
    page: Path | str,
    *,
    screenshot: Path | None = None,
    wait_ms: int = 300,
    width: int = 1200,
    height: int = 900,
    full_page: bool = True,
    color_scheme: str | None = None,  # "light" | "dark": prefers-color-scheme
    media: str | None = None,  # "print" | "screen"
    scripts: Sequence[str] = (),  # JavaScript expressions evaluated after the wait
    timeout: float = 60.0,
) -> PageResult:
    """Load ``page`` in headless Chromium; return its DOM, console errors and a screenshot."""
    binary = require_chromium()
    with tempfile.TemporaryDirectory(prefix="pt-chromium-") as scratch:
        if isinstance(page, Path):
            url = page.resolve().as_uri()
        else:
            html_file = Path(scratch) / "page.html"
            html_file.write_text(page, encoding="utf-8")
            url = html_file.as_uri()
        with _Chromium(binary, Path(scratch) / "profile", width, height, timeout) as browser:
            return browser.render(url, screenshot, wait_ms, full_page, color_scheme, media,
                                  scripts)


class _Chromium:
    """One browser process driven over the DevTools pipe (fd 3: commands, fd 4: replies)."""

    def __init__(self, binary: str, profile: Path, width: int, height: int,
                 timeout: float) -> None:
        self.binary, self.profile = binary, profile
        self.width, self.height = width, height
        self.deadline = time.monotonic() + timeout
        self.events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.replies: dict[int, dict[str, Any]] = {}
        self.pending: list[dict[str, Any]] = []
        self.next_id = 0
        self.stderr_path = profile.parent / "chromium-stderr.txt"

    def __enter__(self) -> _Chromium:
        self.profile.mkdir(parents=True, exist_ok=True)
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()
        args = [*FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
                f"--window-size={self.width},{self.height}", "about:blank"]
        # a tiny Python trampoline puts the pipe ends on fds 3 and 4, where Chromium
        # expects them (a shell redirection cannot name fds above 9)
        script = ("import fcntl, os, sys; "
                  f"r = fcntl.fcntl({to_browser_read}, fcntl.F_DUPFD, 10); "
                  f"w = fcntl.fcntl({from_browser_write}, fcntl.F_DUPFD, 10); "
                  "os.dup2(r, 3); os.dup2(w, 4); os.execv(sys.argv[1], sys.argv[1:])")
        self.stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-c", script, self.binary, *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.stderr,
            pass_fds=(to_browser_read, from_browser_write), start_new_session=True,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.process.poll() is None:
                with contextlib.suppress(OSError):
                    self._send("Browser.close", {}, wait=False)
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)
        finally:
            for fd in (self.to_browser, self.from_browser):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self.stderr.close()

    # ---------------------------------------------------------------- protocol

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self.from_browser, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                self.events.put(None)
                return
            buffer += chunk
            while b"\0" in buffer:
                message, buffer = buffer.split(b"\0", 1)
                self.events.put(json.loads(message))

    def _send(self, method: str, params: dict[str, Any], session: str | None = None,
              wait: bool = True) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        if not wait:
            return {}
        wanted = self.next_id
        while wanted not in self.replies:
            self._pump()
        reply = self.replies.pop(wanted)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def _pump(self, until: float | None = None) -> bool:
        """Take one message (reply or event); False when ``until`` passed without one."""
        limit = min(self.deadline, until) if until is not None else self.deadline
        remaining = limit - time.monotonic()
        if remaining <= 0:
            if until is not None and until < self.deadline:
                return False
            raise BrowserError(f"Chromium did not answer in time; stderr:\n{self._stderr()}")
        try:
            message = self.events.get(timeout=remaining)
        except queue.Empty:
            return self._pump(until)
        if message is None:
            raise BrowserError(f"Chromium exited; stderr:\n{self._stderr()}")
        if "id" in message:
            self.replies[message["id"]] = message
        else:
            self.pending.append(message)
        return True

    def _stderr(self) -> str:
        self.stderr.flush()
        return self.stderr_path.read_text(errors="replace")[-4000:]

    # -------------------------------------------------------------------- page

    def render(self, url: str, screenshot: Path | None, wait_ms: int, full_page: bool,
               color_scheme: str | None, media: str | None,
               scripts: Sequence[str]) -> PageResult:
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._send("Target.attachToTarget",
                             {"targetId": target, "flatten": True})["sessionId"]

        def call(method: str, **params: Any) -> dict[str, Any]:
            return self._send(method, params, session)

        for domain in ("Page", "Runtime", "Log", "Network"):
            call(f"{domain}.enable")
        call("Network.setBlockedURLs", urls=["http://*", "https://*", "ws://*", "wss://*",
                                             "ftp://*"])
        call("Emulation.setDeviceMetricsOverride", width=self.width, height=self.height,
             deviceScaleFactor=1, mobile=False)
        features = [{"name": "prefers-color-scheme", "value": color_scheme}] if color_scheme else []
        call("Emulation.setEmulatedMedia", media=media or "", features=features)
        self.pending.clear()
        call("Page.navigate", url=url)
        self._wait_for_event("Page.loadEventFired")
        settle = time.monotonic() + wait_ms / 1000
        while self._pump(until=settle):
            pass
        values = [
            self._evaluate(call, expression) for expression in scripts
        ]
        dom = self._evaluate(call, "document.documentElement.outerHTML")
        if screenshot is not None:
            if full_page:
                metrics = call("Page.getLayoutMetrics")
                size = metrics.get("cssContentSize") or metrics["contentSize"]
                call("Emulation.setDeviceMetricsOverride", width=self.width,
                     height=max(self.height, min(int(size["height"]) + 1, 16000)),
                     deviceScaleFactor=1, mobile=False)
            data = call("Page.captureScreenshot", format="png")["data"]
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(data))
        errors, console, requests = self._collect()
        return PageResult(dom=str(dom), console_errors=errors, screenshot=screenshot,
                          values=values, requests=requests, console=console)

    def _evaluate(self, call: Any, expression: str) -> Any:
        reply = call("Runtime.evaluate", expression=expression, returnByValue=True,
                     awaitPromise=True)
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"script failed: {expression!r}: {text}")
        return reply.get("result", {}).get("value")

    def _wait_for_event(self, method: str) -> None:
        seen = 0
        while True:
            for message in self.pending[seen:]:
                if message.get("method") == method:
                    return
            seen = len(self.pending)
            self._pump()

    def _collect(self) -> tuple[list[str], list[str], list[str]]:
        errors: list[str] = []
        console: list[str] = []
        requests: list[str] = []
        for message in self.pending:
            method, params = message.get("method"), message.get("params", {})
            if method == "Runtime.consoleAPICalled":
                text = " ".join(
                    str(arg.get("value", arg.get("description", ""))) for arg in params["args"]
                )
                console.append(f"{params['type']}: {text}")
                if params["type"] in ("error", "assert"):
                    errors.append(text)
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                errors.append(details.get("exception", {}).get("description")
                              or details.get("text", "exception"))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                errors.append(f"{entry.get('source')}: {entry['text']} {entry.get('url', '')}"
                              .strip())
            elif method == "Network.requestWillBeSent":
                request_url = params["request"]["url"]
                if not request_url.startswith(LOCAL_SCHEMES):
                    requests.append(request_url)
        return errors, console, requests
