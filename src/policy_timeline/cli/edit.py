"""`add`, `change`, `import`, `init`, `schema`: editing the file from the command line.

Arguments are parsed and dates read here (with `today` from `--as-of` or the clock);
the edits themselves are `editing`'s, which keeps comments and writes atomically under
a lock. An edit that would make the file invalid is refused with located messages,
exit 1, and the file is left as it was.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import EXIT_OK, CliError, Context, UsageError, add_command, context, terminal_safe

if TYPE_CHECKING:
    from ..editing import Document, EditError, Planned

STATUSES = ("open", "met", "missed", "cancelled", "superseded")
CONFIDENCES = ("confirmed", "reported", "disputed", "rumored")

ADD_EXAMPLES = """\
  timeline add --title "90-day tariff freeze expires" --date "aug 12 2025" --kind deadline
  timeline add --title "Freeze begins" --date "truce-expiry - 90d" --tag tariffs --actor US
  timeline add --title "London talks" --date 2025-06-09/2025-06-10 --source https://example.org/a
  timeline add                                  asks for the title and date (in a terminal)
"""
CHANGE_EXAMPLES = """\
  timeline change truce-expiry --announced 2025-08-11 --date 2025-11-10 --note "Extended 90 days"
  timeline change truce-expiry --announced today --status met
  timeline change talks --announced "nov 4 2025" --status cancelled --source https://example.org/b
"""
IMPORT_EXAMPLES = """\
  timeline import calendar.ics --dry-run        what would be added, and what is already there
  timeline import timeline.json                 a TimelineJS JSON file
  timeline import sheet.csv --tag trade         the TimelineJS Google-sheet template, as CSV
"""
INIT_EXAMPLES = """\
  timeline init                                 ./timeline.yaml and ./timeline.schema.json
  timeline -f story.yaml init --title "Export controls" --timezone Europe/Brussels
  timeline init --schema https://example.org/timeline.schema.json
"""
SCHEMA_EXAMPLES = """\
  timeline schema > timeline.schema.json
"""


def register(commands: Any) -> None:
    add = add_command(
        commands,
        "add",
        ADD_EXAMPLES,
        cmd_add,
    )
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
    add.add_argument("--tag", action="append", default=[], metavar="TAG", help="repeatable")
    add.add_argument("--actor", action="append", default=[], metavar="ACTOR", help="repeatable")
    add.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="SOURCE",
        help="a source id or a URL; repeatable",
    )
    add.add_argument(
        "--warn",
        action="append",
        default=[],
        metavar="LEAD",
        help="lead times for reminders ('14d', '2w', '3 days'; repeatable or comma-separated)",
    )
    add.add_argument("--announced", metavar="DATE", help="when this became known")
    add.add_argument("--summary", help="what happened (Markdown)")
    add.add_argument("--consequence", help="what happens if a deadline passes")
    add.add_argument("--confidence", choices=CONFIDENCES, help="default: confirmed")

    change = add_command(
        commands,
        "change",
        CHANGE_EXAMPLES,
        cmd_change,
    )
    change.add_argument("entry_id", metavar="ID", help="the entry the news is about")
    change.add_argument(
        "--announced", metavar="DATE", required=True, help="when the news became known"
    )
    change.add_argument("--date", help="the entry's new date")
    change.add_argument("--status", choices=STATUSES, help="the deadline's new status")
    change.add_argument("--note", help="what happened, in a line")
    change.add_argument(
        "--source", action="append", default=[], metavar="SOURCE", help="repeatable"
    )

    importer = add_command(
        commands,
        "import",
        IMPORT_EXAMPLES,
        cmd_import,
    )
    importer.add_argument("source_file", metavar="FILE", help="the file to import ('-' for stdin)")
    importer.add_argument(
        "--from",
        dest="import_format",
        choices=("ics", "json", "csv"),
        help="the file's format (default: from its name or content)",
    )
    importer.add_argument(
        "--dry-run", action="store_true", help="show what would be added; change nothing"
    )
    importer.add_argument("--kind", help="the kind of every imported entry")
    importer.add_argument(
        "--tag", action="append", default=[], metavar="TAG", help="add TAG to every entry"
    )

    init = add_command(
        commands,
        "init",
        INIT_EXAMPLES,
        cmd_init,
    )
    init.add_argument("--title", default="My policy timeline", help="the timeline's title")
    init.add_argument("--timezone", default="UTC", help="IANA zone for times without an offset")
    init.add_argument(
        "--schema",
        metavar="URL",
        help="the JSON Schema for editors (default: timeline.schema.json, written beside the file)",
    )

    add_command(
        commands,
        "schema",
        SCHEMA_EXAMPLES,
        cmd_schema,
    )


# --------------------------------------------------------------------- helpers


def _target(ctx: Context) -> tuple[str, list[str]]:
    """The file that is edited (the first one) and the others loaded beside it."""
    return ctx.files[0], list(ctx.files[1:])


def _zone_and_today(ctx: Context, path: str) -> tuple[str, date]:
    from ..dates import DateError, get_zone
    from ..editing import file_timezone

    try:
        zone = file_timezone(Path(path).read_text(encoding="utf-8", errors="replace"))
        get_zone(zone)
    except (OSError, DateError):
        zone = "UTC"
    return zone, ctx.as_of(zone).day


def read_date(text: str, option: str, today: date, zone: str, *, relative: bool = False) -> str:
    """A date from the command line as the file writes it (canonical EDTF, or `ID + N`)."""
    from ..dates import DateError, Relative, parse_date, parse_human_date

    if relative:
        try:
            parsed = parse_date(text, zone)
        except DateError:
            pass
        else:
            if isinstance(parsed, Relative):
                return parsed.text
    try:
        return parse_human_date(text, today, zone).text
    except DateError as error:
        raise UsageError(f"{option} '{text}': {error.message}") from None


def read_lead_times(values: Sequence[str]) -> list[str]:
    from ..dates import DateError, parse_duration

    lead_times: list[str] = []
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            try:
                text = parse_duration(part.strip()).text
            except DateError as error:
                raise UsageError(f"--warn '{part.strip()}': {error.message}") from None
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


def _report(ctx: Context, document: dict[str, Any], line: str) -> None:
    if ctx.format == "json":
        ctx.out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        ctx.out.write(terminal_safe(line) + "\n")


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
    zone, today = _zone_and_today(ctx, path)
    if date_text is None:
        date_text = _ask("date (e.g. 2025-08-12, 'aug 12', '+2w', 'other-id + 90d')")
    entry: dict[str, Any] = {
        "id": args.id,
        "title": title,
        "date": read_date(date_text, "--date", today, zone, relative=True),
        "kind": args.kind,
        "tags": list(args.tag),
        "actors": list(args.actor),
        "summary": args.summary,
        "sources": list(args.source),
        "confidence": args.confidence,
        "announced": read_date(args.announced, "--announced", today, zone)
        if args.announced
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
        planned = edit_file(path, plan, others)
    except EditError as error:
        raise _refused(error) from None
    first_line = planned.entries[0][0] + 1
    _report(
        ctx,
        {"added": [{"id": entry["id"], "path": path, "line": first_line}]},
        f"added {entry['id']} to {path}:{first_line}",
    )
    return EXIT_OK


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def cmd_change(args: argparse.Namespace) -> int:
    from ..editing import Document, EditError, append_change, edit_file, find_entry

    ctx = context(args)
    if args.date is None and args.status is None and args.note is None:
        raise UsageError("change needs --date, --status or --note (or several)")
    # the entry may be in any of the files: edit the one that holds it
    path = ctx.files[0]
    for candidate in ctx.files:
        try:
            text = Path(candidate).read_bytes()
        except OSError:
            continue
        if find_entry(
            Document(candidate, text.decode("utf-8", "replace").splitlines(True)), args.entry_id
        ):
            path = candidate
            break
    others = [f for f in ctx.files if f != path]
    zone, today = _zone_and_today(ctx, path)
    change: dict[str, Any] = {
        "announced": read_date(args.announced, "--announced", today, zone),
        "date": read_date(args.date, "--date", today, zone) if args.date else None,
        "status": args.status,
        "note": args.note,
        "sources": list(args.source),
    }
    change = {k: v for k, v in change.items() if v not in (None, [])}
    try:
        planned = edit_file(
            path, lambda document: append_change(document, args.entry_id, change), others
        )
    except EditError as error:
        raise _refused(error) from None
    first = planned.entries[0][0]
    _report(
        ctx,
        {"changed": {"id": args.entry_id, "path": path, "line": first + 1, "change": change}},
        f"changed {args.entry_id} in {path}:{first + 1}",
    )
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .. import importers
    from ..editing import EditError, append_entries, derive_id, edit_file, entry_ids
    from ..loader import load

    ctx = context(args)
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
    format_name = args.import_format or importers.detect_format(source, text)
    parsed = importers.parse(text, "<stdin>" if source == "-" else source, format_name)
    for problem in parsed.problems:
        print(terminal_safe(str(problem)), file=sys.stderr)
    if any(p.severity == "error" for p in parsed.problems):
        raise CliError(f"{source}: not imported: fix the errors above (nothing was changed)")

    result = load(ctx.files)
    if result.errors:
        for problem in result.errors:
            print(terminal_safe(str(problem)), file=sys.stderr)
        raise CliError(f"{path}: the timeline has errors; fix them before importing")
    timeline = result.timeline
    for item in parsed.entries:
        if args.kind:
            item.fields = {**item.fields, "kind": args.kind}
        if args.tag:
            item.fields["tags"] = [
                *item.fields.get("tags", []),
                *(t for t in args.tag if t not in item.fields.get("tags", [])),
            ]
    taken: dict[str, object] = {}
    for file_path in ctx.files:
        taken.update(entry_ids(_read(file_path)))
    outcome = importers.plan(
        parsed.entries, timeline, taken, timeline.timezone, _export_uids(timeline)
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
    if ctx.format == "json":
        document = {
            "dry_run": bool(args.dry_run),
            "added": [dict(entry) for entry in outcome.added],
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
    ctx.out.write(
        terminal_safe(f"{verb} {count} entr{'y' if count == 1 else 'ies'} to {path}") + "\n"
    )
    if args.dry_run and planned is not None:
        for first, stop in planned.entries:
            for line in planned.document.lines[first:stop]:
                ctx.out.write(terminal_safe(line.rstrip("\r\n")) + "\n")
    elif not args.dry_run:
        for entry in outcome.added:
            ctx.out.write(
                terminal_safe(f"  {entry['id']}: {entry['title']} ({entry['date']})") + "\n"
            )
    for skipped in outcome.skipped:
        where = skipped.imported.location
        ctx.out.write(
            terminal_safe(
                f"skipped {where}: {skipped.imported.fields.get('title')}: {skipped.reason}"
            )
            + "\n"
        )
    return EXIT_OK


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
    if "\n" in args.title or "\r" in args.title or not args.title.strip():
        raise UsageError("--title must be one line")
    schema = args.schema or SCHEMA_FILE
    from ..stories import key_from_path

    text = starter_text(schema, args.title, args.timezone, key_from_path(str(path)))
    try:
        with open(path, "x", encoding="utf-8") as stream:  # never overwrites
            stream.write(text)
    except FileExistsError:
        raise CliError(f"{path}: already exists; not overwritten") from None
    except OSError as error:
        raise CliError(f"{path}: cannot create: {error.strerror}") from None
    written = [str(path)]
    if args.schema is None:
        schema_path = path.parent / SCHEMA_FILE
        write_atomic(schema_path, (_schema_text() + "\n").encode("utf-8"))
        written.append(str(schema_path))
    _report(ctx, {"created": written}, "created " + " and ".join(written))
    return EXIT_OK


def _schema_text() -> str:
    from ..model import FileModel

    return json.dumps(FileModel.model_json_schema(), indent=2, ensure_ascii=False)


def cmd_schema(args: argparse.Namespace) -> int:
    ctx = context(args)
    ctx.out.write(_schema_text() + "\n")
    return EXIT_OK
