"""A horizontal SVG chart of the timeline: months along the top, one row per lane.

Events are dots, deadlines diamonds coloured by their state at T, spans bars, partial
dates a faint band over the time they may fall in (with the mark on the earliest day);
a dashed line marks today, and a deadline that was moved carries an arrow from each old
date to the new one. Entries are laid out in lanes so that no two marks or labels overlap
(greedy first fit, on estimated label widths). All text from the file is XML-escaped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as _xml_escape

from ..dates import Interval, Precision, format_human
from ..schedule import countdown
from . import clean_text, standing

if TYPE_CHECKING:
    from ..schedule import AsOf, Effective
    from ..timeline import Timeline

FONT = 12.0
LANE = 30.0
MARGIN = 24.0
TOP = 78.0  # title, subtitle and month labels above the first lane
MAX_LABEL = 56  # characters of a title shown; the full title is in the mark's tooltip
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

COLOURS = {
    "event": "#4a5568", "overdue": "#c62828", "today": "#d84315", "upcoming": "#c77700",
    "open": "#2457c5", "met": "#2e7d32", "missed": "#8e1b1b", "cancelled": "#8d939c",
    "superseded": "#8d939c",
}
STYLE = """
.bg { fill: #ffffff; } .fg { fill: #1d1f23; } .muted { fill: #5d636b; }
.grid { stroke: #e3e6ea; stroke-width: 1; } .axis { stroke: #aab1ba; stroke-width: 1; }
.band { fill: #4a5568; fill-opacity: .14; } .ghost { fill: none; stroke: #8d939c;
  stroke-width: 1.5; stroke-dasharray: 2 2; }
.move { fill: none; stroke: #6b7280; stroke-width: 1.5; }
.today { stroke: #d84315; stroke-width: 1.5; stroke-dasharray: 5 4; }
.today-label { fill: #d84315; }
text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
.title { font-size: 18px; font-weight: 700; } .subtitle { font-size: 12px; }
.month { font-size: 11px; } .year { font-size: 11px; font-weight: 700; }
.label { font-size: 12px; } .note { font-size: 11px; }
.cancelled .label, .superseded .label { text-decoration: line-through; }
@media (prefers-color-scheme: dark) {
  .bg { fill: #131519; } .fg { fill: #e7e9ec; } .muted { fill: #a0a7b1; }
  .grid { stroke: #262a31; } .axis { stroke: #4b525c; } .band { fill: #b4bcc8; }
  .move { stroke: #a0a7b1; }
}
"""


def xml(text: str) -> str:
    """File text as XML character data (control characters replaced, markup escaped)."""
    return _xml_escape(clean_text(text), {'"': "&quot;", "'": "&apos;"})


def text_width(text: str, size: float = FONT) -> float:
    """A generous estimate of the rendered width, so that estimated boxes never overlap."""
    width = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            width += 1.0
        elif unicodedata.combining(char):
            continue
        elif char in "il.,:;'!|1 ":
            width += 0.34
        elif char.isupper() or char in "mwMW—–%&@":
            width += 0.74
        else:
            width += 0.58
    return width * size


def shorten(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(clean_text(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class _Mark:
    item: Effective
    state: str
    label: str
    note: str  # countdown or status, shown after the label
    x: float  # the mark (dot or diamond or bar start)
    x_end: float  # a bar's end, or x
    band: tuple[float, float] | None  # partial dates: the time the date may fall in
    moves: list[tuple[float, float]] = field(default_factory=list)  # old x → new x
    lane: int = 0

    @property
    def left(self) -> float:
        xs = [self.x, *(old for old, _ in self.moves)]
        if self.band:
            xs.append(self.band[0])
        return min(xs) - 8

    @property
    def label_x(self) -> float:
        return max(self.x, self.x_end) + 10

    @property
    def right(self) -> float:
        end = self.label_x + text_width(self.label)
        if self.note:
            end += 6 + text_width(self.note, 11)
        if self.band:
            end = max(end, self.band[1])
        return end + 14


class _Scale:
    def __init__(self, first: date, after: date, width: float) -> None:
        self.first, self.days = first, max((after - first).days, 1)
        self.per_day = width / self.days

    def x(self, day: date) -> float:
        return MARGIN + (day - self.first).days * self.per_day

    def mid(self, day: date) -> float:
        return self.x(day) + self.per_day / 2


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _bounds(entries: Sequence[Effective], as_of: AsOf) -> tuple[date, date]:
    days = [as_of.day]
    for item in entries:
        days += [item.date.first_day, item.date.last_day, item.due_day]
        days += [change.date.first_day for change in item.applied if change.date is not None]
        days.append(item.entry.date.first_day)
    first = _month_start(min(days) - timedelta(days=3))
    after = _next_month(max(days) + timedelta(days=3))
    return first, after


def _is_partial(interval: Interval) -> bool:
    return not interval.span and interval.precision < Precision.DAY


def export(timeline: Timeline, as_of: AsOf, entries: Sequence[Effective]) -> str:
    first, after = _bounds(entries, as_of)
    total_days = (after - first).days
    plot_width = min(max(total_days * 4.0, 900.0), 2400.0)
    scale = _Scale(first, after, plot_width)

    marks: list[_Mark] = []
    for item in entries:
        where = standing(item, as_of)
        note = ""
        if where.days_left is not None:
            note = countdown(where.days_left)
        elif where.state not in ("event", "open"):
            note = where.state
        interval = item.date
        band = None
        if interval.span:
            x, x_end = scale.x(interval.first_day), scale.x(interval.last_day + timedelta(days=1))
            if item.entry.reminded:
                x_end = max(x_end, scale.mid(item.due_day))
        else:
            day = item.due_day if item.entry.reminded else interval.first_day
            x = x_end = scale.mid(day)
            if _is_partial(interval):
                band = (scale.x(interval.first_day),
                        scale.x(interval.last_day + timedelta(days=1)))
        label = item.entry.title
        if len(timeline.files) > 1:  # which story, when several
            label = f"[{item.entry.story}] {label}"
        mark = _Mark(item, where.state, shorten(label), note, x, x_end, band)
        previous = item.entry.date
        for change in item.applied:
            if change.date is not None and change.date != previous:
                mark.moves.append((scale.mid(previous.first_day), scale.mid(change.date.first_day)))
                previous = change.date
        marks.append(mark)

    lanes: list[float] = []  # the right end of what each lane holds so far
    for mark in sorted(marks, key=lambda m: (m.left, m.item.entry.id)):
        for index, right in enumerate(lanes):
            if right <= mark.left:
                mark.lane, lanes[index] = index, mark.right
                break
        else:
            mark.lane = len(lanes)
            lanes.append(mark.right)

    title = shorten(timeline.title, 100)
    subtitle = f"As of {_day(as_of.day)} · {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    lanes_height = max(len(lanes), 1) * LANE
    legend_y = TOP + lanes_height + 30
    width = max(MARGIN + plot_width + MARGIN, max((m.right for m in marks), default=0) + MARGIN,
                MARGIN * 2 + text_width(title, 18), 760.0)
    height = legend_y + 34
    chart_bottom = TOP + lanes_height + 6

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{xml(timeline.title)}, as of {_day(as_of.day)}</title>',
        f"<style>{STYLE}</style>",
        "<defs>",
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#6b7280"/></marker>',
        "</defs>",
        f'<rect class="bg" x="0" y="0" width="{width:.0f}" height="{height:.0f}"/>',
        f'<text class="title fg" x="{MARGIN}" y="28">{xml(title)}</text>',
        f'<text class="subtitle muted" x="{MARGIN}" y="46">{xml(subtitle)}</text>',
    ]
    out += _axis(scale, first, after, chart_bottom)
    today_x = scale.mid(as_of.day)
    out.append(f'<line class="today" x1="{today_x:.1f}" y1="{TOP - 14}" x2="{today_x:.1f}" '
               f'y2="{chart_bottom:.1f}"/>')
    out.append(f'<text class="note today-label" x="{today_x + 4:.1f}" y="{TOP - 4}">today</text>')
    for mark in sorted(marks, key=lambda m: (m.lane, m.x, m.item.entry.id)):
        out += _draw(mark)
    out += _legend(legend_y)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _day(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def _axis(scale: _Scale, first: date, after: date, bottom: float) -> list[str]:
    months_per_tick = 1
    month_px = scale.per_day * 30.4
    while month_px * months_per_tick < 44 and months_per_tick < 12:
        months_per_tick = {1: 3, 3: 6, 6: 12}[months_per_tick]
    out = [f'<line class="axis" x1="{MARGIN}" y1="{TOP - 14}" x2="{scale.x(after):.1f}" '
           f'y2="{TOP - 14}"/>']
    month = first
    index = 0
    while month < after:
        if (month.month - 1) % months_per_tick == 0 or index == 0:
            x = scale.x(month)
            out.append(f'<line class="grid" x1="{x:.1f}" y1="{TOP - 20}" x2="{x:.1f}" '
                       f'y2="{bottom:.1f}"/>')
            if month.month == 1 or index == 0:
                label, css = f"{MONTHS[month.month - 1]} {month.year}", "year fg"
            else:
                label, css = MONTHS[month.month - 1], "month muted"
            out.append(f'<text class="{css}" x="{x + 3:.1f}" y="{TOP - 20}">{label}</text>')
        month = _next_month(month)
        index += 1
    return out


def _diamond(x: float, y: float, r: float) -> str:
    return f"M{x:.1f},{y - r:.1f} L{x + r:.1f},{y:.1f} L{x:.1f},{y + r:.1f} L{x - r:.1f},{y:.1f} Z"


def _draw(mark: _Mark) -> list[str]:
    item = mark.item
    entry = item.entry
    y = TOP + mark.lane * LANE + LANE / 2
    colour = COLOURS.get(mark.state, COLOURS["event"])
    tooltip = f"{entry.title} — {format_human(item.date)}"
    if mark.note:
        tooltip += f" — {mark.note}"
    if entry.consequence:
        tooltip += f". If missed: {entry.consequence}"
    out = [f'<g class="entry {mark.state}" data-id="{xml(entry.id)}">',
           f"<title>{xml(tooltip)}</title>"]
    if mark.band:
        left, right = mark.band
        out.append(f'<rect class="band" x="{left:.1f}" y="{y - 8:.1f}" '
                   f'width="{max(right - left, 2):.1f}" height="16" rx="3"/>')
    for old, new in mark.moves:
        out.append(f'<path class="ghost" d="{_diamond(old, y, 6)}"/>')
        lift = min(12.0, LANE / 2 - 2)
        out.append(f'<path class="move" d="M{old + 6:.1f},{y - 2:.1f} '
                   f'C{old + 20:.1f},{y - lift - 4:.1f} {new - 20:.1f},{y - lift - 4:.1f} '
                   f'{new - 7:.1f},{y - 4:.1f}" marker-end="url(#arrow)"/>')
    if item.date.span:
        bar_end = max(mark.x_end, mark.x + 4)
        out.append(f'<rect x="{mark.x:.1f}" y="{y - 5:.1f}" width="{bar_end - mark.x:.1f}" '
                   f'height="10" rx="3" fill="{colour}"/>')
        if entry.reminded:
            out.append(f'<path d="{_diamond(mark.x_end, y, 7)}" fill="{colour}" '
                       'stroke="#ffffff" stroke-width="1.5"/>')
    elif entry.reminded:
        out.append(f'<path d="{_diamond(mark.x, y, 7)}" fill="{colour}" stroke="#ffffff" '
                   'stroke-width="1.5"/>')
    else:
        out.append(f'<circle cx="{mark.x:.1f}" cy="{y:.1f}" r="5" fill="{colour}" '
                   'stroke="#ffffff" stroke-width="1.5"/>')
    note = ""
    if mark.note:
        note = f'<tspan class="note" dx="6" fill="{colour}">{xml(mark.note)}</tspan>'
    out.append(f'<text class="label fg" x="{mark.label_x:.1f}" y="{y + 4:.1f}">'
               f"{xml(mark.label)}{note}</text>")
    out.append("</g>")
    return out


def _legend(y: float) -> list[str]:
    out = [f'<g class="legend" transform="translate({MARGIN},{y:.1f})">']
    x = 0.0
    items = [("dot", COLOURS["event"], "event"), ("bar", COLOURS["event"], "span"),
             ("band", "", "partial date"), ("diamond", COLOURS["overdue"], "overdue"),
             ("diamond", COLOURS["upcoming"], "within a lead time"),
             ("diamond", COLOURS["open"], "open deadline"), ("diamond", COLOURS["met"], "met"),
             ("diamond", COLOURS["cancelled"], "cancelled"), ("move", "", "moved")]
    for shape, colour, label in items:
        if shape == "dot":
            out.append(f'<circle cx="{x + 5:.1f}" cy="0" r="5" fill="{colour}"/>')
        elif shape == "bar":
            out.append(f'<rect x="{x:.1f}" y="-5" width="18" height="10" rx="3" fill="{colour}"/>')
            x += 8
        elif shape == "band":
            out.append(f'<rect class="band" x="{x:.1f}" y="-8" width="22" height="16" rx="3"/>')
            x += 12
        elif shape == "diamond":
            out.append(f'<path d="{_diamond(x + 6, 0, 6)}" fill="{colour}"/>')
        else:
            out.append(f'<path class="move" d="M{x:.1f},3 C{x + 6:.1f},-6 {x + 14:.1f},-6 '
                       f'{x + 20:.1f},0" marker-end="url(#arrow)"/>')
            x += 10
        out.append(f'<text class="note muted" x="{x + 16:.1f}" y="4">{label}</text>')
        x += 16 + text_width(label, 11) + 16
    out.append("</g>")
    return out
