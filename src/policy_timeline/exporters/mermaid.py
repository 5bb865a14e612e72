"""`export mermaid`: Mermaid diagrams to paste into GitHub Markdown, GitLab, Notion or docs.

Two diagrams, chosen with ``diagram``:

- ``timeline`` (the default): every entry under its month (or quarter, half, year), its date
  as the period and its title as the event, deadlines with their countdown at T, and a
  Today marker;
- ``gantt``: deadlines as milestones (red while open and due, grey once met or cancelled),
  extensions as bars from the old date to the new one, spans as bars, and T as a milestone.

Mermaid has no escape for its own syntax in these diagrams (its ``#59;`` entity codes are not
decoded by the timeline and gantt renderers), so file text is made safe by substitution,
the way a careful person would retype it:

- newlines, tabs and control characters become single spaces;
- ``:`` becomes ``∶`` (U+2236 RATIO, which looks the same): a colon separates a period from
  its events and a gantt task from its dates;
- ``%%`` (a comment or a ``%%{init}%%`` directive), ``#name;`` (an entity code) and
  ``<br>`` (a line break) get an invisible U+2060 WORD JOINER inside;
- a gantt task that would begin with a keyword (``section``, ``title``, ``click``, …), a
  date or a comment (``%``, or any character followed by ``%``) gets WORD JOINERs that keep
  it a task name;
- in the diagram title, which Mermaid passes through an HTML sanitiser, ``&``, ``<`` and
  ``>`` become their full-width forms ``＆ ＜ ＞``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..dates import MONTH_ABBREVIATIONS, Interval
from ..presentation import history, human, standing
from ..presentation import period as period_of
from ..schedule import CLOSED, AsOf, Effective, sorted_by_effective, state_of
from . import clean_text
from .markdown import month_label

if TYPE_CHECKING:
    from ..timeline import Timeline

DIAGRAMS = ("timeline", "gantt")

WORD_JOINER = "\u2060"
_SPACE = re.compile(r"\s+")
_COMMENT = re.compile(r"%(?=%)")
_ENTITY = re.compile(r"#(?=\w+;)")
_BREAK = re.compile(r"<(?=\s*/?\s*br)", re.IGNORECASE)
_TITLE_TABLE = str.maketrans({"&": "＆", "<": "＜", ">": "＞"})
# What the gantt lexer reads as a statement when a line starts with it.
_GANTT_KEYWORD = re.compile(
    r"(?:click|gantt|dateformat|inclusiveenddates|topaxis|axisformat|tickinterval|includes"
    r"|excludes|todaymarker|weekday|weekend|title|section|acc|href|call|vert|\d{4}-\d\d-\d\d"
    r"|%|[\"()}{])",
    re.IGNORECASE,
)
_INDENT = "    "


def mermaid_text(text: str) -> str:
    """File text made safe for a Mermaid period, event, task or section (see the module)."""
    flat = _SPACE.sub(" ", clean_text(text)).strip().replace(":", "∶")
    flat = _BREAK.sub("<" + WORD_JOINER, _ENTITY.sub("#" + WORD_JOINER, flat))
    return _COMMENT.sub("%" + WORD_JOINER, flat) or WORD_JOINER


def mermaid_title(text: str) -> str:
    return mermaid_text(text).translate(_TITLE_TABLE)


def gantt_task_name(text: str) -> str:
    """A gantt task name that the lexer reads as a name, whatever it starts with."""
    name = mermaid_text(text)
    if name[1:2] == "%":  # any character then `%` starts a comment
        name = name[0] + WORD_JOINER + name[1:]
    if _GANTT_KEYWORD.match(name):
        name = WORD_JOINER + (WORD_JOINER + name if name.startswith("%") else name)
    return name


def _day(day: date) -> str:
    return f"{MONTH_ABBREVIATIONS[day.month - 1]} {day.day}, {day.year}"


def _state(item: Effective, as_of: AsOf) -> str:
    """`in 13 days`, `2 days overdue`, `cancelled`, `passed`: a deadline's standing at T."""
    return standing(item, as_of).countdown or "passed"


def _event_text(item: Effective, as_of: AsOf) -> str:
    text = mermaid_text(item.entry.title)
    if item.entry.reminded:
        return f"⏳ {text} ({mermaid_text(_state(item, as_of))})"
    if item.status != "open":
        return f"{text} ({mermaid_text(item.status)})"
    return text


def timeline_diagram(timeline: Timeline, as_of: AsOf, entries: Sequence[Effective]) -> str:
    """A Mermaid ``timeline``: sections by month, one period per date, events by title."""
    today = (month_label(as_of.day), mermaid_text(_day(as_of.day)), "📍 Today")
    rows: list[tuple[str, str, str]] = []
    placed = False
    for item in sorted_by_effective(entries):
        if not placed and item.date.first_day > as_of.day:
            rows.append(today)
            placed = True
        rows.append((period_of(item.date)[1], mermaid_text(human(item.date)),
                     _event_text(item, as_of)))
    if not placed:
        rows.append(today)

    lines = ["timeline", f"{_INDENT}title {mermaid_title(timeline.title)}"]
    section = period = None
    for row_section, row_period, event in rows:
        if row_section != section:
            lines.append(f"{_INDENT}section {mermaid_text(row_section)}")
            section, period = row_section, None
        if row_period == period:
            lines[-1] += f" : {event}"  # another event of the same period
        else:
            lines.append(f"{_INDENT * 2}{row_period} : {event}")
            period = row_period
    return "\n".join(lines) + "\n"


def _deadline_tags(item: Effective, as_of: AsOf) -> str:
    if item.status in CLOSED:
        return "done, milestone"
    if item.status == "missed" or state_of(item, as_of) is not None:
        return "crit, milestone"
    return "milestone"


def _bar(name: str, start: date, end_exclusive: date, tags: str = "") -> str:
    prefix = f"{tags}, " if tags else ""
    dates = f"{start.isoformat()}, {end_exclusive.isoformat()}"
    return f"{_INDENT}{gantt_task_name(name)} :{prefix}{dates}"


def _milestone(name: str, day: date, tags: str = "milestone") -> str:
    return f"{_INDENT}{gantt_task_name(name)} :{tags}, {day.isoformat()}, 0d"


def _deadline_tasks(item: Effective, as_of: AsOf) -> Iterator[str]:
    entry = item.entry
    for move in history(item):
        if move.after is None:
            continue
        old, new = _due(move.before), _due(move.after)
        if new != old:
            change = move.change
            note = f" — {change.note}" if change.note else ""
            verb = "extended" if new > old else "brought forward"
            yield _bar(f"{entry.title} {verb}{note}", min(old, new), max(old, new), "active")
    yield _milestone(f"{entry.title} ({_state(item, as_of)})", item.due_day,
                     _deadline_tags(item, as_of))


def _due(interval: Interval) -> date:
    return interval.last_day if interval.span else interval.first_day


def gantt_diagram(timeline: Timeline, as_of: AsOf, entries: Sequence[Effective]) -> str:
    """A Mermaid ``gantt`` of deadlines (milestones, extensions) and spans (bars)."""
    items = sorted_by_effective(entries)
    deadlines = [item for item in items if item.entry.reminded]
    spans = [item for item in items if item.date.span and not item.entry.reminded]
    lines = [
        "gantt",
        f"{_INDENT}title {mermaid_title(timeline.title)} — deadlines and spans",
        f"{_INDENT}dateFormat YYYY-MM-DD",
        f"{_INDENT}axisFormat %Y-%m-%d",
        f"{_INDENT}todayMarker off",
    ]
    if deadlines:
        lines.append(f"{_INDENT}section Deadlines")
        for item in deadlines:
            lines.extend(_deadline_tasks(item, as_of))
    if spans:
        lines.append(f"{_INDENT}section Spans")
        for item in spans:
            first, last = item.date.first_day, item.date.last_day
            lines.append(_bar(item.entry.title, first, last + timedelta(days=1)))
    lines.append(f"{_INDENT}section Today")
    lines.append(_milestone(f"Today, {_day(as_of.day)}", as_of.day))
    return "\n".join(lines) + "\n"


def export(timeline: Timeline, as_of: AsOf, entries: Sequence[Effective],
           diagram: str = "timeline") -> str:
    """The Mermaid source of one diagram: ``timeline`` (default) or ``gantt``."""
    if diagram == "gantt":
        return gantt_diagram(timeline, as_of, entries)
    if diagram == "timeline":
        return timeline_diagram(timeline, as_of, entries)
    raise ValueError(f"unknown Mermaid diagram {diagram!r}; choose one of {', '.join(DIAGRAMS)}")
