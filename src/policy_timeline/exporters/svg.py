"""A horizontal SVG chart of the timeline, laid out for a target width (slides, READMEs).

The chart is exactly `width` px wide (default 1200) and the time scale is chosen to fit it.
Events are dots, deadlines diamonds coloured by their state at T (overdue red, within a lead
time amber, met and cancelled grey), spans bars, partial dates a faint band over the time
they may fall in (with the mark on the earliest day); a dashed line marks today. A deadline
that was moved carries an arrow from each old date to the new one when the two are visibly
apart (a small chevron when they are not); other readings of a date (disputed claims) are
hollow circles joined to the mark by a dashed line.

No text overlaps: every text box is estimated from a conservative per-character width for
the font stack used (DejaVu Sans and Verdana, the widest of the common sans-serifs, come
first, so a narrower fallback only leaves more room), and entries are packed into lanes so
that no two boxes meet. Labels go right of their mark, or left when the right side has no
room; they are cut with "…" only when neither side has room, and the full title is always
in the mark's <title> tooltip. All text from the file is XML-escaped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING

from .. import safe_text
from ..dates import Interval, Precision
from ..presentation import Presentation, day_label, human, present

if TYPE_CHECKING:
    from ..schedule import AsOf, Effective
    from ..timeline import Timeline

DEFAULT_WIDTH = 1200
MIN_WIDTH, MAX_WIDTH = 480, 20000
FONT_FAMILY = '"DejaVu Sans", Verdana, "Bitstream Vera Sans", sans-serif'
TITLE_SIZE = 22.0
LABEL_SIZE = 14.0
SMALL_SIZE = 13.0  # axis, notes, legend: the smallest text in the chart
MARGIN = 28.0
LANE = 34.0
GAP = 9.0  # between a mark and its label
NOTE_GAP = 7.0  # between a label and its note
PAD = 12.0  # between two entries in one lane
APART = 14.0  # px: an old and a new date closer than this are not drawn as an arrow
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

GREY = "#8d939c"
COLOURS = {
    "event": "#4a5568", "overdue": "#c62828", "today": "#d84315", "upcoming": "#b26a00",
    "open": "#2457c5", "met": GREY, "missed": "#8e1b1b", "cancelled": GREY, "superseded": GREY,
}
STYLE = f"""
text {{ font-family: {FONT_FAMILY}; }}
.bg {{ fill: #ffffff; }} .fg {{ fill: #1d1f23; }} .muted {{ fill: #5d636b; }}
.grid {{ stroke: #eceef1; stroke-width: 1; }} .grid.year {{ stroke: #c9ced5; }}
.axis {{ stroke: #aab1ba; stroke-width: 1; }}
.band {{ fill: #4a5568; fill-opacity: .14; }}
.ghost {{ fill: #ffffff; stroke: {GREY}; stroke-width: 1.5; stroke-dasharray: 2 2; }}
.move {{ fill: none; stroke: #6b7280; stroke-width: 1.5; }} .nudge {{ fill: #6b7280; }}
.reading {{ fill: #ffffff; stroke-width: 2; }}
.link {{ fill: none; stroke-width: 1.2; stroke-dasharray: 3 3; }}
line.today {{ stroke: #d84315; stroke-width: 1.5; stroke-dasharray: 5 4; }}
text.today-label {{ fill: #d84315; }}
.title {{ font-weight: 700; }}
.cancelled .name, .superseded .name {{ text-decoration: line-through; }}
@media (prefers-color-scheme: dark) {{
  .bg {{ fill: #131519; }} .fg {{ fill: #e7e9ec; }} .muted {{ fill: #a0a7b1; }}
  .grid {{ stroke: #22262c; }} .grid.year {{ stroke: #3a4049; }} .axis {{ stroke: #4b525c; }}
  .band {{ fill: #b4bcc8; }} .move {{ stroke: #a0a7b1; }} .nudge {{ fill: #a0a7b1; }}
  .ghost, .reading {{ fill: #131519; }}
}}
"""


# --------------------------------------------------------------------------- text


def xml(text: str) -> str:
    """File text as XML character data (control characters replaced, markup escaped)."""
    return safe_text.xml(text)


def _char_em(char: str) -> float:
    """A character's advance in em, rounded up from DejaVu Sans (the widest font we name)."""
    if unicodedata.combining(char):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.05
    if char in " il.,:;'!|ijfrtI()[]{}`\"/\\-":
        return 0.42
    if char in "mwMW@%…—&":
        return 1.02
    if char.isupper() or char in "#+=<>~_^*?$":
        return 0.86
    if char.isascii() and char.isalnum():
        return 0.66
    return 0.9  # other symbols, accented capitals, other scripts


def text_width(text: str, size: float = LABEL_SIZE, bold: bool = False) -> float:
    """A conservative estimate of the rendered width: the real text is never wider."""
    em = sum(_char_em(char) for char in text)
    return em * size * (1.14 if bold else 1.0)


def fit(text: str, room: float, size: float = LABEL_SIZE, bold: bool = False) -> str:
    """`text` if it fits in `room` px, else as much of it as fits followed by "…"."""
    if text_width(text, size, bold) <= room:
        return text
    cut = text
    while cut and text_width(cut.rstrip() + "…", size, bold) > room:
        cut = cut[:-1]
    return cut.rstrip() + "…"


@dataclass(frozen=True, slots=True)
class TextBox:
    """Where a text is drawn: its estimated box (left, top, right, bottom)."""

    text: str
    x: float
    baseline: float
    size: float
    bold: bool = False

    @property
    def box(self) -> tuple[float, float, float, float]:
        width = text_width(self.text, self.size, self.bold)
        return (self.x, self.baseline - self.size * 0.95, self.x + width,
                self.baseline + self.size * 0.3)


def _text(box: TextBox, css: str, extra: str = "") -> str:
    weight = ' font-weight="700"' if box.bold else ""
    return (f'<text class="{css}" x="{box.x:.1f}" y="{box.baseline:.1f}" '
            f'font-size="{box.size:g}"{weight}{extra}>{xml(box.text)}</text>')


# -------------------------------------------------------------------------- scale


class _Scale:
    """Days (as ordinals, so that the calendar's last day needs no date after it) to x."""

    def __init__(self, first: int, end: int, left: float, right: float) -> None:
        self.first, self.left = first, left
        self.per_day = (right - left) / max(end - first, 1)

    def at(self, ordinal: int) -> float:
        return self.left + (ordinal - self.first) * self.per_day

    def mid(self, day: date) -> float:
        return self.at(day.toordinal()) + self.per_day / 2

    def start(self, day: date) -> float:
        return self.at(day.toordinal())

    def end(self, day: date) -> float:
        return self.at(day.toordinal() + 1)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_ordinal(index: int) -> int:
    """The ordinal of the first of month `index`; one past the calendar after Dec 9999."""
    year, month = divmod(index, 12)
    if year > 9999:
        return date.max.toordinal() + 1
    return date(year, month + 1, 1).toordinal()


def _bounds(shown: Sequence[Presentation], as_of: AsOf) -> tuple[int, int]:
    """First and one-past-last month (as month indexes) the chart covers: every date it
    draws, a few days' margin, whole months."""
    days = [as_of.day]
    for one in shown:
        item = one.item
        days += [item.date.first_day, item.date.last_day, item.due_day]
        days += [move.before.first_day for move in one.history]
        days += [reading.claim.date.first_day for reading in one.disputed]
    low = max(min(days).toordinal() - 3, 1)
    high = min(max(days).toordinal() + 3, date.max.toordinal())
    return _month_index(date.fromordinal(low)), _month_index(date.fromordinal(high)) + 1


# ------------------------------------------------------------------------ entries


@dataclass
class _Entry:
    one: Presentation
    x: float  # the mark (dot or diamond), or a bar's start
    x_end: float  # a bar's end, or x
    band: tuple[float, float] | None  # partial dates: the time the date may fall in
    moves: list[tuple[float, float]] = field(default_factory=list)  # old x → new x, apart
    nudges: list[int] = field(default_factory=list)  # moves too small to see: -1 or +1
    readings: list[tuple[float, str]] = field(default_factory=list)  # other readings
    label: TextBox | None = None  # where the label's estimated box starts
    anchor_end: float | None = None  # a label left of its marks: the x it ends at
    note: TextBox | None = None
    lane: int = 0

    @property
    def mark(self) -> float:
        """The x of the entry's mark (a reminded span's: its due day)."""
        return self.x_end if self.one.item.date.span and self.one.item.entry.reminded else self.x

    @property
    def state(self) -> str:
        return self.one.standing.state

    def marks(self, band: bool = True) -> tuple[float, float]:
        """Left and right of what is drawn for the entry, apart from its text (and apart
        from its faint band when `band` is false: a label may be written over it)."""
        xs = [self.x, self.x_end, *(old for old, _ in self.moves), *(x for x, _ in self.readings)]
        if self.band and band:
            xs += self.band
        nudge = 12 if self.nudges else 0
        return min(xs) - 8 - nudge, max(xs) + 8 + nudge

    def span(self) -> tuple[float, float]:
        left, right = self.marks()
        for text in (self.label, self.note):
            if text is not None:
                left, right = min(left, text.box[0]), max(right, text.box[2])
        return left - PAD / 2, right + PAD / 2


def _entry(one: Presentation, scale: _Scale) -> _Entry:
    item = one.item
    interval = item.date
    band = None
    if interval.span:
        x, x_end = scale.start(interval.first_day), scale.end(interval.last_day)
        if item.entry.reminded:
            x_end = max(x_end, scale.mid(item.due_day))
    else:
        x = x_end = scale.mid(item.due_day if item.entry.reminded else interval.first_day)
        if _is_partial(interval):
            band = (scale.start(interval.first_day), scale.end(interval.last_day))
    entry = _Entry(one, x, x_end, band)
    for move in one.history:
        if move.after is None or not move.moved:
            continue
        old, new = scale.mid(move.before.first_day), scale.mid(move.after.first_day)
        if abs(new - old) >= APART:
            entry.moves.append((old, new))
        else:
            entry.nudges.append(1 if move.after.first_day >= move.before.first_day else -1)
    mark = entry.mark
    for reading in one.disputed:
        at = scale.mid(reading.claim.date.first_day)
        if abs(at - mark) < APART:  # too close to see: beside the mark, on the side it is
            at = mark + (APART if reading.claim.date.first_day >= interval.first_day else -APART)
        entry.readings.append((at, reading.label))
    return entry


def _is_partial(interval: Interval) -> bool:
    return not interval.span and interval.precision < Precision.DAY


def _gaps(entry: _Entry) -> list[tuple[float, float]]:
    """Free stretches between the entry's own marks where a label may go: under a move's
    arrow (drawn above the line), not over a bar nor across a reading's dashed link."""
    points = sorted({entry.x, entry.x_end, *(x for move in entry.moves for x in move),
                     *(x for x, _ in entry.readings)})
    mark = entry.mark
    blocked = [(entry.x, entry.x_end),
               *((min(mark, at), max(mark, at)) for at, _ in entry.readings)]
    gaps = []
    for low, high in pairwise(points):
        if not any(a < high and low < b for a, b in blocked):
            gaps.append((low + 8 + GAP, high - 8 - GAP))
    return gaps


def _place_label(
    entry: _Entry, left_edge: float, right_edge: float, stories: bool = False
) -> None:
    """The label right of the marks, else left, else between them (under a move's arrow);
    cut with "…" only when none of those has room for it. `stories`: several stories are
    shown, so the label says which one."""
    shown = entry.one.item.entry
    title = safe_text.one_line(f"[{shown.story}] {shown.title}" if stories else shown.title)
    note = entry.one.standing.countdown or ""
    note_width = text_width(note, SMALL_SIZE) + NOTE_GAP if note else 0.0
    marks_left, marks_right = entry.marks(band=False)
    places = [(marks_right + GAP, right_edge), (left_edge, marks_left - GAP), *_gaps(entry)]
    full = text_width(title) + note_width
    fitting = [place for place in places if place[1] - place[0] >= full]
    if fitting:
        start, end = fitting[0]
    else:
        start, end = max(places, key=lambda place: place[1] - place[0])
        title = fit(title, end - start - note_width)
    if (start, end) == places[1]:  # left of the marks: anchored at its end, next to them
        start = end - text_width(title) - note_width
        entry.anchor_end = end
    entry.label = TextBox(title, start, LABEL_SIZE * 0.36, LABEL_SIZE)
    if note:
        entry.note = TextBox(note, start + text_width(title) + NOTE_GAP, LABEL_SIZE * 0.36,
                             SMALL_SIZE)


def _lane_y(lane: int) -> float:
    """The middle of a lane, relative to the top of the first."""
    return lane * LANE + LANE / 2


def _pack(entries: list[_Entry]) -> int:
    """Lanes by first fit, in order of left edge (as few as any packing); their number."""
    lanes: list[float] = []  # the right end of what each lane holds so far
    for entry in sorted(entries, key=lambda e: (e.span()[0], e.x, e.one.item.entry.id)):
        left, right = entry.span()
        for index, end in enumerate(lanes):
            if end <= left:
                entry.lane, lanes[index] = index, right
                break
        else:
            entry.lane = len(lanes)
            lanes.append(right)
    return len(lanes)


# -------------------------------------------------------------------------- chart


def export(timeline: Timeline, as_of: AsOf, entries: Sequence[Effective],
           width: int | str = DEFAULT_WIDTH) -> str:
    width = int(width)
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ValueError(f"width must be {MIN_WIDTH} to {MAX_WIDTH} px, not {width}")
    shown = [present(timeline, item, as_of) for item in entries]
    first, after = _bounds(shown, as_of)
    left, right = MARGIN, width - MARGIN
    scale = _Scale(_month_ordinal(first), _month_ordinal(after), left, right)

    laid = [_entry(one, scale) for one in shown]
    for entry in laid:
        _place_label(entry, left, right, len(timeline.files) > 1)
    lanes = max(_pack(laid), 1)

    out, top = _heading(timeline, as_of, len(entries), width)
    axis, axis_y = _axis(scale, first, after, top, width)
    lanes_top = axis_y + 8
    lanes_bottom = lanes_top + lanes * LANE
    today_x = scale.mid(as_of.day)
    legend, legend_height = _legend(laid, lanes_bottom + 46, width)
    height = lanes_bottom + 46 + legend_height + 10

    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" role="img" aria-labelledby="chart-title" '
        f'font-family="{xml(FONT_FAMILY)}">',
        f'<title id="chart-title">{xml(timeline.title)}, as of {day_label(as_of.day)}</title>',
        f"<style>{STYLE}</style>",
        "<defs>",
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#6b7280"/></marker>',
        "</defs>",
        f'<rect class="bg" x="0" y="0" width="{width}" height="{height:.0f}"/>',
    ]
    out = head + out + [line.replace("BOTTOM", f"{lanes_bottom:.1f}") for line in axis]
    out.append(f'<line class="today" x1="{today_x:.1f}" y1="{axis_y:.1f}" x2="{today_x:.1f}" '
               f'y2="{lanes_bottom + 8:.1f}"/>')
    today = TextBox(f"today · {day_label(as_of.day)}", 0, lanes_bottom + 26, SMALL_SIZE, True)
    today_width = text_width(today.text, SMALL_SIZE, True)
    start = today_x + 5 if today_x + 5 + today_width <= width - 4 else today_x - 5 - today_width
    out.append(_text(TextBox(today.text, max(start, 4.0), today.baseline, SMALL_SIZE, True),
                     "today-label"))
    for entry in sorted(laid, key=lambda e: (e.lane, e.x, e.one.item.entry.id)):
        out += _draw(entry, lanes_top)
    out += legend
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _heading(timeline: Timeline, as_of: AsOf, count: int, width: int) -> tuple[list[str], float]:
    """The chart's title and subtitle; the y below them."""
    room = width - 2 * MARGIN
    title = fit(safe_text.one_line(timeline.title), room, TITLE_SIZE, bold=True)
    subtitle = f"As of {day_label(as_of.day)} · {count} entr{'y' if count == 1 else 'ies'}"
    return [
        _text(TextBox(title, MARGIN, 36, TITLE_SIZE, True), "title fg"),
        _text(TextBox(fit(subtitle, room, SMALL_SIZE), MARGIN, 58, SMALL_SIZE), "subtitle muted"),
    ], 72.0


#: Months between ticks: months, quarters, half years, then years, decades, centuries…
STEPS = (1, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000, 24000, 60000, 120000)


def _axis(scale: _Scale, first: int, after: int, top: float,
          width: int) -> tuple[list[str], float]:
    """Year labels on their own line, month ticks thinned to months, quarters, half years or
    years as the span grows; grid lines down to BOTTOM (filled in later). Returns the lines
    and the y of the axis."""
    month_px = scale.per_day * 30.44
    month_label = max(text_width(name, SMALL_SIZE) for name in MONTHS) + 10
    year_label = text_width("0000", SMALL_SIZE, True) + 12
    step = STEPS[-1]
    for candidate in STEPS:
        need = month_label if candidate < 12 else year_label
        if month_px * candidate >= need:
            step = candidate
            break
    years_y = top + 16
    months_y = top + 36 if step < 12 else years_y
    axis_y = months_y + 8
    out = [f'<line class="axis" x1="{MARGIN}" y1="{axis_y:.1f}" x2="{width - MARGIN:.1f}" '
           f'y2="{axis_y:.1f}"/>']
    labels: list[str] = []
    index = -(-first // step) * step  # ticks on whole months, quarters, half years, years
    while index < after:
        x = scale.at(_month_ordinal(index))
        css = "grid year" if index % 12 == 0 else "grid"
        out.append(f'<line class="{css}" x1="{x:.1f}" y1="{axis_y - 6:.1f}" x2="{x:.1f}" '
                   'y2="BOTTOM"/>')
        if step < 12:
            name = TextBox(MONTHS[index % 12], x + 4, months_y, SMALL_SIZE)
            if name.box[2] <= width - 4:
                labels.append(_text(name, "month muted"))
        index += step
    years = max(step // 12, 1)
    shown = [first // 12] if first % 12 and step < 12 else []  # the year the chart starts in
    shown += [year for year in range(-(-first // 12), -(-after // 12)) if year % years == 0]
    for number, year in enumerate(shown):
        x = scale.at(_month_ordinal(max(year * 12, first)))
        label = TextBox(str(year), x + 4, years_y, SMALL_SIZE, True)
        following = shown[number + 1] * 12 if number + 1 < len(shown) else None
        room = scale.at(_month_ordinal(following)) if following is not None else width - 4.0
        if label.box[2] + 8 <= room:
            labels.append(_text(label, "year fg"))
    return out + labels, axis_y


def _diamond(x: float, y: float, r: float) -> str:
    return f"M{x:.1f},{y - r:.1f} L{x + r:.1f},{y:.1f} L{x:.1f},{y + r:.1f} L{x - r:.1f},{y:.1f} Z"


def _tooltip(one: Presentation) -> str:
    entry = one.item.entry
    text = f"{entry.title} — {one.when}"
    if one.standing.countdown:
        text += f" — {one.standing.countdown}"
    for move in one.history:
        if move.moved and move.after is not None:
            text += (f". Moved from {human(move.before)} to {human(move.after)} "
                     f"(announced {move.announced})")
    for reading in one.disputed:
        text += f". Also reported: {reading.label}"
    if entry.consequence:
        text += f". If missed: {entry.consequence}"
    return text


def _draw(entry: _Entry, lanes_top: float) -> list[str]:
    item = entry.one.item
    y = lanes_top + _lane_y(entry.lane)  # labels were placed around 0: the middle of a lane
    colour = COLOURS.get(entry.state, COLOURS["event"])
    out = [f'<g class="entry {entry.state}" data-id="{xml(item.entry.id)}">',
           f"<title>{xml(_tooltip(entry.one))}</title>"]
    if entry.band:
        left, right = entry.band
        out.append(f'<rect class="band" x="{left:.1f}" y="{y - 9:.1f}" '
                   f'width="{max(right - left, 2):.1f}" height="18" rx="3"/>')
    mark = entry.mark
    for at, _ in entry.readings:
        out.append(f'<path class="link" stroke="{colour}" d="M{mark:.1f},{y:.1f} '
                   f'L{at:.1f},{y:.1f}"/>')
    for old, new in entry.moves:
        out.append(f'<path class="ghost" d="{_diamond(old, y, 6)}"/>')
        out.append(f'<path class="move" d="M{old:.1f},{y - 7:.1f} V{y - 14:.1f} H{new:.1f} '
                   f'V{y - 8:.1f}" marker-end="url(#arrow)"/>')
    if item.date.span:
        bar_end = max(entry.x_end, entry.x + 4)
        out.append(f'<rect x="{entry.x:.1f}" y="{y - 5:.1f}" width="{bar_end - entry.x:.1f}" '
                   f'height="10" rx="3" fill="{colour}"/>')
        if item.entry.reminded:
            out.append(f'<path d="{_diamond(entry.x_end, y, 7)}" fill="{colour}" '
                       'stroke="#ffffff" stroke-width="1.5"/>')
    elif item.entry.reminded:
        out.append(f'<path d="{_diamond(entry.x, y, 7)}" fill="{colour}" stroke="#ffffff" '
                   'stroke-width="1.5"/>')
    else:
        out.append(f'<circle cx="{entry.x:.1f}" cy="{y:.1f}" r="5.5" fill="{colour}" '
                   'stroke="#ffffff" stroke-width="1.5"/>')
    for at, said in entry.readings:
        out.append(f'<circle class="reading" cx="{at:.1f}" cy="{y:.1f}" r="5" '
                   f'stroke="{colour}"><title>{xml("Also reported: " + said)}</title></circle>')
    for way in sorted(set(entry.nudges)):
        tip = mark + 10 * way + 4 * way
        out.append(f'<path class="nudge" d="M{mark + 10 * way:.1f},{y - 4:.1f} '
                   f'L{tip:.1f},{y:.1f} L{mark + 10 * way:.1f},{y + 4:.1f} Z"/>')
    if entry.label is not None:
        name = entry.label
        note = ""
        if entry.note is not None:
            note = (f'<tspan class="note" dx="{NOTE_GAP:g}" font-size="{entry.note.size:g}" '
                    f'fill="{colour}">{xml(entry.note.text)}</tspan>')
        where = f'x="{name.x:.1f}"'
        if entry.anchor_end is not None:  # the real text, narrower than estimated, ends here
            where = f'x="{entry.anchor_end:.1f}" text-anchor="end"'
        out.append(f'<text class="label fg" {where} y="{name.baseline + y:.1f}" '
                   f'font-size="{name.size:g}"><tspan class="name">{xml(name.text)}</tspan>'
                   f"{note}</text>")
    out.append("</g>")
    return out


LEGEND = (
    ("dot", "event", "event"), ("bar", "event", "span"), ("band", "", "partial date"),
    ("diamond", "overdue", "overdue"), ("diamond", "today", "due today"),
    ("diamond", "upcoming", "within a lead time"), ("diamond", "open", "open deadline"),
    ("diamond", "met", "met, cancelled"), ("diamond", "missed", "missed"),
    ("move", "", "moved (from the old date)"), ("nudge", "", "moved by a few days"),
    ("reading", "", "disputed: another reading"),
)


def _legend(laid: Sequence[_Entry], top: float, width: int) -> tuple[list[str], float]:
    """A legend of what the chart shows, wrapped to the width; its lines and height."""
    used = {"event"} if any(not e.one.item.entry.reminded for e in laid) else set()
    for entry in laid:
        used.add("met" if entry.state in ("cancelled", "superseded") else entry.state)
        used |= {"bar"} if entry.one.item.date.span else set()
        used |= {"band"} if entry.band else set()
        used |= {"move"} if entry.moves else set()
        used |= {"nudge"} if entry.nudges else set()
        used |= {"reading"} if entry.readings else set()
    out: list[str] = ['<g class="legend">']
    x, y = MARGIN, top
    for shape, state, label in LEGEND:
        key = shape if shape in ("bar", "band", "move", "nudge", "reading") else state
        if key not in used:
            continue
        item_width = 28 + text_width(label, SMALL_SIZE) + 22
        if x > MARGIN and x + item_width > width - MARGIN:
            x, y = MARGIN, y + 26
        colour = COLOURS.get(state, COLOURS["event"])
        if shape == "dot":
            out.append(f'<circle cx="{x + 11:.1f}" cy="{y:.1f}" r="5.5" fill="{colour}"/>')
        elif shape == "bar":
            out.append(f'<rect x="{x:.1f}" y="{y - 5:.1f}" width="22" height="10" rx="3" '
                       f'fill="{colour}"/>')
        elif shape == "band":
            out.append(f'<rect class="band" x="{x:.1f}" y="{y - 9:.1f}" width="22" height="18" '
                       'rx="3"/>')
        elif shape == "diamond":
            out.append(f'<path d="{_diamond(x + 11, y, 7)}" fill="{colour}"/>')
        elif shape == "move":
            out.append(f'<path class="ghost" d="{_diamond(x + 4, y + 2, 4)}"/>')
            out.append(f'<path class="move" d="M{x + 4:.1f},{y - 3:.1f} V{y - 8:.1f} '
                       f'H{x + 20:.1f} V{y - 1:.1f}" marker-end="url(#arrow)"/>')
        elif shape == "nudge":
            out.append(f'<path class="nudge" d="M{x + 8:.1f},{y - 5:.1f} L{x + 15:.1f},{y:.1f} '
                       f'L{x + 8:.1f},{y + 5:.1f} Z"/>')
        else:
            out.append(f'<path class="link" stroke="{COLOURS["event"]}" d="M{x + 2:.1f},'
                       f'{y:.1f} L{x + 16:.1f},{y:.1f}"/>')
            out.append(f'<circle class="reading" cx="{x + 17:.1f}" cy="{y:.1f}" r="5" '
                       f'stroke="{COLOURS["event"]}"/>')
        out.append(_text(TextBox(label, x + 28, y + 4.5, SMALL_SIZE), "muted"))
        x += item_width
    out.append("</g>")
    return out, y - top + 12
