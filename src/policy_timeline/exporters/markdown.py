"""`export markdown`: GitHub-flavoured Markdown for docs, issues and pull requests.

The document has the timeline's title, a table of the deadlines with their countdowns at T,
then one section a month (or quarter, half or year, for dates known only that finely), each
a list of entries with their details and a TODAY marker where T falls.

Every piece of text from the file is shown as text: Markdown punctuation is escaped with a
backslash, `<`, `>` and `&` become entities, newlines become spaces, so no title, summary or
note can open a tag, a link, emphasis, a table cell or a heading. Links are made only from
http, https and mailto addresses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING

from ..dates import MONTH_ABBREVIATIONS, MONTH_NAMES, Interval, Precision, format_human
from ..schedule import CLOSED, AsOf, Effective, countdown, sorted_by_effective, state_of
from . import clean_text, source_links

if TYPE_CHECKING:
    from ..timeline import Change, Claim, Timeline

# Characters that can start or end inline Markdown (emphasis, code, links, table cells,
# closing heading marks, strikethrough, math); a backslash before ASCII punctuation always
# means "this character". Block markers (`-`, `1.`, `>`) cannot matter: file text never
# starts a line here.
_MARKUP = re.compile(r"([\\`*_\[\]#|~$])")
_ENTITY_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_SPACE = re.compile(r"\s+")
_SEASONS = {3: "Spring", 6: "Summer", 9: "Autumn", 12: "Winter"}
_DEADLINE_MARK = "⏳"
_TODAY_MARK = "📍"


def escape(text: str) -> str:
    """File text as Markdown that shows exactly that text, on one line."""
    flat = _SPACE.sub(" ", clean_text(text)).strip()
    return _MARKUP.sub(r"\\\1", flat).translate(_ENTITY_TABLE)


def _link_target(url: str) -> str:
    """A link destination in angle brackets: safe with parentheses and backslashes."""
    return "<" + url.replace("\\", "%5C").replace("<", "%3C").replace(">", "%3E") + ">"


def _sources(timeline: Timeline, references: Sequence[str]) -> str:
    parts = []
    for link in source_links(timeline, references):
        label = escape(link.label)
        parts.append(f"[{label}]({_link_target(link.url)})" if link.url else label)
    return ", ".join(parts)


def section_label(interval: Interval) -> str:
    """The section an entry is listed under: its month, or the coarser unit it is known in."""
    day = interval.first_day
    precision = interval.precision
    if precision >= Precision.MONTH:
        return f"{MONTH_NAMES[day.month - 1]} {day.year}"
    if precision == Precision.QUARTER:
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    if precision == Precision.HALF:
        return f"H{1 if day.month < 7 else 2} {day.year}"
    if precision == Precision.SEASON:
        return f"{_SEASONS.get(day.month, 'Season')} {day.year}"
    return format_human(interval).strip("~?% ")


def _when(interval: Interval) -> str:
    """A date as people read it, escaped: `~Jun 2025` must not open a strikethrough."""
    return escape(format_human(interval))


def _day(day: date) -> str:
    return f"{MONTH_ABBREVIATIONS[day.month - 1]} {day.day}, {day.year}"


def month_label(day: date) -> str:
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def _state_text(item: Effective, as_of: AsOf) -> str:
    """`in 13 days`, `20 days overdue`, `cancelled`: where a deadline stands at T."""
    if item.status in CLOSED or item.status == "missed":
        return item.status
    days_left = (item.due_day - as_of.day).days
    reminder = state_of(item, as_of)
    if reminder is not None and reminder.state == "upcoming":
        window = f", within {reminder.window}" if reminder.window is not None else ""
        return f"{countdown(days_left)} (upcoming{window})"
    return countdown(days_left)


def _change_text(timeline: Timeline, change: Change) -> str:
    parts = [f"{_when(change.announced)}:"]
    if change.date is not None:
        parts.append(f"moved to {_when(change.date)}")
    if change.status is not None:
        parts.append(f"status {change.status}")
    text = " ".join(parts)
    if change.note:
        text += f" — {escape(change.note)}"
    if change.sources:
        text += f" ({_sources(timeline, change.sources)})"
    return text


def _claim_text(timeline: Timeline, claim: Claim) -> str:
    text = _when(claim.date)
    if claim.note:
        text += f" — {escape(claim.note)}"
    if claim.sources:
        text += f" ({_sources(timeline, claim.sources)})"
    return text


def _entry_lines(timeline: Timeline, item: Effective, as_of: AsOf) -> Iterator[str]:
    entry = item.entry
    title = escape(entry.title)
    if entry.reminded:
        title = f"{_DEADLINE_MARK} {title}"
    facts = [escape(entry.kind)]
    if entry.actors:
        facts.append(escape(", ".join(entry.actors)))
    if entry.confidence != "confirmed":
        facts.append(f"*{escape(entry.confidence)}*")
    if item.status != "open":
        facts.append(f"**{escape(item.status)}**")
    if len(timeline.files) > 1:
        facts.append(f"`{entry.story}:{entry.id}`")  # which story, when several
    yield f"- **{_when(item.date)}** · **{title}** · {' · '.join(facts)}"
    details: list[str] = []
    if entry.reminded and item.status == "open":
        details.append(f"Due {_day(item.due_day)}: **{_state_text(item, as_of)}**")
    if entry.consequence:
        details.append(f"If it passes: {escape(entry.consequence)}")
    if entry.summary:
        details.append(escape(entry.summary))
    if item.moved:
        details.append(f"First dated {_when(entry.date)}")
    details.extend(f"Changed {_change_text(timeline, change)}" for change in item.applied)
    readings = [claim for claim in item.claims if claim.date != item.date]
    if readings:
        details.append(
            "Disputed: also dated " + "; ".join(_claim_text(timeline, c) for c in readings)
        )
    if entry.tags:
        details.append("Tags: " + ", ".join(escape(tag) for tag in entry.tags))
    if entry.sources:
        details.append(f"Sources: {_sources(timeline, entry.sources)}")
    for line in details:
        yield f"  - {line}"


def _deadline_table(items: Sequence[Effective], as_of: AsOf) -> Iterator[str]:
    reminded = [item for item in items if item.entry.reminded]
    if not reminded:
        return
    yield "## Deadlines"
    yield ""
    yield "| Due | Deadline | State |"
    yield "| --- | --- | --- |"
    for item in sorted(reminded, key=lambda i: (i.due_day, i.entry.id)):
        yield (f"| {_day(item.due_day)} | {escape(item.entry.title)} "
               f"| {_state_text(item, as_of)} |")
    yield ""


def export(timeline: Timeline, as_of: AsOf, entries: Sequence[Effective]) -> str:
    items = sorted_by_effective(entries)
    lines = [f"# {escape(timeline.title)}", ""]
    count = f"{len(items)} {'entry' if len(items) == 1 else 'entries'}"
    lines += [f"As of {_day(as_of.day)} · {count}", ""]
    lines += _deadline_table(items, as_of)

    # Entries and the TODAY marker in date order, cut into sections by their labels.
    rows: list[tuple[str, list[str]]] = []
    today_placed = False
    today_line = f"- {_TODAY_MARK} **Today: {_day(as_of.day)}**"
    for item in items:
        if not today_placed and item.date.first_day > as_of.day:
            rows.append((month_label(as_of.day), [today_line]))
            today_placed = True
        rows.append((section_label(item.date), list(_entry_lines(timeline, item, as_of))))
    if not today_placed:
        rows.append((month_label(as_of.day), [today_line]))

    current = None
    for label, entry_lines in rows:
        if label != current:
            if current is not None:
                lines.append("")
            lines += [f"## {label}", ""]
            current = label
        lines += entry_lines
    return "\n".join(lines) + "\n"

