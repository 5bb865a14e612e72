"""`timeline show ID`: one entry in full.

Its dates as written and as effective at T, its countdown, its history (the changes known
at T, and how many are announced later), the other dates sources give, its sources, the
entry its date counts from and the entries whose dates count from it.
"""

from __future__ import annotations

import argparse
import difflib
from typing import TYPE_CHECKING

from . import COMMANDS, EXIT_OK, CliError, UsageError, context, load_or_fail, terminal_safe

if TYPE_CHECKING:
    from ..schedule import AsOf, Effective
    from ..timeline import Entry, Timeline

#: `show` options that choose or lay out several entries: meaningless with one ID.
_LIST_OPTIONS = (
    ("tag", "--tag"), ("kind", "--kind"), ("actor", "--actor"), ("from_date", "--from"),
    ("to_date", "--to"), ("search", "--search"), ("upcoming", "--upcoming"),
    ("deadlines", "--deadlines"), ("by", "--by"), ("all", "--all"), ("compact", "--compact"),
)  # fmt: skip


def cmd_show_entry(args: argparse.Namespace) -> int:
    from ..report import dumps, entry_json
    from ..schedule import effective, is_known

    given = [option for name, option in _LIST_OPTIONS if getattr(args, name, None)]
    if given:
        raise UsageError(
            f"show ID shows one entry; {', '.join(given)} choose among entries: "
            "leave out the ID or the option"
        )
    ctx = context(args)
    timeline = load_or_fail(ctx).timeline
    as_of = ctx.as_of(timeline.timezone)
    entry = _find(timeline, args.entry_id, _story_option(timeline, args))
    if not is_known(entry, as_of):
        raise CliError(
            f"{entry.id!r} is announced on {entry.announced.text if entry.announced else '?'}, "
            f"after {as_of.text}: not known yet at that moment"
        )
    item = effective(entry, as_of, timeline)
    depends_on = _depends_on(entry)
    dependents = _dependents(timeline, entry)
    if ctx.format == "json":
        document = entry_json(timeline, item, as_of)
        document["path"] = entry.location.path if entry.location else None
        document["line"] = entry.location.line if entry.location else None
        document["depends_on"] = _as_written(entry, depends_on) if depends_on else None
        document["dependents"] = [_as_written(entry, other.key) for other in dependents]
        ctx.out.write(dumps({"as_of": as_of.text, "entry": document}))
        return EXIT_OK
    for line in entry_lines(timeline, item, as_of, depends_on, dependents):
        ctx.out.write(terminal_safe(line) + "\n")
    return EXIT_OK


def _story_option(timeline: Timeline, args: argparse.Namespace) -> list[str] | None:
    """The stories `--story` names, where `show ID` looks for the entry (None: all).

    The workspace is loaded whole (see `narrows_to_stories`), so that the entries of other
    stories that count from this one are shown too."""
    from . import story_keys

    options = getattr(args, "stories", None)
    return story_keys(options, [info.key for info in timeline.files]) if options else None


def _find(timeline: Timeline, wanted: str, stories: list[str] | None = None) -> Entry:
    """The entry named `story:id`, or `id` when one story (of `stories`, when given) has it;
    an id in several stories is a usage error that names them."""
    story = wanted.rpartition(":")[0]
    if story and stories is not None and story not in stories:
        raise UsageError(
            f"{wanted!r} is in the story '{story}', but --story names {', '.join(stories)}: "
            "leave out one of them"
        )
    if story:
        found = timeline.by_key().get(wanted)
    else:
        matches = [
            entry
            for entry in timeline.entries
            if entry.id == wanted and (stories is None or entry.story in stories)
        ]
        if len(matches) > 1:
            named = ", ".join(entry.key for entry in matches)
            raise UsageError(
                f"{wanted!r} is an id in several stories ({named}): name one, as "
                f"'{matches[0].key}' or with --story {matches[0].story}"
            )
        found = matches[0] if matches else None
    if found is not None:
        return found
    message = f"no entry with id {wanted!r}"
    names = [entry.key if ":" in wanted else entry.id for entry in timeline.entries]
    near = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
    if near:
        message += "; did you mean " + " or ".join(repr(n) for n in near) + "?"
    command = difflib.get_close_matches(wanted, list(COMMANDS), n=1, cutoff=0.7)
    if command:
        message += f" (or the command {command[0]!r}?)"
    raise CliError(message)


def _depends_on(entry: Entry) -> str | None:
    """The entry its date counts from, as `story:id`."""
    return entry.relative.ref if entry.relative is not None else None


def _as_written(entry: Entry, key: str) -> str:
    """`story:id` as the entry's own story writes it: the bare id within the story."""
    own = f"{entry.story}:"
    return key[len(own):] if key.startswith(own) else key


def _dependents(timeline: Timeline, entry: Entry) -> list[Entry]:
    return [
        other
        for other in timeline.entries
        if other.relative is not None and other.relative.ref == entry.key
    ]


def entry_lines(
    timeline: Timeline,
    item: Effective,
    as_of: AsOf,
    depends_on: str | None,
    dependents: list[Entry],
) -> list[str]:
    from ..exporters import source_links
    from ..presentation import human
    from ..schedule import countdown, standing

    entry = item.entry
    several = len(timeline.files) > 1  # then an id alone may name two entries
    lines = [f"{entry.key if several else entry.id}: {entry.title}"]

    def field(label: str, value: str) -> None:
        lines.append(f"  {label:<12} {value}")

    if several:
        title = next((info.title for info in timeline.files if info.key == entry.story), None)
        field("story", f"{entry.story} ({title})" if title else entry.story)
    if entry.location is not None:
        field("written at", str(entry.location))
    field("kind", entry.kind)
    written = human(entry.date)
    field("date", entry.date_text + ("" if written == entry.date_text else f" ({written})"))
    moved = f", moved by {sum(c.date is not None for c in item.applied)} change(s)"
    field(
        "effective",
        f"{human(item.date)} ({item.date.text}) as of {as_of.text}"
        f"{moved if item.moved else ''}, status {item.status}",
    )
    place = standing(item, as_of)
    if place is not None:
        due = f"due {item.due_day.isoformat()}, {countdown(place.days_left)}"
        field("countdown", due + (f" ({place.urgency})" if place.urgency else ""))
    if entry.reminded:
        field("lead times", ", ".join(lead.text for lead in entry.warn) + (
            "" if entry.warn_explicit else " (the file's default)"))
    if entry.consequence:
        field("if missed", entry.consequence)
    if entry.tags:
        field("tags", ", ".join(entry.tags))
    if entry.actors:
        field("actors", ", ".join(entry.actors))
    if entry.confidence != "confirmed":
        field("confidence", entry.confidence)
    if entry.announced is not None:
        field("announced", entry.announced.text)
    if entry.summary:
        lines.append("  summary")
        lines += [f"    {line}" for line in entry.summary.splitlines()]
    later = len(entry.changes) - len(item.applied)
    if item.applied or later:
        lines.append("  history")
        for change in item.applied:
            what = []
            if change.date is not None:
                what.append(f"date → {change.date.text} ({human(change.date)})")
            if change.status is not None:
                what.append(f"status → {change.status}")
            text = f"    {change.announced.text}  {', '.join(what) or 'noted'}"
            if change.note:
                text += f": {change.note}"
            if change.sources:
                text += f" [{', '.join(change.sources)}]"
            lines.append(text)
        if later:
            lines.append(f"    ({later} change(s) announced after {as_of.text}, not applied)")
    if item.claims:
        lines.append("  other dates given")
        for claim in item.claims:
            refs = f" [{', '.join(claim.sources)}]" if claim.sources else ""
            lines.append(f"    {claim.date.text} ({human(claim.date)}){refs}")
    if entry.sources:
        lines.append("  sources")
        links = source_links(timeline, entry.sources, story=entry.story)
        for reference, link in zip(entry.sources, links, strict=True):
            url = f" <{link.url}>" if link.url and link.url != link.label else ""
            label = link.label if link.label != reference else ""
            lines.append(f"    {reference}" + (f": {label}" if label else "") + url)
    if depends_on is not None:
        base = timeline.by_key().get(depends_on)
        field("counts from", _as_written(entry, depends_on) + (f" ({base.title})" if base else ""))
    if dependents:
        lines.append("  counted from by")
        lines += [f"    {_as_written(entry, other.key)}: {other.date_text} ({other.title})"
                  for other in dependents]
    return lines
