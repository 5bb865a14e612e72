"""`add`, `change`, `done`, `rm`, `edit`, `import`, `init`, `schema`: editing from the command line.

Arguments are parsed and dates read here (with `today` from `--as-of` or the clock);
the edits themselves are `editing`'s, which keeps comments and writes atomically under
a lock. An edit that would make the file invalid is refused with located messages,
exit 1, and the file is left as it was. Every edit says what it stored (the id, dates
as stored, the file and line) and takes `--dry-run`.

In a workspace of several stories an edit names its story, by key (`--story KEY`, or
`story:id`), never by the file's name and never guessed; and it is checked against the
entries of other stories whose dates count from the story edited (`_elsewhere`).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
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
    load_files,
    load_or_fail,
    terminal_safe,
)
from .reading import read_human_date, split_list, split_sources

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..dates import Relative
    from ..editing import Dependent, Document, EditError, Planned
    from ..result import LoadResult
    from ..timeline import Entry, Timeline

STATUSES = ("open", "met", "missed", "cancelled", "superseded")
CONFIDENCES = ("confirmed", "reported", "disputed", "rumored")

ADD_EXAMPLES = """\
  timeline add --title "90-day tariff freeze expires" --date "aug 12 2025" --kind deadline
  timeline add --title "Freeze begins" --date "truce-expiry - 90d" --tag tariffs --actor US,CN
  timeline add --title "London talks" --date 2025-06-09/2025-06-10 --source https://example.org/a
  timeline add                                  asks for the title and date (in a terminal)
  timeline -f stories/ add --story us-china --title "Talks" --date 2025-09-01
                                                several stories: --story names the one to write to
"""
CHANGE_EXAMPLES = """\
  timeline change truce-expiry --announced 2025-08-11 --date 2025-11-10 --note "Extended 90 days"
  timeline change truce-expiry --announced today --status met
  timeline change talks --announced "nov 4 2025" --status cancelled --source https://example.org/b
  timeline change truce-expiry --announced 2025-08-11 --extend 90d
  timeline change followup --announced today --date "truce-expiry + 7d"
  timeline -f stories/ change us-china:truce-expiry --announced today --extend 90d
"""
IMPORT_EXAMPLES = """\
  timeline import calendar.ics --dry-run        what would be added, and what is already there
  timeline import timeline.json                 a TimelineJS JSON file
  timeline import sheet.csv --tag trade,eu      the TimelineJS Google-sheet template, as CSV
  timeline import feed.txt --as ics             the format, when the name does not say it
  timeline -f stories/ import calendar.ics --story us-china    into one story of several
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
  timeline rm us-china:london-talks             the same id in two stories: name the story
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


@dataclass(frozen=True, slots=True)
class _Story:
    """A story file of the workspace, and its key (`key:` in the file, else its name's)."""

    key: str
    path: str


def _stories(ctx: Context) -> list[_Story]:
    from ..editing import story_key_of

    return [_Story(story_key_of(path, _read(path)), path) for path in _files(ctx)]


def _story_option(ctx: Context, stories: Sequence[_Story]) -> list[str] | None:
    """The keys `--story` names (None when it is not given); an unknown one is a usage
    error that lists the stories."""
    from . import story_keys

    options = getattr(ctx.args, "stories", None)
    return story_keys(options, [story.key for story in stories]) if options else None


def _only_one(stories: Sequence[_Story]) -> _Story:
    """The one story of `stories`; two files with one key is the loader's error, said here."""
    if len(stories) > 1:
        raise CliError(
            f"two stories have the key '{stories[0].key}' "
            f"({', '.join(story.path for story in stories)}); give one of them another "
            "'key:' (nothing was changed)"
        )
    return stories[0]


def _target(ctx: Context) -> tuple[_Story, list[str]]:
    """The story a new entry is written to, and the other files of the workspace.

    One story loaded: that one. Several: the one `--story KEY` names; without it, a usage
    error that lists them (never one of them chosen for the user)."""
    stories = _stories(ctx)
    wanted = _story_option(ctx, stories)
    command = ctx.args.command
    if wanted is None:
        if len(stories) > 1:
            raise UsageError(
                f"{command}: {len(stories)} stories in this workspace "
                f"({', '.join(story.key for story in stories)}); "
                "name the one to write to with --story KEY"
            )
        chosen = stories[0]
    elif len(wanted) > 1:
        raise UsageError(
            f"--story: {command} writes to one story; name one of {', '.join(wanted)}"
        )
    else:
        chosen = _only_one([story for story in stories if story.key == wanted[0]])
    return chosen, [story.path for story in stories if story is not chosen]


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


def _locate(ctx: Context, entry_id: str) -> tuple[_Story, str, list[str]]:
    """The story that holds entry `entry_id` (`id`, `story:id`, or `id` with `--story`),
    the bare id, and the other files of the workspace.

    Stories are named by key. An id in several stories, not named by story, is a usage
    error that lists them as `story:id`. An id found nowhere is an error that suggests
    the nearest ids, as `check` does.
    """
    from ..editing import entry_ids

    stories = _stories(ctx)
    wanted = _story_option(ctx, stories)
    story, _, bare = entry_id.rpartition(":")
    if story:
        if wanted is not None and story not in wanted:
            raise UsageError(
                f"{entry_id!r} is in the story '{story}', but --story names "
                f"{', '.join(wanted)}: leave out one of them"
            )
        if story not in {known.key for known in stories}:
            raise CliError(
                f"no story '{story}' in this workspace (for {entry_id!r}); the stories are: "
                f"{', '.join(sorted({known.key for known in stories}))}"
            )
        wanted = [story]
    candidates = [known for known in stories if wanted is None or known.key in wanted]
    holding = [known for known in candidates if _holds(known.path, bare)]
    if holding:
        keys = list(dict.fromkeys(known.key for known in holding))
        if len(keys) > 1:
            named = ", ".join(f"{key}:{bare}" for key in keys)
            raise UsageError(
                f"{bare!r} is an id in several stories ({named}): name one, as "
                f"'{keys[0]}:{bare}' or with --story {keys[0]}"
            )
        found = _only_one(holding)
        return found, bare, [known.path for known in stories if known is not found]
    files = [known.path for known in stories]
    if not any(Path(f).is_file() for f in files):
        raise CliError(
            f"{', '.join(files)}: no such file (start one with 'timeline init', "
            "or name a file with -f PATH)"
        )
    looked = [known.path for known in candidates]
    known_ids = sorted({i for f in looked for i in entry_ids(_read(f))})
    message = f"no entry with id {bare!r} in {', '.join(looked)}"
    near = difflib.get_close_matches(bare, known_ids, n=3, cutoff=0.6)
    if near:
        message += "; did you mean " + " or ".join(repr(n) for n in near) + "?"
    raise CliError(message)


def _holds(path: str, entry_id: str) -> bool:
    """Whether the file holds the entry (or holds `events:` in flow style with that id:
    the edit then says why it cannot be made)."""
    from ..editing import entry_ids, find_entry

    document = _document(path)
    if document is None:
        return False
    return find_entry(document, entry_id) is not None or (
        _events_in_flow(document) and entry_id in entry_ids(document.text())
    )


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
    target, others = _target(ctx)
    path = target.path
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
        if not entry["id"]:  # ids are unique within a story: other stories may have it
            entry["id"] = derive_id(title, entry_ids(document.text()))
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
    story, entry_id, others = _locate(ctx, args.entry_id)
    path = story.path
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
    return _record_change(ctx, args, story, others, entry_id, change, verbs, how)


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
    timeline = _workspace(ctx).timeline
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
    story: _Story,
    others: list[str],
    entry_id: str,
    change: dict[str, Any],
    verb: str,
    how: str = "",
) -> int:
    from ..editing import EditError, append_change, edit_file

    path = story.path
    change = {k: v for k, v in change.items() if v not in (None, [])}

    def plan(document: Document) -> Planned:
        return append_change(document, entry_id, change)

    try:
        moved = _elsewhere(ctx, story, others, plan, str(change["announced"]))
        planned = edit_file(path, plan, others, dry_run=args.dry_run)
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
    for dependent in moved:
        _warn_moved(dependent, args.dry_run)
    return EXIT_OK


#: set on the parsed arguments: the workspace as loaded before the edit (loaded once, so
#: that a story left out for its errors is said once)
_LOADED = "workspace_before_edit"


def _workspace(ctx: Context) -> LoadResult:
    loaded: LoadResult | None = getattr(ctx.args, _LOADED, None)
    if loaded is None:
        loaded = load_or_fail(ctx)
        setattr(ctx.args, _LOADED, loaded)
    return loaded


def _elsewhere(
    ctx: Context,
    story: _Story,
    others: list[str],
    plan: Callable[[Document], Planned],
    announced: str,
) -> list[Dependent]:
    """What a change to `story` does to the entries of other stories whose dates count
    from it, worked out before anything is written: those it would leave without a date
    refuse the change (their problems printed, located); those it moves are returned.

    Looked at T, or at the moment the news is announced when that is later (a change
    announced after T moves nothing at T). Only when another story counts from this one:
    then the workspace is loaded again with the edited text.
    """
    from ..dates import DateError, parse_edtf
    from ..editing import counting_from, dependents_after, edit_file
    from ..loader import load
    from ..schedule import AsOf

    if not others:
        return []
    # as the command loaded it, else quietly: another story's errors are not this edit's
    before = getattr(ctx.args, _LOADED, None) or load_files(ctx.files)
    if not counting_from(before.timeline, story.key):
        return []
    planned = edit_file(story.path, plan, others, dry_run=True)
    after = load(ctx.files, contents={story.path: planned.document.to_bytes()})
    zone, _ = _zone_and_today(ctx, story.path)
    moment = ctx.as_of(zone)
    try:
        news = AsOf.of_interval(parse_edtf(announced, zone), zone)
    except DateError:
        news = moment
    later = news if news.moment > moment.moment else moment
    found = dependents_after(before.timeline, after, story.key, later)
    lost = _lost(before, after, found)
    if lost:
        raise CliError(
            f"{story.path}: not changed: the change would leave {lost} of another story "
            "without a date (it counts from this story); change that entry first"
        )
    return [dependent for dependent in found if dependent.moved]


def _lost(before: LoadResult, after: LoadResult, found: Sequence[Dependent]) -> str:
    """The dependents that no longer load, named (`'story:id' (path:line:col)`), after the
    problems the edit brought printed, located; "" when every one still loads."""
    lost = [dependent for dependent in found if dependent.after is None]
    if not lost:
        return ""
    known = {str(problem) for problem in before.problems}
    for problem in after.errors:
        if str(problem) not in known:
            print(terminal_safe(str(problem)), file=sys.stderr)
    return ", ".join(f"'{dependent.entry.key}' ({dependent.entry.location})" for dependent in lost)


def _warn_moved(dependent: Dependent, dry_run: bool) -> None:
    """`warning: ai-act:review (PATH:LINE:COL) counts from us-china:expiry: its date moves
    from Aug 13, 2025 to Nov 11, 2025`, on standard error (JSON output stays one document)."""
    from ..presentation import human

    entry = dependent.entry
    assert dependent.after is not None and entry.relative is not None
    where = f" ({entry.location})" if entry.location else ""
    verb = "would move" if dry_run else "moves"
    print(
        terminal_safe(
            f"timeline: warning: {entry.key}{where} counts from {entry.relative.ref}: "
            f"its date {verb} from {human(dependent.before)} to {human(dependent.after)}"
        ),
        file=sys.stderr,
    )


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
    story, entry_id, others = _locate(ctx, args.entry_id)
    path = story.path
    zone, today = _zone_and_today(ctx, path)
    timeline = _workspace(ctx).timeline
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
    return _record_change(ctx, args, story, others, entry_id, change, verbs)


def cmd_rm(args: argparse.Namespace) -> int:
    from ..editing import EditError, edit_file, remove_entry

    ctx = context(args)
    story, entry_id, others = _locate(ctx, args.entry_id)
    path = story.path
    timeline = _workspace(ctx).timeline
    target = _entry_in(timeline, path, entry_id)
    dependents = []
    for entry in timeline.entries:
        if target is not None and entry.relative is not None and entry.relative.ref == target.key:
            where = f" ({entry.location})" if entry.location else ""
            # an entry of another story is named `story:id`, as wherever stories meet
            name = entry.id if entry.story == target.story else entry.key
            dependents.append(f"'{name}'{where} is dated '{entry.date_text}'")
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

    from ..editing import counting_from, dependents_after

    ctx = context(args)
    story, entry_id, others = _locate(ctx, args.entry_id)
    path = story.path
    line = _entry_line(path, entry_id)
    # the other stories that count from this one are looked at again after the editor;
    # loaded quietly: `edit` is how a story with errors gets fixed
    before = load_files(ctx.files) if others else None
    watched = before is not None and counting_from(before.timeline, story.key)
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
    if before is not None and watched:
        after = load_files(ctx.files)
        zone, _ = _zone_and_today(ctx, path)
        found = dependents_after(before.timeline, after, story.key, ctx.as_of(zone))
        lost = _lost(before, after, found)
        if lost:
            raise CliError(
                f"{path}: saved, but {lost} of another story, which counts from it, no "
                "longer has a date (see the errors above)"
            )
        for dependent in found:
            if dependent.moved:
                _warn_moved(dependent, dry_run=False)
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
    from ..workspace import only_stories

    ctx = context(args)
    if args.renamed_from is not None:
        raise UsageError(
            f"import --from is now --as (on show and export, --from is a date): "
            f"write 'timeline import {args.source_file} --as {args.renamed_from}'"
        )
    target, others = _target(ctx)
    path = target.path
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
    # entries already in the story imported into are skipped (ids are per story)
    timeline = only_stories(result.timeline, [target.key])
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
    taken: dict[str, object] = dict(entry_ids(_read(path)))
    known_uids = _export_uids(timeline)
    target_document = _document(path)
    if target_document is not None:
        known_uids.update(entry_values(target_document, "uid"))
    outcome = importers.plan(
        parsed.entries, timeline, taken, zone, known_uids, ctx.as_of(zone)
    )

    def plan(document: Document) -> Planned:
        # another edit may have taken an id meanwhile: derive again under the lock
        taken_now: dict[str, object] = dict(entry_ids(document.text()))
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
    moves = _record_moves(ctx, args, target.key, outcome.moved, today, source)
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
    ctx: Context,
    args: argparse.Namespace,
    key: str,
    moved: Sequence[Any],
    today: date,
    source: str,
) -> list[dict[str, Any]]:
    """A change in the history of each entry of story `key` whose event moved in the
    calendar."""
    from ..editing import EditError, append_change, edit_file

    done: list[dict[str, Any]] = []
    for move in moved:
        story, entry_id, others = _locate(ctx, f"{key}:{move.entry_id}")
        path = story.path
        change = {
            "announced": today.isoformat(),
            "date": move.new,
            "note": f"moved by import of {Path(source).name}",
        }

        def plan(document: Document, entry_id: str = entry_id, change: Any = change) -> Planned:
            return append_change(document, entry_id, change)

        try:
            elsewhere = _elsewhere(ctx, story, others, plan, change["announced"])
            planned = edit_file(path, plan, others, dry_run=args.dry_run)
        except EditError as error:
            raise _refused(error) from None
        for dependent in elsewhere:
            _warn_moved(dependent, args.dry_run)
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
