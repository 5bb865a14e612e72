"""`export markdown`: GitHub-flavoured Markdown for docs, issues and pull requests.

The document has the timeline's title, a table of the deadlines with their countdowns at T,
then one section a month (or quarter, half or year, for dates known only that finely), each
a list of entries with their details and a TODAY marker where T falls.

Every piece of text from the file is shown as text (`safe_text.markdown_text`): Markdown
punctuation is escaped with a backslash, `<`, `>` and `&` become entities, newlines become
spaces, and GitHub's autolinks are broken by one entity, so no title or note can open a
tag, a link, emphasis, a table cell or a heading. A summary is Markdown and stays Markdown
(`safe_text.markdown_summary`): emphasis, code and links to safe URLs, never raw HTML.
Links are made only from http, https and mailto addresses. What is said about an entry
comes from `presentation`; this module only formats it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING

from ..dates import MONTH_NAMES, Interval
from ..presentation import (
    Move,
    Presentation,
    Reading,
    SourceLink,
    day_label,
    human,
    period,
    present,
    source_links,
)
from ..safe_text import markdown_summary, markdown_text
from ..schedule import AsOf, Effective, sorted_by_effective

if TYPE_CHECKING:
    from ..timeline import Timeline

_DEADLINE_MARK = "⏳"
_TODAY_MARK = "📍"


def escape(text: str) -> str:
    """File text as Markdown that shows exactly that text, on one line (no autolinks)."""
    return markdown_text(text)


def _link_target(url: str) -> str:
    """A link destination in angle brackets: safe with parentheses and backslashes."""
    return "<" + url.replace("\\", "%5C").replace("<", "%3C").replace(">", "%3E") + ">"


def section_label(interval: Interval) -> str:
    """The section an entry is listed under: its month, or the coarser unit it is known in."""
    return period(interval)[1]


def _when(interval: Interval) -> str:
    """A date as people read it, escaped: `~Jun 2025` must not open a strikethrough."""
    return escape(human(interval))


def month_label(day: date) -> str:
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def _state_text(shown: Presentation) -> str:
    """`in 13 days (upcoming, within 14d)`, `20 days overdue`, `cancelled`."""
    where = shown.standing
    text = where.countdown or ""
    if where.state == "upcoming" and where.window is not None:
        text += f" (upcoming, within {where.window})"
    return text


def _sources(links: Sequence[SourceLink]) -> str:
    parts = []
    for link in links:
        label = escape(link.label)
        parts.append(f"[{label}]({_link_target(link.url)})" if link.url else label)
    return ", ".join(parts)


def _change_text(timeline: Timeline, move: Move, story: str) -> str:
    change = move.change
    parts = [f"{escape(move.announced)}:"]
    if move.after is not None:
        parts.append(f"moved to {_when(move.after)}")
    if change.status is not None:
        parts.append(f"status {change.status}")
    text = " ".join(parts)
    if change.note:
        text += f" — {escape(change.note)}"
    if change.sources:
        text += f" ({_sources(source_links(timeline, change.sources, story=story))})"
    return text


def _claim_text(timeline: Timeline, reading: Reading, story: str) -> str:
    claim = reading.claim
    text = escape(reading.label)
    if claim.note:
        text += f" — {escape(claim.note)}"
    if claim.sources:
        text += f" ({_sources(source_links(timeline, claim.sources, story=story))})"
    return text


def _entry_lines(timeline: Timeline, shown: Presentation) -> Iterator[str]:
    item = shown.item
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
    yield f"- **{escape(shown.when)}** · **{title}** · {' · '.join(facts)}"
    details: list[str] = []
    if shown.due is not None:
        details.append(f"Due {shown.due}: **{_state_text(shown)}**")
    if entry.consequence:
        details.append(f"If it passes: {escape(entry.consequence)}")
    if entry.summary:
        details.append(markdown_summary(entry.summary))
    if shown.first_dated is not None:
        details.append(f"First dated {escape(shown.first_dated)}")
    details.extend(f"Changed {_change_text(timeline, move, entry.story)}" for move in shown.history)
    if shown.disputed:
        details.append(
            "Disputed: also dated "
            + "; ".join(_claim_text(timeline, r, entry.story) for r in shown.disputed)
        )
    if entry.tags:
        details.append("Tags: " + ", ".join(escape(tag) for tag in entry.tags))
    if shown.sources:
        details.append(f"Sources: {_sources(shown.sources)}")
    for line in details:
        yield f"  - {line}"


def _deadline_table(shown: Sequence[Presentation]) -> Iterator[str]:
    """The entries whose countdown runs or that were closed: not those only an event now."""
    rows = [p for p in shown if p.item.entry.reminded and p.standing.state != "event"]
    if not rows:
        return
    yield "## Deadlines"
    yield ""
    yield "| Due | Deadline | State |"
    yield "| --- | --- | --- |"
    for row in sorted(rows, key=lambda p: (p.item.due_day, p.item.entry.id)):
        yield (f"| {day_label(row.item.due_day)} | {escape(row.item.entry.title)} "
               f"| {_state_text(row)} |")
    yield ""


def export(timeline: Timeline, as_of: AsOf, entries: Sequence[Effective]) -> str:
    shown = [present(timeline, item, as_of) for item in sorted_by_effective(entries)]
    lines = [f"# {escape(timeline.title)}", ""]
    count = f"{len(shown)} {'entry' if len(shown) == 1 else 'entries'}"
    lines += [f"As of {day_label(as_of.day)} · {count}", ""]
    lines += _deadline_table(shown)

    # Entries and the TODAY marker in date order, cut into sections by their labels.
    rows: list[tuple[str, list[str]]] = []
    today_placed = False
    today_line = f"- {_TODAY_MARK} **Today: {day_label(as_of.day)}**"
    for entry in shown:
        if not today_placed and entry.item.date.first_day > as_of.day:
            rows.append((month_label(as_of.day), [today_line]))
            today_placed = True
        rows.append((entry.period, list(_entry_lines(timeline, entry))))
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
