"""`timeline export FORMAT [-o FILE]`: the exporters on the command line.

The exporters are pure; this module picks the entries (the `show` filters, `--as-of`),
calls one, and writes the text to stdout or, atomically, to a file.
"""

from __future__ import annotations

import argparse
import sys
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
    from .options import add_filter_options

    formats = "\n".join(f"  {f.name:<11} {f.help}" for f in FORMATS.values())
    parser = add_command(
        commands, "export",
        EXAMPLES + "\nformats:\n" + formats + "\n", cmd_export,
    )
    parser.add_argument("export_format", metavar="FORMAT", choices=tuple(FORMATS),
                        help="one of: " + ", ".join(FORMATS))
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE (replaced atomically) instead of stdout; '-' is stdout")
    parser.add_argument("--diagram", choices=("timeline", "gantt"),
                        help="mermaid only: a timeline diagram (default) or a gantt of "
                        "deadlines, extensions and spans")
    parser.add_argument("--group-by", choices=("kind", "actor"),
                        help="timelinejs only: group slides by kind (default) or actor")
    add_filter_options(parser)


def cmd_export(args: argparse.Namespace) -> int:
    from ..exporters import export
    from ..filters import select
    from .options import selection_from_args

    ctx = context(args)
    timeline = load_or_fail(ctx).timeline
    as_of = ctx.as_of(timeline.timezone)
    selection = selection_from_args(args, as_of, timeline.timezone)
    entries = select(timeline, as_of, selection)
    options: dict[str, str] = {}
    own_options = (("--diagram", "diagram", "mermaid"), ("--group-by", "group_by", "timelinejs"))
    for option, name, fmt in own_options:
        value = getattr(args, name, None)
        if value is None:
            continue
        if args.export_format != fmt:
            raise UsageError(f"{option} applies to the {fmt} format only")
        options[name] = value
    text = export(args.export_format, timeline, as_of, entries, **options)
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
    """Replace FILE atomically (the same guarantee as the editing commands)."""
    from ..editing import write_atomic

    if path.is_dir():
        raise CliError(f"{path}: is a directory")
    try:
        write_atomic(path, text.encode("utf-8"))
    except OSError as error:
        raise CliError(f"{path}: cannot write: {error.strerror or error}") from None
