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
  timeline export -o truce.html             one page to share or print (format from the name)
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
    parser.add_argument("export_format", metavar="FORMAT", nargs="?", choices=tuple(FORMATS),
                        help="one of: " + ", ".join(FORMATS) + " (default: from the name "
                        "given to -o, or json with --format json)")
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

    args.export_format = export_format(args)
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


#: What a file name given to -o says about the format: the formats it fits, the first
#: meant when nothing else says.
SUFFIXES = {".ics": ("ics",), ".ical": ("ics",), ".json": ("json", "timelinejs"),
            ".md": ("markdown",), ".markdown": ("markdown",), ".html": ("html",),
            ".htm": ("html",), ".svg": ("svg",), ".mmd": ("mermaid",), ".mermaid": ("mermaid",)}


def export_format(args: argparse.Namespace) -> str:
    """The format asked for: FORMAT, the global `--format json`, or the -o file's suffix;
    when they say different things, a usage error names them."""
    said: list[tuple[str, str]] = []
    if args.export_format is not None:
        said.append((args.export_format, f"FORMAT '{args.export_format}'"))
    if args.format is not None:
        if args.format != "json":
            raise UsageError(
                f"--format {args.format} is for what a command prints; name the export "
                "format: 'timeline export FORMAT'"
            )
        said.append(("json", "--format json"))
    fits: tuple[str, ...] = ()
    if args.output not in (None, "-"):
        fits = SUFFIXES.get(Path(args.output).suffix.lower(), ())
    formats = list(dict.fromkeys(fmt for fmt, _ in said))
    if len(formats) > 1 or (formats and fits and formats[0] not in fits):
        reasons = [f"{why} ({fmt})" for fmt, why in said]
        if fits:
            reasons.append(f"-o {args.output} ({' or '.join(fits)})")
        raise UsageError("conflicting formats: " + ", ".join(reasons))
    if formats:
        return formats[0]
    if fits:
        return fits[0]
    raise UsageError(
        "which format? 'timeline export FORMAT' (" + ", ".join(_formats()) + "), "
        "or -o FILE with a name ending in " + ", ".join(sorted(SUFFIXES))
    )


def _formats() -> list[str]:
    from ..exporters import FORMATS

    return list(FORMATS)


def write_atomically(path: Path, text: str) -> None:
    """Replace FILE atomically (the same guarantee as the editing commands)."""
    from ..editing import write_atomic

    if path.is_dir():
        raise CliError(f"{path}: is a directory")
    try:
        write_atomic(path, text.encode("utf-8"))
    except OSError as error:
        raise CliError(f"{path}: cannot write: {error.strerror or error}") from None
