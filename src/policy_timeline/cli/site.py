"""`timeline build DIR` and `timeline serve`: the workspace as a static site (SPEC §9).

Each story file is loaded on its own, so that a story with errors is reported and left
out while the others are still published (the command then exits 1). The site itself
is made by `policy_timeline.site` and written by `policy_timeline.sitewriter`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import EXIT_INVALID, EXIT_OK, CliError, Context, add_command, context, terminal_safe

if TYPE_CHECKING:
    from ..site import Story

BUILD_EXAMPLES = """\
  timeline build site                       index.html, a page and a calendar per story,
                                            all.ics, feed.xml and timeline.json in ./site
  timeline -f timelines/ build public       every story of a folder
  timeline build site --as-of 2025-08-01    the site as it looked that day
"""

SERVE_EXAMPLES = """\
  timeline serve                            http://127.0.0.1:8000/, rebuilt on every save
  timeline -f timelines/ serve --port 8080
  timeline serve --port 0                   any free port (the address is printed)
"""


def register(commands: Any) -> None:
    build = add_command(commands, "build", BUILD_EXAMPLES, cmd_build)
    build.add_argument("folder", metavar="DIR",
                       help="the folder to write the site into (made when missing); only "
                       "files whose bytes changed are written, files of an earlier build "
                       "that this one does not make are removed, other files are left alone")
    serve = add_command(commands, "serve", SERVE_EXAMPLES, cmd_serve)
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8000,
                       help="the port (default 8000; 0: any free port)")


# ----------------------------------------------------------------------------- loading


def story_files(names: list[str]) -> list[str]:
    """The files named: a folder means its `*.yaml` / `*.yml` files, in name order, hidden
    ones skipped (SPEC §1); a file is taken as named, even when missing (then reported)."""
    found: list[str] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found += [
                str(child)
                for child in sorted(path.iterdir(), key=lambda child: child.name)
                if child.suffix in (".yaml", ".yml") and not child.name.startswith(".")
                and child.is_file()
            ]
        else:
            found.append(name)
    return found


def load_stories(ctx: Context) -> tuple[list[Story], int]:
    """Every story that loads, and the number of problems printed for those that did not."""
    from ..cache import load
    from ..site import Story
    from ..stories import key_from_path

    stories: list[Story] = []
    owners: dict[str, str] = {}
    failures = 0
    if ctx.missing is not None:  # no workspace at all: how to start
        raise CliError(ctx.missing)
    paths = story_files(ctx.files)
    if not any(Path(path).exists() for path in paths):
        raise CliError(f"{', '.join(ctx.files)}: no story files (*.yaml) found; "
                       "start one with 'timeline init' or name files with -f")
    for path in paths:
        result = load([path])
        if result.errors:
            for problem in result.errors:
                print(terminal_safe(str(problem)), file=sys.stderr)
            print(terminal_safe(f"timeline: {path}: left out of the site "
                                f"({len(result.errors)} errors)"), file=sys.stderr)
            failures += 1
            continue
        info = result.timeline.files[0] if result.timeline.files else None
        key = info.key if info is not None and info.key else key_from_path(path)
        if key in owners:
            print(terminal_safe(f"{path}:1:1: error: story key '{key}' is also the key of "
                                f"{owners[key]}; this file is left out"), file=sys.stderr)
            failures += 1
            continue
        owners[key] = path
        stories.append(Story(key, path, result.timeline))
    return stories, failures


def _build(ctx: Context, folder: Path) -> tuple[int, str]:
    """Build into `folder`: the exit code and a one-line account of what was written."""
    from ..site import build
    from ..sitewriter import SiteError, write_site

    stories, failures = load_stories(ctx)
    if not stories:
        raise CliError("no story could be loaded; nothing was built")
    as_of = ctx.as_of(stories[0].timeline.timezone)
    try:
        done = write_site(folder, build(stories, as_of))
    except SiteError as error:
        raise CliError(error.message) from None
    summary = (f"{folder}: {len(stories)} stor{'y' if len(stories) == 1 else 'ies'} as of "
               f"{as_of.text}; {len(done.changed)} files written, {len(done.unchanged)} "
               f"unchanged, {len(done.removed)} removed")
    return (EXIT_INVALID if failures else EXIT_OK), summary


def cmd_build(args: argparse.Namespace) -> int:
    ctx = context(args)
    code, summary = _build(ctx, Path(args.folder))
    print(terminal_safe(summary), file=sys.stderr)
    return code


# ------------------------------------------------------------------------------- serve


def is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _server(host: str, port: int, folder: str) -> Any:
    import socket
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Handler(SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-cache")  # a rebuilt page is fetched again
            super().end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            sys.stderr.write(terminal_safe(f"{self.address_string()} - {format % args}") + "\n")

    class Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        daemon_threads = True

    extensions = {".ics": "text/calendar; charset=utf-8",
                  ".xml": "application/atom+xml; charset=utf-8",
                  ".json": "application/json; charset=utf-8",
                  ".html": "text/html; charset=utf-8"}
    Handler.extensions_map = {**Handler.extensions_map, **extensions}
    try:
        return Server((host.strip("[]"), port), partial(Handler, directory=folder))
    except OSError as error:
        raise CliError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def _watch_filter(ctx: Context) -> tuple[list[str], Callable[[Any, str], bool]]:
    """The folders to watch, and which changes in them are story files.

    Folders, not files: an editor that saves by renaming a new file over the old one
    would otherwise leave the watch on a file that no longer exists.
    """
    import os

    named = {os.path.realpath(name) for name in ctx.files if not Path(name).is_dir()}
    folders = {os.path.realpath(name) for name in ctx.files if Path(name).is_dir()}
    watched = sorted(folders | {os.path.dirname(path) for path in named})

    def is_story(_change: Any, path: str) -> bool:
        real = os.path.realpath(path)
        if real in named:
            return True
        name = os.path.basename(real)
        return (os.path.dirname(real) in folders and name.endswith((".yaml", ".yml"))
                and not name.startswith("."))

    return [folder for folder in watched if Path(folder).is_dir()], is_story


def cmd_serve(args: argparse.Namespace) -> int:
    import tempfile
    import threading

    import watchfiles

    ctx = context(args)
    if not 0 <= args.port <= 65535:
        raise CliError(f"--port {args.port}: not a port (0-65535)", 2)
    if not is_loopback(args.host):
        print(terminal_safe(f"timeline: warning: listening on {args.host}: other machines "
                            "can read the site; use --host 127.0.0.1 to keep it on this one"),
              file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="timeline-site-") as scratch:
        folder = Path(scratch)

        def rebuild() -> None:
            try:
                _, summary = _build(ctx, folder)
            except CliError as error:  # nothing loads now: keep serving the last site
                summary = f"error: {error.message}; still serving the previous build"
            print(terminal_safe(f"timeline: {summary}"), file=sys.stderr, flush=True)

        _, summary = _build(ctx, folder)  # nothing to serve yet: a failure here ends it
        print(terminal_safe(f"timeline: {summary}"), file=sys.stderr, flush=True)
        server = _server(args.host, args.port, scratch)
        host, port = server.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        print(f"Serving the site at http://{shown}:{port}/ (Ctrl-C stops)", flush=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        watched, is_story = _watch_filter(ctx)
        try:
            for _changes in watchfiles.watch(*watched, watch_filter=is_story, debounce=300,
                                             raise_interrupt=True):
                rebuild()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
    print("timeline: stopped", file=sys.stderr)
    return EXIT_OK
