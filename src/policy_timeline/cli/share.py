"""`timeline export FORMAT [-o FILE]`: the exporters on the command line.

The exporters are pure; this module picks the entries (the `show` filters, `--as-of`),
calls one, and writes the text to stdout, to a device or pipe, or atomically to a file.
"""

from __future__ import annotations

import argparse
import os
import stat
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
                        help="write to FILE instead of stdout ('-' is stdout): a regular file is "
                        "replaced atomically, a device or pipe is written to")
    parser.add_argument("--diagram", choices=("timeline", "gantt"),
                        help="mermaid only: a timeline diagram (default) or a gantt of "
                        "deadlines, extensions and spans")
    parser.add_argument("--group-by", choices=("kind", "actor"),
                        help="timelinejs only: group slides by kind (default) or actor")
    parser.add_argument("--width", type=int, metavar="PX",
                        help="svg only: the chart's width in px, laid out for it "
                        "(default 1200)")
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
    own_options = (("--diagram", "diagram", "mermaid"), ("--group-by", "group_by", "timelinejs"),
                   ("--width", "width", "svg"))
    for option, name, fmt in own_options:
        value = getattr(args, name, None)
        if value is None:
            continue
        if args.export_format != fmt:
            raise UsageError(f"{option} applies to the {fmt} format only")
        options[name] = str(value)
    if "width" in options:
        from ..exporters.svg import MAX_WIDTH, MIN_WIDTH

        if not MIN_WIDTH <= int(options["width"]) <= MAX_WIDTH:
            raise UsageError(f"--width must be {MIN_WIDTH} to {MAX_WIDTH} px, "
                             f"not {options['width']}")
    text = export(args.export_format, timeline, as_of, entries, **options)
    write_output(args.output, text)
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


def write_output(output: str | None, text: str) -> None:
    """Write an export where `-o` says, losing nothing that is there.

    No `-o`, `-` and any path that is this process's standard output (`/dev/stdout`, even
    when it is redirected to a file with `>>`) mean standard output. A regular file (or a
    new path) is replaced atomically; anything else (a device such as /dev/full, a named
    pipe, a terminal) is written directly, never replaced by a file.
    """
    data = text.encode("utf-8")
    if output in (None, "-"):
        _write_stream(sys.stdout, data)
        return
    assert output is not None
    if output == "":
        raise UsageError("-o needs a file name ('-' for standard output)")
    try:
        found = os.stat(output)  # follows symbolic links: what the path resolves to
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise CliError(f"{output}: cannot write: {error.strerror or error}") from None
    for stream in (sys.stdout, sys.stderr):
        if found is not None and _is_stream(found, stream):
            _write_stream(stream, data)  # `-o /dev/stdout >> log.txt` appends, as `>>` says
            return
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise CliError(f"{output}: is a directory")
    try:
        if found is None or stat.S_ISREG(found.st_mode):
            write_atomically(Path(output), data)
        else:
            with open(output, "wb") as target:  # a device or a pipe: written, not replaced
                target.write(data)
    except OSError as error:
        raise CliError(f"{output}: cannot write: {error.strerror or error}") from None


def _is_stream(found: os.stat_result, stream: Any) -> bool:
    try:
        own = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):  # not a real file (tests capture output)
        return False
    return (own.st_dev, own.st_ino) == (found.st_dev, found.st_ino)


def _write_stream(stream: Any, data: bytes) -> None:
    """Bytes to a text stream, as they are (ICS lines end in CRLF and must stay so)."""
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is not None:
            stream.flush()
            buffer.write(data)
            buffer.flush()
        else:
            stream.write(data.decode("utf-8"))
            stream.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        name = "standard output" if stream is sys.stdout else "standard error"
        raise CliError(f"cannot write to {name}: {error.strerror or error}") from None


def write_atomically(path: Path, data: bytes) -> None:
    """Replace a regular FILE atomically (the same guarantee as the editing commands)."""
    from ..editing import write_atomic

    write_atomic(path, data)
