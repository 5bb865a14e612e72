"""`timeline export FORMAT [-o FILE]`: the exporters on the command line.

The exporters are pure; this module picks the entries (the `show` filters, `--as-of`),
calls one, and writes the text to stdout or, atomically, to a file.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import CliError, UsageError, add_command, context, load_or_fail

EXAMPLES = """\
  timeline export ics -o truce.ics          a calendar feed with alarms
  timeline export html -o truce.html        one page to share or print
  timeline export svg --tag tariffs > chart.svg
  timeline --as-of 2025-07-28 export markdown --deadlines
"""


def register(commands: Any) -> None:
    from ..exporters import FORMATS
    from ..filters import add_filter_options

    formats = "\n".join(f"  {f.name:<11} {f.help}" for f in FORMATS.values())
    parser = add_command(
        commands, "export", "export the timeline to a calendar, a page, a chart or a document",
        EXAMPLES + "\nformats:\n" + formats + "\n", cmd_export,
    )
    parser.add_argument("export_format", metavar="FORMAT", choices=tuple(FORMATS),
                        help="one of: " + ", ".join(FORMATS))
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE (replaced atomically) instead of stdout; '-' is stdout")
    add_filter_options(parser)


def cmd_export(args: argparse.Namespace) -> int:
    from ..exporters import export
    from ..filters import FilterError, select, selection_from_args

    ctx = context(args)
    timeline = load_or_fail(ctx).timeline
    as_of = ctx.as_of(timeline.timezone)
    try:
        selection = selection_from_args(args, as_of, timeline.timezone)
    except FilterError as error:
        raise UsageError(error.message) from None
    entries = select(timeline, as_of, selection)
    text = export(args.export_format, timeline, as_of, entries)
    if args.output in (None, "-"):
        # newline="" semantics: ICS lines end in CRLF and must stay so
        stream = getattr(sys.stdout, "buffer", None)
        if stream is not None and getattr(sys.stdout, "encoding", "").lower() != "utf-8":
            sys.stdout.flush()
            stream.write(text.encode("utf-8"))
            stream.flush()
        else:
            sys.stdout.write(text)
        return 0
    write_atomically(Path(args.output), text)
    return 0


def write_atomically(path: Path, text: str) -> None:
    """Write a temporary file beside ``path``, flush it to disk, then rename it over."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise CliError(f"{path}: is a directory")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise CliError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CliError(f"{path}: cannot write: {error.strerror or error}") from None
