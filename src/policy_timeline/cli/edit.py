"""`add`, `change`, `done`, `rm`, `edit`, `import`, `init`, `schema`: editing from the command line.

Arguments are parsed and dates read here (with `today` from `--as-of` or the clock);
the edits themselves are `editing`'s, which keeps comments and writes atomically under
a lock. An edit that would make the file invalid is refused with located messages,
exit 1, and the file is left as it was. Every edit says what it stored (the id, dates
as stored, the file and line) and takes `--dry-run`.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import (
    EXIT_OK,
    CliError,
    Context,
    UsageError,
    add_command,
    context,
    load_or_fail,
    terminal_safe,
)
from .reading import read_human_date, split_list, split_sources

if TYPE_CHECKING:
    from ..dates import Relative
    from ..editing import Document, EditError, Planned
    from ..timeline import Entry, Timeline

STATUSES = ("open", "met", "missed", "cancelled", "superseded")
CONFIDENCES = ("confirmed", "reported", "disputed", "rumored")

ADD_EXAMPLES = """\
  timeline add --title "90-day tariff freeze expires" --date "aug 12 2025" --kind deadline
  timeline add --title "Freeze begins" --date "truce-expiry - 90d" --tag tariffs --actor US,CN
  timeline add --title "London talks" --date 2025-06-09/2025-06-10 --source https://example.org/a
  timeline add                                  asks for the title and date (in a terminal)
"""
CHANGE_EXAMPLES = """\
  timeline change truce-expiry --announced 2025-08-11 --date 2025-11-10 --note "Extended 90 days"
  timeline change truce-expiry --announced today --status met
  timeline change talks --announced "nov 4 2025" --status cancelled --source https://example.org/b
  timeline change truce-expiry --announced 2025-08-11 --extend 90d
  timeline change followup --announced today --date "truce-expiry + 7d"
"""
IMPORT_EXAMPLES = """\
  timeline import calendar.ics --dry-run        what would be added, and what is already there
  timeline import timeline.json                 a TimelineJS JSON file
  timeline import sheet.csv --tag trade,eu      the TimelineJS Google-sheet template, as CSV
  timeline import feed.txt --as ics             the format, when the name does not say it
"""
INIT_EXAMPLES = """\
  timeline init                                 ./timeline.yaml and ./timeline.schema.json
  timeline -f story.yaml init --title "Export controls" --timezone Europe/Brussels
  timeline init --schema https://example.org/timeline.schema.json
"""
SCHEMA_EXAMPLES = """\
  timeline schema > timeline.schema.json
"""
DONE_EXAMPLES = """\
  timeline done truce-expiry                    met, as of today
  timeline done truce-expiry --announced 2025-11-04 --note "Signed"
"""
RM_EXAMPLES = """\
  timeline rm london-talks                      refused while another date counts from it
  timeline rm london-talks --dry-run
"""
EDIT_EXAMPLES = """\
  timeline edit truce-expiry                    $VISUAL or $EDITOR, at the entry's line
  EDITOR='code -g' timeline edit truce-expiry
"""


def register(commands: Any) -> None:
    add = add_command(commands, "add", ADD_EXAMPLES, cmd_add)
    add.add_argument("--title", help="one line; asked for in a terminal when missing")
    add.add_argument(
        "--date",
        help="EDTF ('2025-08-12', '2025-06~', '2025-Q3'), 'ID + 90d', or as people write it "
        "('aug 12 2025', 'today', '+2w')",
    )
    add.add_argument("--id", help="the entry's id (default: derived from the title, made unique)")
    add.add_argument(
        "--kind", help="a free word: agreement, call, measure...; 'deadline' gets reminders"
    )
    add.add_argument("--tag", action="append", default=[], metavar="TAGS", help=LIST_HELP)
    add.add_argument("--actor", action="append", default=[], metavar="ACTORS", help=LIST_HELP)
    add.add_argument(
        "--source", action="append", default=[], metavar="SOURCES",
        help="source ids or URLs; " + LIST_HELP,
    )
    add.add_argument(
        "--warn", action="append", default=[], metavar="LEADS",
        help="lead times for reminders ('14d', '2w', '3 days'); " + LIST_HELP,
    )
    add.add_argument("--announced", metavar="DATE", help="when this became known")
    add.add_argument("--summary", help="what happened (Markdown)")
    add.add_argument("--consequence", help="what happens if a deadline passes")
    add.add_argument("--confidence", choices=CONFIDENCES, help="default: confirmed")
    _dry_run(add)

    change = add_command(commands, "change", CHANGE_EXAMPLES, cmd_change)
    change.add_argument("entry_id", metavar="ID", help="the entry the news is about")
    change.add_argument(
        "--announced", metavar="DATE", required=True, help="when the news became known"
    )
    moved = change.add_mutually_exclusive_group()
    moved.add_argument(
        "--date",
        help="the entry's new date: a date ('2025-11-10', 'nov 10 2025'), 'ID + 90d' (from "
        "that entry's date as known at --announced), or '+90d' (from today)",
    )
    moved.add_argument(
        "--extend", metavar="DURATION",
        help="move the date later by DURATION (90d, 3mo, 1y), from its date as known at "
        "--announced",
    )
    change.add_argument("--status", choices=STATUSES, help="the deadline's new status")
    change.add_argument("--note", help="what happened, in a line")
    change.add_argument(
        "--source", action="append", default=[], metavar="SOURCES", help=LIST_HELP
    )
    _dry_run(change)

    done = add_command(commands, "done", DONE_EXAMPLES, cmd_done)
    done.add_argument("entry_id", metavar="ID", help="the deadline that was met")
    done.add_argument(
        "--announced", metavar="DATE", help="when it became known (default: the as-of day)"
    )
    done.add_argument("--note", help="what happened, in a line")
    done.add_argument("--source", action="append", default=[], metavar="SOURCES", help=LIST_HELP)
    _dry_run(done)

    remove = add_command(commands, "rm", RM_EXAMPLES, cmd_rm)
    remove.add_argument("entry_id", metavar="ID", help="the entry to remove")
    _dry_run(remove)

    edit = add_command(commands, "edit", EDIT_EXAMPLES, cmd_edit)
    edit.add_argument("entry_id", metavar="ID", help="the entry to open the editor at")

    importer = add_command(commands, "import", IMPORT_EXAMPLES, cmd_import)
    importer.add_argument("source_file", metavar="FILE", help="the file to import ('-' for stdin)")
    importer.add_argument(
        "--as",
        dest="import_format",
        choices=("ics", "json", "csv"),
        help="read FILE as this format (default: from its name or content)",
    )
    # `--from` is a date everywhere else (show, export): here it only says so
    importer.add_argument("--from", dest="renamed_from", help=argparse.SUPPRESS)
    importer.add_argument("--kind", help="the kind of every imported entry")
    importer.add_argument(
        "--tag", action="append", default=[], metavar="TAGS",
        help="add these tags to every entry; " + LIST_HELP,
    )
    _dry_run(importer)

    init = add_command(commands, "init", INIT_EXAMPLES, cmd_init)
    init.add_argument("--title", default="My policy timeline", help="the timeline's title")
    init.add_argument("--timezone", default="UTC", help="IANA zone for times without an offset")
    init.add_argument(
        "--schema",
        metavar="URL",
        help="the JSON Schema for editors (default: timeline.schema.json, written beside the file)",
    )
    init.add_argument(
        "--force", action="store_true",
        help="replace the timeline file and the schema file when they exist",
    )
    _dry_run(init)

    add_command(commands, "schema", SCHEMA_EXAMPLES, cmd_schema)


LIST_HELP = "comma-separated, or repeat the option"


def _dry_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would be stored; change nothing"
    )


# --------------------------------------------------------------------- helpers


def _target(ctx: Context) -> tuple[str, list[str]]:
    """The file that is edited (the first one) and the others loaded beside it."""
    files = _files(ctx)
    return files[0], files[1:]


def _files(ctx: Context) -> list[str]:
    """The workspace's files: a folder given with -f means its *.yaml / *.yml files."""
    found: list[str] = []
    for name in ctx.files:
        path = Path(name)
        if path.is_dir():
            found += sorted(
                str(child)
                for child in path.iterdir()
                if child.suffix in (".yaml", ".yml") and not child.name.startswith(".")
            )
        else:
            found.append(name)
    return found or list(ctx.files)


def _zone_and_today(ctx: Context, path: str) -> tuple[str, date]:
    from ..dates import DateError, get_zone
    from ..editing import file_timezone

    try:
        zone = file_timezone(Path(path).read_text(encoding="utf-8", errors="replace"))
        get_zone(zone)
    except (OSError, DateError):
        zone = "UTC"
    return zone, ctx.as_of(zone).day


# `ID + 90d`, `story:ID - 2w`, `ID+3 days`: what can only be meant as a relative date
_RELATIVE_SHAPE = re.compile(
    r"\s*(?:[a-z0-9-]+:)?[a-z0-9][a-z0-9-]*\s*[+-]\s*\d+\s*[A-Za-z]+\s*", re.ASCII
)


def relative_date(text: str, option: str, zone: str) -> Relative | None:
    """`ID + 90d` read as such; None for other text; a usage error for what has the shape
    of one but cannot be read (saying why)."""
    from ..dates import DateError, Relative, parse_date

    try:
        parsed = parse_date(text, zone)
    except DateError as error:
        if _RELATIVE_SHAPE.fullmatch(text):
            raise UsageError(f"{option} {text!r}: {error.message}") from None
        return None
    return parsed if isinstance(parsed, Relative) else None


def read_date(text: str, option: str, today: date, zone: str, *, relative: bool = False) -> str:
    """A date from the command line as the file writes it (canonical EDTF, or `ID + N`)."""
    if relative:
        parsed = relative_date(text, option, zone)
        if parsed is not None:
            return parsed.text
    return read_human_date(text, option, today, zone).text


def read_lead_times(values: Sequence[str]) -> list[str]:
    from ..dates import DateError, parse_duration

    lead_times: list[str] = []
    for part in split_list(values):
        try:
            text = parse_duration(part).text
        except DateError as error:
            raise UsageError(f"--warn {part!r}: {error.message}") from None
        if text not in lead_times:
            lead_times.append(text)
    return lead_times


def _ask(label: str) -> str:
    """One line from the terminal; an empty answer or end of input gives up."""
    try:
        answer = input(f"{label}: ").strip()
    except EOFError:
        answer = ""
    if not answer:
        raise UsageError(f"no {label} given")
    return answer


def _refused(error: EditError) -> CliError:
    for problem in error.problems:
        print(terminal_safe(str(problem)), file=sys.stderr)
    return CliError(error.message)


def _report(ctx: Context, document: dict[str, Any], lines: Sequence[str]) -> None:
    if ctx.format == "json":
        ctx.out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        for line in lines:
            ctx.out.write(terminal_safe(line) + "\n")


def _stored_lines(planned: Planned, first: int, stop: int) -> list[str]:
    """The lines an edit would write, for `--dry-run`, numbered as in the new file."""
    width = len(str(stop))
    return [
        f"  {number + 1:>{width}} | {planned.document.lines[number].rstrip(chr(13) + chr(10))}"
        for number in range(first, stop)
    ]


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _locate(ctx: Context, entry_id: str) -> tuple[str, str, list[str]]:
    """The file that holds entry `entry_id` (or `story:id`), the bare id, and the others.

    An id found nowhere is a located error that suggests the nearest ids, as `check` does.
    """
    from ..editing import entry_ids, find_entry

    files = _files(ctx)
    story, _, bare = entry_id.rpartition(":")
    candidates = [f for f in files if not story or Path(f).stem == story]
    for candidate in candidates:
        document = _document(candidate)
        if document is None:
            continue
        if find_entry(document, bare) or (
            _events_in_flow(document) and bare in entry_ids(document.text())
        ):  # the edit then says why it cannot be made
            return candidate, bare, [f for f in files if f != candidate]
    if not any(Path(f).is_file() for f in files):
        raise CliError(
            f"{', '.join(files)}: no such file (start one with 'timeline init', "
            "or name a file with -f PATH)"
        )
    known = sorted({i for f in candidates for i in entry_ids(_read(f))})
    message = f"no entry with id {bare!r} in {', '.join(candidates or files)}"
    near = difflib.get_close_matches(bare, known, n=3, cutoff=0.6)
    if near:
        message += "; did you mean " + " or ".join(repr(n) for n in near) + "?"
    raise CliError(message)


def _document(path: str) -> Document | None:
    """The file as the editing commands see it (its lines as YAML counts them), or None."""
    from ..editing import Document, EditError

    try:
        return Document.from_bytes(Path(path).read_bytes(), path)
    except (OSError, EditError):
        return None


def _events_in_flow(document: Document) -> bool:
    from ..scan import events_key

    found = events_key(document.lines)
    return found is not None and found[1].startswith("[") and found[1] != "[]"


def _entry_line(path: str, entry_id: str) -> int:
    """The 1-based line of the entry's dash in `path`."""
    from ..editing import find_entry

    document = _document(path)
    found = find_entry(document, entry_id) if document is not None else None
    if found is None:
        raise CliError(f"no entry with id {entry_id!r} in {path}")
    block, index = found
    return block.items[index] + 1


# -------------------------------------------------------------------- commands


def cmd_add(args: argparse.Namespace) -> int:
    from ..editing import EditError, append_entries, derive_id, edit_file, entry_ids

    ctx = context(args)
    path, others = _target(ctx)
    interactive = sys.stdin.isatty()
    title = args.title
    date_text = args.date
    if (title is None or date_text is None) and not interactive:
        missing = " and ".join(
            f"--{name}" for name, value in (("title", title), ("date", date_text)) if not value
        )
        raise UsageError(f"add needs {missing}")
    if title is None:
        title = _ask("title")
    _one_line("--title", title)
    zone, today = _zone_and_today(ctx, path)
    if date_text is None:
        date_text = _ask("date (e.g. 2025-08-12, 'aug 12', '+2w', 'other-id + 90d')")
    stored_date = read_date(date_text, "--date", today, zone, relative=True)
    entry: dict[str, Any] = {
        "id": args.id,
        "title": title,
        "date": stored_date,
        "kind": args.kind,
        "tags": split_list(args.tag),
        "actors": split_list(args.actor),
        "summary": args.summary,
        "sources": split_sources(args.source),
        "confidence": args.confidence,
        "announced": read_date(args.announced, "--announced", today, zone)
        if args.announced is not None
        else None,
        "warn": read_lead_times(args.warn) or None,
        "consequence": args.consequence,
    }

    def plan(document: Document) -> Planned:
        if not entry["id"]:
            taken: dict[str, object] = dict(entry_ids(document.text()))
            for other in others:
                taken.update(entry_ids(_read(other)))
            entry["id"] = derive_id(title, taken)
        return append_entries(document, [{k: v for k, v in entry.items() if v not in (None, [])}])

    try:
        planned = edit_file(path, plan, others, dry_run=args.dry_run)
    except EditError as error:
        raise _refused(error) from None
    first, stop = planned.entries[0]
    how = _how_read(date_text, stored_date, today)
    if entry["announced"] is not None:
        how += f"; announced: {entry['announced']}"
        how += _how_read(args.announced, entry["announced"], today).replace(", ", " ", 1)
    verb = "would add" if args.dry_run else "added"
    lines = [f"{verb} {entry['id']} to {path}:{first + 1} (date: {stored_date}{how})"]
    if args.dry_run:
        lines += _stored_lines(planned, first, stop)
    _report(
        ctx,
        {
            "dry_run": bool(args.dry_run),
            "added": [{"id": entry["id"], "path": path, "line": first + 1, "date": stored_date}],
        },
        lines,
    )
    return EXIT_OK


def _how_read(written: str, stored: str, today: date) -> str:
    """How a date typed on the command line was read, when it was not stored as typed."""
    if written.strip() == stored:
        return ""
    words = ("today", "tomorrow", "yesterday", "ago", "in ", "next", "last")
    if written.strip()[:1] in "+-" or any(word in written.lower() for word in words):
        return f", from {written.strip()!r} counted from today, {today.isoformat()}"
    return f", read from {written.strip()!r}"


def _one_line(option: str, text: str) -> None:
    """Refuse text that would not stay on one line of YAML (any line break, or a control
    character)."""
    if not text.strip():
        raise UsageError(f"{option} is empty")
    if len(text.splitlines()) > 1 or text.endswith(("\n", "\r")) or not text.isprintable():
        raise UsageError(
            f"{option} must be one line of printable text (it holds a line break or a "
            "control character)"
        )


def cmd_change(args: argparse.Namespace) -> int:
    ctx = context(args)
    if args.date is None and args.extend is None and args.status is None and args.note is None:
        raise UsageError("change needs --date, --extend, --status or --note (or several)")
    path, entry_id, others = _locate(ctx, args.entry_id)
    zone, today = _zone_and_today(ctx, path)
    announced = read_date(args.announced, "--announced", today, zone)
    new_date, how = None, ""
    if args.extend is not None or args.date is not None:
        new_date, how = _new_date(ctx, args, path, entry_id, announced, today, zone)
    change: dict[str, Any] = {
        "announced": announced,
        "date": new_date,
        "status": args.status,
        "note": args.note,
        "sources": split_sources(args.source),
    }
    verbs = "changed {id}|would change {id}"
    return _record_change(ctx, args, path, others, entry_id, change, verbs, how)


def _new_date(
    ctx: Context, args: argparse.Namespace, path: str, entry_id: str, announced: str,
    today: date, zone: str,
) -> tuple[str, str]:
    """The date `--extend` or `--date` stores, and how it was worked out (for the echo)."""
    from ..dates import DateError, parse_duration, parse_edtf, shift
    from ..schedule import AsOf, effective

    if args.extend is not None:
        try:
            offset = parse_duration(args.extend)
        except DateError as error:
            raise UsageError(f"--extend {args.extend!r}: {error.message}") from None
        ref, sign = entry_id, 1
    else:
        text = args.date
        parsed = relative_date(text, "--date", zone)
        if parsed is None:
            stored = read_human_date(text, "--date", today, zone).text
            how = _how_read(text, stored, today)
            if text.strip()[:1] in "+-":
                duration = text.strip()[1:].strip()
                how += f"; to count from the entry's date, write --extend {duration}"
            return stored, how
        ref, sign, offset = parsed.ref, parsed.sign, parsed.offset
    timeline = load_or_fail(ctx).timeline
    base = _entry_in(timeline, path, ref)
    if base is None:
        raise CliError(f"--date: no entry with id {ref!r} to count from")
    moment = AsOf.of_interval(parse_edtf(announced, zone), zone)
    known = effective(base, moment, timeline)
    try:
        moved = shift(known.date, sign, offset)
    except DateError as error:
        raise UsageError(f"{error.message}") from None
    mark = "+" if sign > 0 else "-"
    return moved.text, (
        f", {ref}'s date as known on {announced}, {known.date.text}, {mark} {offset.text}"
    )


def _record_change(
    ctx: Context,
    args: argparse.Namespace,
    path: str,
    others: list[str],
    entry_id: str,
    change: dict[str, Any],
    verb: str,
    how: str = "",
) -> int:
    from ..editing import EditError, append_change, edit_file

    change = {k: v for k, v in change.items() if v not in (None, [])}
    try:
        planned = edit_file(
            path,
            lambda document: append_change(document, entry_id, change),
            others,
            dry_run=args.dry_run,
        )
    except EditError as error:
        raise _refused(error) from None
    first, stop = planned.inserted or planned.entries[0]
    line = _change_line(planned)
    said = ", ".join(
        f"{key} {value}" if key != "note" else f"note {value!r}"
        for key, value in change.items()
        if key not in ("sources",)
    )
    done, would = verb.format(id=entry_id).split("|")
    lines = [
        f"{would if args.dry_run else done} in {path}:{line + 1}: "
        f"{said}{' (' + how.lstrip(', ') + ')' if how else ''}"
    ]
    if args.dry_run:
        lines += _stored_lines(planned, first, stop)
    _report(
        ctx,
        {
            "dry_run": bool(args.dry_run),
            "changed": {"id": entry_id, "path": path, "line": line + 1, "change": change},
        },
        lines,
    )
    return EXIT_OK


def _change_line(planned: Planned) -> int:
    """The 0-based line of an inserted change (`- announced: ...`), after a `changes:` key
    made for it."""
    first, stop = planned.inserted or planned.entries[0]
    lines = planned.document.lines
    return next((n for n in range(first, stop) if lines[n].lstrip().startswith("-")), first)


def _entry_in(timeline: Timeline, path: str, name: str) -> Entry | None:
    """The entry `story:id`, or `id` in the story written in `path`."""
    if ":" in name:
        return timeline.by_key().get(name)
    here = os.path.realpath(path)
    return next(
        (entry for entry in timeline.entries
         if entry.id == name and entry.location is not None
         and os.path.realpath(entry.location.path) == here),
        None,
    )


def cmd_done(args: argparse.Namespace) -> int:
    ctx = context(args)
    path, entry_id, others = _locate(ctx, args.entry_id)
    zone, today = _zone_and_today(ctx, path)
    timeline = load_or_fail(ctx).timeline
    entry = _entry_in(timeline, path, entry_id)
    if entry is not None and entry.kind.casefold() != "deadline":
        raise CliError(
            f"{entry_id!r} is not a deadline (kind: {entry.kind}); 'done' marks a deadline "
            f"met: record other news with 'timeline change {entry_id} --announced DATE ...'"
        )
    announced = (
        read_date(args.announced, "--announced", today, zone)
        if args.announced is not None
        else today.isoformat()
    )
    change: dict[str, Any] = {
        "announced": announced,
        "status": "met",
        "note": args.note,
        "sources": split_sources(args.source),
    }
    verbs = "marked {id} met|would mark {id} met"
    return _record_change(ctx, args, path, others, entry_id, change, verbs)


def cmd_rm(args: argparse.Namespace) -> int:
    from ..editing import EditError, edit_file, remove_entry

    ctx = context(args)
    path, entry_id, others = _locate(ctx, args.entry_id)
    timeline = load_or_fail(ctx).timeline
    target = _entry_in(timeline, path, entry_id)
    dependents = []
    for entry in timeline.entries:
        if target is not None and entry.relative is not None and entry.relative.ref == target.key:
            where = f" ({entry.location})" if entry.location else ""
            dependents.append(f"'{entry.id}'{where} is dated '{entry.date_text}'")
    if dependents:
        raise CliError(
            f"not removed: {'; '.join(dependents)}; change or remove "
            f"{'it' if len(dependents) == 1 else 'them'} first (nothing was changed)"
        )
    try:
        planned = edit_file(
            path, lambda document: remove_entry(document, entry_id), others, dry_run=args.dry_run
        )
    except EditError as error:
        raise _refused(error) from None
    assert planned.removed is not None
    first, stop = planned.removed
    old_lines = _read(path).splitlines() if args.dry_run else []
    lines = [
        f"{'would remove' if args.dry_run else 'removed'} {entry_id} from {path}:{first + 1}"
        f" (lines {first + 1}-{stop})"
    ]
    if args.dry_run:
        lines += [f"  {n + 1} | {old_lines[n]}" for n in range(first, min(stop, len(old_lines)))]
    _report(
        ctx,
        {
            "dry_run": bool(args.dry_run),
            "removed": {"id": entry_id, "path": path, "line": first + 1, "lines": stop - first},
        },
        lines,
    )
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    import os
    import shlex
    import subprocess

    ctx = context(args)
    path, entry_id, _ = _locate(ctx, args.entry_id)
    line = _entry_line(path, entry_id)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        command = [*shlex.split(editor), f"+{line}", path]
    except ValueError as error:
        raise UsageError(f"$EDITOR {editor!r}: {error}") from None
    try:
        code = subprocess.call(command)
    except OSError as error:
        raise CliError(f"cannot run the editor {editor!r}: {error.strerror or error}") from None
    if code != 0:
        raise CliError(f"the editor {editor!r} exited with {code}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .. import importers
    from ..editing import (
        EditError,
        append_entries,
        derive_id,
        edit_file,
        entry_ids,
        entry_values,
    )
    from ..loader import load

    ctx = context(args)
    if args.renamed_from is not None:
        raise UsageError(
            f"import --from is now --as (on show and export, --from is a date): "
            f"write 'timeline import {args.source_file} --as {args.renamed_from}'"
        )
    path, others = _target(ctx)
    source = args.source_file
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as error:
        raise CliError(f"{source}: cannot read: {error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CliError(f"{source}: not UTF-8 text (byte {error.start})") from None
    result = load(_files(ctx))
    if result.errors:
        for problem in result.errors:
            print(terminal_safe(str(problem)), file=sys.stderr)
        raise CliError(f"{path}: the timeline has errors; fix them before importing")
    timeline = result.timeline
    zone, today = _zone_and_today(ctx, path)
    format_name = args.import_format or importers.detect_format(source, text)
    parsed = importers.parse(text, "<stdin>" if source == "-" else source, format_name, zone)
    for problem in parsed.problems:
        print(terminal_safe(str(problem)), file=sys.stderr)
    if any(p.severity == "error" for p in parsed.problems):
        raise CliError(f"{source}: not imported: fix the errors above (nothing was changed)")
    tags = split_list(args.tag)
    for item in parsed.entries:
        if args.kind:
            item.fields = {**item.fields, "kind": args.kind}
        if tags:
            item.fields["tags"] = [
                *item.fields.get("tags", []),
                *(t for t in tags if t not in item.fields.get("tags", [])),
            ]
    taken: dict[str, object] = {}
    for file_path in _files(ctx):
        taken.update(entry_ids(_read(file_path)))
    known_uids = _export_uids(timeline)
    for file_path in _files(ctx):
        source_document = _document(file_path)
        if source_document is not None:
            known_uids.update(entry_values(source_document, "uid"))
    outcome = importers.plan(
        parsed.entries, timeline, taken, zone, known_uids, ctx.as_of(zone)
    )

    def plan(document: Document) -> Planned:
        # another edit may have taken an id meanwhile: derive again under the lock
        taken_now: dict[str, object] = dict(entry_ids(document.text()))
        for other in others:
            taken_now.update(entry_ids(_read(other)))
        for entry in outcome.added:
            if entry["id"] in taken_now:
                entry["id"] = derive_id(str(entry["title"]), taken_now)
            taken_now[entry["id"]] = True
        return append_entries(document, outcome.added)

    planned = None
    if outcome.added:
        try:
            planned = edit_file(path, plan, others, dry_run=args.dry_run)
        except EditError as error:
            raise _refused(error) from None
    moves = _record_moves(ctx, args, outcome.moved, today, source)
    lines_of = dict(
        zip(
            (str(entry["id"]) for entry in outcome.added),
            (first + 1 for first, _ in (planned.entries if planned else [])),
            strict=False,
        )
    )
    if ctx.format == "json":
        document = {
            "dry_run": bool(args.dry_run),
            "added": [
                {**dict(entry), "path": path, "line": lines_of.get(str(entry["id"]))}
                for entry in outcome.added
            ],
            "moved": moves,
            "skipped": [
                {
                    "title": s.imported.fields.get("title"),
                    "line": s.imported.location.line,
                    "reason": s.reason,
                }
                for s in outcome.skipped
            ],
        }
        ctx.out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    verb = "would add" if args.dry_run else "added"
    count = len(outcome.added)
    out = [f"{verb} {count} entr{'y' if count == 1 else 'ies'} to {path}"]
    for entry in outcome.added:
        out.append(
            f"  {entry['id']} at {path}:{lines_of.get(str(entry['id']), '?')}: "
            f"{entry['title']} (date: {entry['date']})"
        )
    if args.dry_run and planned is not None:
        for first, stop in planned.entries:
            out += _stored_lines(planned, first, stop)
    for move in moves:
        out.append(
            f"{'would move' if args.dry_run else 'moved'} {move['id']} from {move['from']} to "
            f"{move['to']} ({move['path']}:{move['line']}: a change announced {move['announced']})"
        )
    for skipped in outcome.skipped:
        where = skipped.imported.location
        out.append(f"skipped {where}: {skipped.imported.fields.get('title')}: {skipped.reason}")
    _report(ctx, {}, out)
    return EXIT_OK


def _record_moves(
    ctx: Context, args: argparse.Namespace, moved: Sequence[Any], today: date, source: str
) -> list[dict[str, Any]]:
    """A change in the history of each entry whose event moved in the calendar."""
    from ..editing import EditError, append_change, edit_file

    done: list[dict[str, Any]] = []
    for move in moved:
        path, entry_id, others = _locate(ctx, move.entry_id)
        change = {
            "announced": today.isoformat(),
            "date": move.new,
            "note": f"moved by import of {Path(source).name}",
        }

        def plan(document: Document, entry_id: str = entry_id, change: Any = change) -> Planned:
            return append_change(document, entry_id, change)

        try:
            planned = edit_file(path, plan, others, dry_run=args.dry_run)
        except EditError as error:
            raise _refused(error) from None
        done.append({"id": entry_id, "from": move.old, "to": move.new, "path": path,
                     "line": _change_line(planned) + 1, "announced": change["announced"]})
    return done


def _export_uids(timeline: Any) -> dict[str, str]:
    """The UIDs `timeline export ics` gives the entries, so importing that feed adds nothing."""
    try:
        from ..exporters.ics import uid
    except ImportError:  # pragma: no cover - the exporter is optional for importing
        return {}
    return {uid(timeline, entry): entry.id for entry in timeline.entries}


def cmd_init(args: argparse.Namespace) -> int:
    from ..dates import DateError, get_zone
    from ..editing import SCHEMA_FILE, starter_text, write_atomic

    ctx = context(args)
    path = Path(ctx.files[0])
    try:
        get_zone(args.timezone)
    except DateError as error:
        raise UsageError(f"--timezone: {error.message}") from None
    _one_line("--title", args.title)
    if args.schema is not None:
        _one_line("--schema", args.schema)
    if path.is_dir():
        raise CliError(f"{path}: is a folder; name the timeline file to create with -f FILE")
    schema = args.schema or SCHEMA_FILE
    from ..stories import key_from_path

    text = starter_text(schema, args.title, args.timezone, key_from_path(str(path)))
    files: list[tuple[Path, str]] = [(path, text)]
    if args.schema is None:
        files.append((path.parent / SCHEMA_FILE, _schema_text() + "\n"))
    if path.exists() and not args.force:
        raise CliError(
            f"{path}: already exists; not overwritten (add to it with 'timeline add', "
            "or replace it with 'timeline init --force')"
        )
    created, kept = [], []
    for target, text in files:
        if target.exists() and not args.force:
            kept.append(str(target))
            continue
        if not args.dry_run:
            try:
                write_atomic(target, text.encode("utf-8"))
            except OSError as error:
                raise CliError(f"{target}: cannot write: {error.strerror or error}") from None
        created.append(str(target))
    verb = "would create" if args.dry_run else "created"
    lines = [f"{verb} {' and '.join(created)}"]
    if kept:
        lines.append(f"kept {' and '.join(kept)} as it was (--force replaces it)")
    _report(ctx, {"dry_run": bool(args.dry_run), "created": created, "kept": kept}, lines)
    return EXIT_OK


def _schema_text() -> str:
    from ..model import FileModel

    return json.dumps(FileModel.model_json_schema(), indent=2, ensure_ascii=False)


def cmd_schema(args: argparse.Namespace) -> int:
    ctx = context(args)
    ctx.out.write(_schema_text() + "\n")
    return EXIT_OK
