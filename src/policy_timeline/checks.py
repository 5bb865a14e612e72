"""Rules across entries that make a valid file suspicious: (timeline, as_of) → warnings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from operator import attrgetter

from .dates import format_human
from .kinds import misspelled_kinds
from .safe_text import is_url
from .schedule import (
    OVERDUE,
    AsOf,
    change_order_warnings,
    effective,
    is_known,
    lead_start,
    lead_time_warnings,
    state_of,
)
from .timeline import Entry, Location, Problem, Timeline


def _where(entry: Entry) -> Location:
    return entry.location or Location("?", 1, 1)


def warnings(timeline: Timeline, as_of: AsOf) -> list[Problem]:
    found: list[Problem] = []
    # source ids are per story: each story's test of "defines this id", made once
    defines = {key: table.__contains__ for key, table in timeline.sources.items()}
    defines_nothing = frozenset().__contains__
    written = Counter(map(attrgetter("kind"), timeline.entries))  # C speed: 100,000s
    misspelled = misspelled_kinds(written)
    deadline_kinds = {kind for kind in written if kind.lower() == "deadline"}
    for entry in timeline.entries:
        if misspelled:
            meant = misspelled.get(entry.kind.lower())
            if meant is not None:
                found.append(_kind_warning(entry, *meant))
        # most entries of a big file are plain events citing known sources, which can
        # give no warning: skip them at the cost of a few attribute reads (100,000s)
        if (
            entry.kind in deadline_kinds  # `is_deadline`, without lowercasing each kind
            or entry.claims
            or entry.changes
            or entry.announced is not None
            or (entry.sources
                and not all(map(defines.get(entry.story, defines_nothing), entry.sources)))
        ):
            found.extend(_entry_warnings(entry, timeline, as_of))
            found.extend(change_order_warnings(entry))
        if entry.warn_explicit and len(entry.warn) > 1:
            found.extend(lead_time_warnings(entry))
    return found


def _unknown_source(
    entry: Entry, reference: str, location: Location, timeline: Timeline
) -> Problem:
    if len(timeline.files) == 1:
        message = (f"'{entry.id}' cites source '{reference}', which is not defined under "
                   "'sources' (nor a URL)")
    else:
        others = [key for key, table in timeline.sources.items()
                  if key != entry.story and reference in table]
        message = (f"'{entry.id}' cites source '{reference}', which its story "
                   f"'{entry.story}' does not define under 'sources' (nor a URL)")
        if others:
            named = ", ".join(f"'{key}'" for key in others)
            who = f"story {named} defines" if len(others) == 1 else f"stories {named} define"
            message += (f"; {who} it, but source ids are per story: "
                        "define it in this story's file too")
    return Problem(location, message, "warning", "unknown-source")


def _kind_warning(entry: Entry, meant: str, used: int) -> Problem:
    if meant == "deadline":
        understood = "a plain event, not a deadline"
        suggestion = "'deadline'"
    else:
        understood = "a kind of its own"
        suggestion = f"'{meant}' (used {used} time{'s' if used != 1 else ''})"
    return Problem(
        _where(entry),
        f"kind '{entry.kind}' of '{entry.id}' is read as {understood}: "
        f"did you mean {suggestion}?",
        "warning",
        "kind-misspelled",
    )


def _entry_warnings(entry: Entry, timeline: Timeline, as_of: AsOf) -> Iterator[Problem]:
    where = _where(entry)
    references = [(entry.sources, where)] if entry.sources else []
    references += [(claim.sources, claim.location or where) for claim in entry.claims]
    for change in entry.changes:
        references.append((change.sources, change.location or where))
        references += [(claim.sources, claim.location or where) for claim in change.claims]
    defined = timeline.sources_of(entry.story)
    for sources, location in references:
        for reference in sources:
            if not is_url(reference) and reference not in defined:
                yield _unknown_source(entry, reference, location, timeline)

    yield from _change_warnings(entry)

    could_be_disputed = entry.claims or any(change.claims for change in entry.changes)
    if (entry.is_deadline or could_be_disputed) and is_known(entry, as_of):
        # the rest of the entries can be neither past due nor disputed: skip them (100,000s)
        item = effective(entry, as_of, timeline)
        reminder = state_of(item, as_of)
        if entry.is_deadline and reminder is not None and reminder.state == OVERDUE:
            yield Problem(
                where,
                f"deadline '{entry.id}' was due {format_human(item.date)} "
                f"({-reminder.days_left} days before {as_of.text}) and is still open: "
                "record what happened with a change (status met, missed, or a new date)",
                "warning",
                "past-due",
            )
        if item.disputed and entry.confidence != "disputed":
            readings = ", ".join(format_human(c.date) for c in item.claims if c.date != item.date)
            yield Problem(
                where,
                f"claims disagree with the date of '{entry.id}' ({format_human(item.date)} vs "
                f"{readings}): mark it 'confidence: disputed'",
                "warning",
                "disputed",
            )

    if entry.announced is not None and entry.reminded:
        announced_day = entry.announced.first_day
        at = AsOf.of_moment(entry.announced.start, entry.zone)
        due = effective(entry, at, timeline).due_day
        too_long = [lead.text for lead in entry.warn
                    if (start := lead_start(due, lead)) is None or start < announced_day]
        if too_long:
            yield Problem(
                where,
                f"lead time {', '.join(too_long)} of '{entry.id}' reaches back before it was "
                f"announced ({format_human(entry.announced)}): "
                "that reminder can never come in time",
                "warning",
                "lead-too-long",
            )


def _change_warnings(entry: Entry) -> Iterator[Problem]:
    """Statuses only a deadline (or an entry with its own lead times) can have."""
    for change in entry.changes:
        if change.status in ("met", "missed") and not entry.reminded:
            yield Problem(
                change.location or _where(entry),
                f"status '{change.status}' on '{entry.id}', which is not a deadline "
                f"(kind '{entry.kind}') and has no 'warn' of its own: met and missed are for "
                "deadlines; write 'kind: deadline' if it is one",
                "warning",
                "status-not-a-deadline",
            )
