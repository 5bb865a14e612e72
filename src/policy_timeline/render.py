"""The timeline and the reminders laid out as lines of styled text (`terminal.Line`s):
built here, printed by the CLI through `terminal.to_plain` or `terminal.to_rich`.

Every string from the file goes through `clean` first (see `terminal`), so control
characters are shown as text, never obeyed, and markup such as `[red]` is never parsed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from . import presentation
from .dates import Interval, Precision
from .safe_text import safe_url
from .schedule import (
    LATER,
    OVERDUE,
    SOON,
    TODAY,
    UPCOMING,
    AsOf,
    Effective,
    Reminder,
    countdown,
    effective,
    is_known,
    standing,
)
from .terminal import (
    THEME,
    Line,
    Span,
    as_of_label,
    cell_width,
    clean,
    day_label,
    human_date,
    line_width,
    pad,
    plural,
    wrap_spans,
)
from .timeline import Source, Timeline

# ------------------------------------------------------------------------ markers

#: One marker per suggested kind (see `kinds.SUGGESTED_KINDS`); shown in the legend.
KIND_MARKERS: dict[str, str] = {
    "deadline": "⚑",
    "agreement": "◆",
    "measure": "■",
    "concession": "▲",
    "statement": "◇",
    "call": "●",
    "meeting": "◎",
    "notice": "▸",
    "report": "□",
    "event": "•",
}
#: Markers for other kinds, given out in the order of their names, so that each kind in
#: a workspace has its own (then capital letters; `OTHER_MARKER` only past those).
SPARE_MARKERS = "○△▽◁▷◈◉◐◑▣◊▪▫◢◣◤◥▤▥▦"
OTHER_MARKER = "○"
#: The banner's signs: not used as markers, so that a sign means one thing.
OVERDUE_SIGN, SOON_SIGN = "⚠", "◷"


def kind_markers(kinds: Iterable[str]) -> dict[str, str]:
    """Each kind (lowercased: kinds compare without case) and its own marker."""
    folded = sorted({kind.lower() for kind in set(kinds)})  # set first: 100,000s of entries
    markers = {kind: KIND_MARKERS[kind] for kind in folded if kind in KIND_MARKERS}
    spare = [*SPARE_MARKERS, *(chr(code) for code in range(ord("A"), ord("Z") + 1))]
    for kind in folded:
        if kind not in markers:
            markers[kind] = spare.pop(0) if spare else OTHER_MARKER
    return markers


def marker(kind: str, markers: dict[str, str] | None = None) -> Span:
    """The marker of a kind: from `markers` (see `kind_markers`), else the suggested one."""
    folded = kind.lower()
    sign = (markers or KIND_MARKERS).get(folded, OTHER_MARKER)
    style = f"marker.{folded}"
    return Span(sign, style if style in THEME else "marker")


# ---------------------------------------------------------------------- footnotes

@dataclass
class Footnotes:
    """Sources numbered in the order they are first cited among the entries shown.

    A source id is its story's (ids are per story): `wire` of two stories is two notes;
    a bare URL is one note whichever stories cite it."""

    timeline: Timeline
    links: bool = False
    numbers: dict[tuple[str | None, str], int] = field(default_factory=dict)  # (story, id)

    def refs(self, references: Iterable[str], story: str) -> list[Span]:
        defined = self.timeline.sources_of(story)
        numbers = []
        for reference in references:
            cited = (story if reference in defined else None, reference)  # None: not an id
            if cited not in self.numbers:
                self.numbers[cited] = len(self.numbers) + 1
            if self.numbers[cited] not in numbers:
                numbers.append(self.numbers[cited])
        if not numbers:
            return []
        return [Span(f" [{','.join(str(n) for n in numbers)}]", "ref")]

    def _url(self, source: Source | None, reference: str) -> str | None:
        if source is not None:
            return source.url
        from .safe_text import is_url  # only when there are sources to list

        return reference if is_url(reference) else None

    def lines(self, width: int) -> list[Line]:
        if not self.numbers:
            return []
        lines: list[Line] = [(Span("Sources", "month"),)]
        label_width = len(f"[{len(self.numbers)}]") + 3
        for (story, reference), number in self.numbers.items():
            source = self.timeline.sources_of(story).get(reference) if story is not None else None
            url = self._url(source, reference)
            link = safe_url(url) if self.links and url else None
            text: list[Span] = []
            if source is not None and (source.title or source.publisher):
                name = " — ".join(clean(part) for part in (source.title, source.publisher) if part)
                text.append(Span(name, "source", link))
            elif url is None:
                text.append(Span(clean(reference), "source"))
            if url is not None:
                text.append(Span(clean(url), "link", link))
            wrapped = _wrap_parts(text, width - label_width)
            label = pad(f"  [{number}]", label_width)
            for index, row in enumerate(wrapped):
                lines.append((Span(label if index == 0 else " " * label_width, "muted"), *row))
        return lines


def _wrap_parts(parts: list[Span], width: int) -> list[list[Span]]:
    """Each part wrapped on its own; a part that fits after the previous one joins it."""
    rows: list[list[Span]] = []
    for part in parts:
        wrapped = wrap_spans([part], width)
        joined = line_width(rows[-1]) + 2 + line_width(wrapped[0]) if rows else width + 1
        if len(wrapped) == 1 and joined <= width:
            rows[-1] += [Span("  "), *wrapped[0]]
        else:
            rows += wrapped
    return rows


# ----------------------------------------------------------------------- grouping


def group_label(interval: Interval) -> tuple[str, str]:
    """(key, heading) of the period an entry is listed under: `presentation.period`, as the
    Markdown and HTML pages name it (`Q3 2025`, `Winter 2025–2026`); a month without its
    year (`June`), which the year rule above it gives."""
    key, label = presentation.period(interval)
    if interval.precision >= Precision.MONTH:
        label = label.rpartition(" ")[0]
    return key, label


def _rule(label: str, width: int, style: str, char: str = "─") -> Line:
    head = f"{char * 2} {label} "
    return (Span(head + char * max(0, width - cell_width(head)), style),)


#: presentation's standings in the terminal's styles (see `THEME`).
_STANDING_STYLES = {"upcoming": SOON, "open": LATER}


def badge(item: Effective, as_of: AsOf) -> Span | None:
    """The countdown of a reminded entry (`in 13 days`, `3 days overdue`, `today`), or where
    it ended (`met`, `cancelled`), from `presentation.standing`; None for an event."""
    state = presentation.standing(item, as_of)
    text = state.countdown
    if text is None:
        return None
    if state.state == TODAY:
        return Span(f" due {text} ", TODAY)
    return Span(text, _STANDING_STYLES.get(state.state, state.state))


# -------------------------------------------------------------------------- show


@dataclass(frozen=True, slots=True)
class ShowOptions:
    """How `show` lays out the timeline in a terminal."""

    width: int = 100
    by: str | None = None  # "actor": one lane per actor
    links: bool = False  # OSC 8 links on footnotes: only for real terminals
    compact: bool = False  # one line per entry: no summaries, history or sources
    hidden_before: int = 0  # entries of the selection left out by the window around T
    hidden_after: int = 0
    filtered: bool = False  # the selection is a filtered part of the timeline
    unmatched: tuple[str, ...] = ()  # filter values no entry has (see `filters.unmatched`)


def show_lines(
    timeline: Timeline,
    as_of: AsOf,
    selection: Sequence[Effective],
    shown: Sequence[Effective],
    options: ShowOptions = ShowOptions(),
) -> list[Line]:
    """The whole `show` output: banner, window notes, the timeline, sources, legend.

    `selection` is everything that matched (the banner sums it up); `shown` is the part
    of it that is laid out (a window around T in long files).
    """
    width = max(options.width, 40)
    # compact: no Sources list, so no footnote markers pointing to it either
    notes = None if options.compact else Footnotes(timeline, options.links)
    markers = kind_markers(entry.kind for entry in timeline.entries)
    lines = banner_lines(timeline, as_of, selection, width, options.filtered)
    lines += [(Span(f"{OVERDUE_SIGN} {clean(text)}", "muted"),) for text in options.unmatched]
    lines.append(())
    if not selection:
        lines.append((Span("No entries match the filters." if options.filtered else
                           "No entries yet.", "muted"),))
        if not options.filtered:
            hint = ("Add one with 'timeline add --title TITLE --date DATE', "
                    "or write it under 'events:' in the file.")
            lines.append((Span(hint, "muted"),))
        return lines
    if options.hidden_before:
        lines.append(_hidden_note(options.hidden_before, "earlier"))
    if options.by == "actor":
        lines += lane_lines(as_of, shown, width, notes, markers)
    else:
        lines += list_lines(as_of, shown, width, notes, options.compact, markers)
    if options.hidden_after:
        lines.append(_hidden_note(options.hidden_after, "later"))
    footnotes = notes.lines(width) if notes is not None else []
    if footnotes:
        lines += [(), *footnotes]
    lines += [(), *legend_lines(shown, width, markers)]
    return [line for index, line in enumerate(lines) if line or index == 0 or lines[index - 1]]


def _hidden_note(count: int, which: str) -> Line:
    return (Span(f"⋯ {plural(count, f'{which} entry', f'{which} entries')} not shown; "
                 "'timeline show --all' shows every entry", "muted"),)


def banner_lines(
    timeline: Timeline, as_of: AsOf, selection: Sequence[Effective], width: int, filtered: bool
) -> list[Line]:
    """The title, the moment, and what needs attention (overdue, today, soon) or what's next.

    With several stories, each entry named is labelled with its story, as in the list."""
    count = plural(len(selection), "entry", "entries")
    several = len(timeline.files) > 1
    if filtered:
        count += f" of {len(timeline.entries)} match"
    lines: list[Line] = [
        (Span(clean(timeline.title), "banner.title"),),
        (Span(f"as of {as_of_label(as_of)} · {count}", "muted"),),
    ]
    standings = [(item, standing(item, as_of)) for item in selection]
    reminded = [(item, state) for item, state in standings if state is not None]
    for urgency, label in ((OVERDUE, "overdue"), (TODAY, "due today"), (SOON, "due soon")):
        items = sorted((pair for pair in reminded if pair[1].urgency == urgency),
                       key=lambda pair: (pair[1].days_left, pair[0].entry.id))
        if not items:
            continue
        icon = SOON_SIGN if urgency == SOON else OVERDUE_SIGN
        head = [Span(f"{icon} {plural(len(items), 'deadline')} {label}: ", urgency)]
        body: list[Span] = []
        for index, (item, state) in enumerate(items[:3]):
            if index:
                body.append(Span("; "))
            when = "" if urgency == TODAY else f", {countdown(state.days_left)}"
            body += [Span(clean(item.entry.title), "title"), *_story_label(item, several),
                     Span(f" ({day_label(item.due_day)}{when})", urgency)]
        if len(items) > 3:
            body.append(Span(f"; and {len(items) - 3} more", urgency))
        lines += _hanging(head, body, width)
    if any(state.urgency in (OVERDUE, TODAY, SOON) for _, state in reminded):
        return lines
    # nothing due among the entries shown: with a filter, say so of these entries only,
    # and what is due among the others
    elsewhere = _due_elsewhere(timeline, as_of, selection) if filtered else ""
    if not selection:
        if elsewhere:
            lines.append((Span(f"{OVERDUE_SIGN} {elsewhere} ('timeline remind' lists it)",
                               SOON),))
        return lines
    nothing = "✓ nothing due among these entries" if filtered else "✓ nothing due"
    later = sorted((pair for pair in reminded if pair[1].urgency == LATER),
                   key=lambda pair: (pair[1].days_left, pair[0].entry.id))
    if elsewhere:
        lines += _hanging([Span(f"{nothing}; ", "banner.ok")], [Span(elsewhere, SOON)], width)
    elif later:
        item, state = later[0]
        lines += _hanging(
            [Span(f"{nothing}; next deadline: ", "banner.ok")],
            [Span(clean(item.entry.title), "title"), *_story_label(item, several),
             Span(f" ({day_label(item.due_day)}, {countdown(state.days_left)})", LATER)],
            width,
        )
    else:
        lines.append((Span(f"{nothing}; no open deadlines", "banner.ok"),))
    return lines


def _story_label(item: Effective, several: bool) -> list[Span]:
    """` [story]` after a title when several stories are shown (the list's label)."""
    return [Span(f" [{clean(item.entry.story)}]", "muted")] if several else []


def _due_elsewhere(timeline: Timeline, as_of: AsOf, selection: Sequence[Effective]) -> str:
    """`1 deadline overdue, 2 due soon are not among them`: what needs attention among the
    entries a filter left out; "" when nothing does."""
    chosen = {id(item.entry) for item in selection}
    counts: Counter[str] = Counter()
    for entry in timeline.entries:
        if entry.reminded and id(entry) not in chosen and is_known(entry, as_of):
            state = standing(effective(entry, as_of, timeline), as_of)
            if state is not None and state.urgency in (OVERDUE, TODAY, SOON):
                counts[state.urgency] += 1
    parts = [f"{counts[urgency]} {label}" for urgency, label in (
        (OVERDUE, "overdue"), (TODAY, "due today"), (SOON, "due soon")) if counts[urgency]]
    if not parts:
        return ""
    total = sum(counts.values())
    head, _, rest = parts[0].partition(" ")
    parts[0] = f"{head} {'deadline' if head == '1' else 'deadlines'} {rest}"
    return f"{', '.join(parts)} {'is' if total == 1 else 'are'} not among them"


def _hanging(head: list[Span], body: list[Span], width: int) -> list[Line]:
    """`head` then `body`, wrapped, continuation lines indented by two."""
    return _indent_rest(wrap_spans([*head, *body], width - 2))


def _indent_rest(rows: list[list[Span]]) -> list[Line]:
    return [tuple(row) if index == 0 else (Span("  "), *row) for index, row in enumerate(rows)]


#: The widest the date column gets; a longer date (a span across years) wraps in it.
DATE_COLUMN_MAX = 26
_TIME = re.compile(r" (?=\d{1,2}:\d{2})")


def date_rows(label: str, width: int = DATE_COLUMN_MAX) -> list[str]:
    """A date label as the rows of the date column: a time on a row of its own (so that one
    timed entry does not widen the column for all), anything wider wrapped at spaces."""
    parts = _TIME.split(label, maxsplit=1)
    rows: list[str] = []
    for part in parts:
        if cell_width(part) <= width:
            rows.append(part)
        else:
            rows += ["".join(span.text for span in row) for row in wrap_spans([Span(part)], width)]
    return rows


def _date_column(items: Sequence[Effective]) -> int:
    """The width of the date column: its widest row (10 to `DATE_COLUMN_MAX` cells)."""
    widest = max((cell_width(row) for item in items for row in date_rows(human_date(item.date))),
                 default=10)
    return min(max(widest, 10), DATE_COLUMN_MAX)


def _timeline_frame(
    as_of: AsOf, items: Sequence[Effective], width: int
) -> Iterable[tuple[str, Line | Effective]]:
    """The skeleton both layouts share: year rules, month headings, the TODAY rule,
    and the entries between them, as ("line", Line) and ("entry", Effective) events."""
    year: int | None = None
    group: str | None = None
    today_done = False
    for item in items:
        if not today_done and item.date.first_day >= as_of.day:
            yield "line", ()
            yield "line", _rule(f"TODAY · {as_of_label(as_of)}", width, "rule.today", "━")
            today_done = True
            group = None  # repeat the month heading below the rule
        key, heading = group_label(item.date)
        if item.date.first_day.year != year:
            year = item.date.first_day.year
            yield "line", ()
            yield "line", _rule(str(year), width, "year")
            group = None
        if key != group:
            group = key
            yield "line", (Span(" " + heading, "month"),)
        yield "entry", item
    if not today_done:
        yield "line", ()
        yield "line", _rule(f"TODAY · {as_of_label(as_of)}", width, "rule.today", "━")


def list_lines(
    as_of: AsOf,
    items: Sequence[Effective],
    width: int,
    notes: Footnotes | None,
    compact: bool = False,
    markers: dict[str, str] | None = None,
) -> list[Line]:
    """One entry after another under year and month headings, with the TODAY rule."""
    date_width = _date_column(items)
    lines: list[Line] = []
    for _kind, value in _timeline_frame(as_of, items, width):
        if isinstance(value, Effective):
            lines += entry_lines(value, as_of, human_date(value.date), date_width, width, notes,
                                 compact, markers)
        else:
            lines.append(value)
    return lines


def _title_spans(item: Effective, past: bool, notes: Footnotes | None) -> list[Span]:
    entry = item.entry
    spans = [Span(clean(entry.title), "title.past" if past else "title")]
    if entry.confidence != "confirmed":
        spans.append(Span(f" ({clean(entry.confidence)})", "confidence"))
    if notes is not None and len(notes.timeline.files) > 1:
        spans.append(Span(f" [{entry.story}]", "muted"))  # which story, when several
    if notes is not None:
        spans += notes.refs(entry.sources, entry.story)
    return spans


def _title_rows(
    spans: list[Span], entry_id: str, width: int, form: str = "{}"
) -> list[list[Span]]:
    """The title wrapped to `width`, then the entry's id (dim) two spaces after it, written
    in `form` (`remind` keeps its `[id]`): the name `change ID` and the other commands
    about one entry take."""
    rows = wrap_spans(spans, width)
    ident = Span(form.format(clean(entry_id)), "id")
    if line_width(rows[-1]) + 2 + cell_width(ident.text) <= width:
        rows[-1] += [Span("  "), ident]
    else:
        rows += wrap_spans([ident], width)  # cut only when wider than a whole row (a lane)
    return rows


def entry_lines(
    item: Effective,
    as_of: AsOf,
    date_text: str,
    date_width: int,
    width: int,
    notes: Footnotes | None,
    compact: bool = False,
    markers: dict[str, str] | None = None,
) -> list[Line]:
    """An entry: date, marker, title, id and countdown; then actors and tags, summary,
    history, disputed claims and consequence, indented under the title."""
    entry = item.entry
    past = item.date.last_day < as_of.day
    indent = 2 + date_width + 2 + 2
    text_width = max(width - indent, 20)
    right = badge(item, as_of)
    right_width = cell_width(right.text) + 2 if right is not None else 0
    title = _title_spans(item, past, notes)
    body: list[Sequence[Span]] = list(_title_rows(title, entry.id, text_width - right_width))
    if not compact:
        body += _details(item, past, notes, text_width)
    dates = date_rows(date_text, date_width)
    date_style = "date.past" if past else "date"
    lines: list[Line] = []
    for index in range(max(len(body), len(dates))):
        label = dates[index] if index < len(dates) else ""
        line = [Span("  "), Span(pad(label, date_width), date_style if label else ""),
                Span("  ")]
        line += [marker(entry.kind, markers), Span(" ")] if index == 0 else [Span("  ")]
        line += body[index] if index < len(body) else []
        if index == 0 and right is not None:
            line += [Span(" " * max(2, width - line_width(line) - cell_width(right.text))), right]
        lines.append(tuple(line))
    return lines


def _details(
    item: Effective, past: bool, notes: Footnotes | None, text_width: int
) -> list[Sequence[Span]]:
    """Actors and tags, summary, history, disputed claims and consequence, as rows."""
    entry = item.entry
    rows: list[Sequence[Span]] = []
    meta: list[Span] = []
    if entry.actors:
        meta.append(Span(" · ".join(clean(actor) for actor in entry.actors), "actor"))
    if entry.tags:
        meta += [Span(" ".join(f"#{clean(tag)}" for tag in entry.tags), "tag")]
    if meta:
        rows += _wrap_parts(meta, text_width)
    if entry.summary:
        style = "summary.past" if past else "summary"
        rows += wrap_spans([Span(clean(entry.summary), style)], text_width)
    for spans in [*history_spans(item, notes), *dispute_spans(item, notes)]:
        rows += _indent_rest(wrap_spans(spans, text_width - 2))
    if entry.consequence:
        spans = [Span("if it passes: ", "consequence"), Span(clean(entry.consequence))]
        rows += _indent_rest(wrap_spans(spans, text_width - 2))
    return rows


def _shorten_pair(before: str, after: str) -> str:
    """`Aug 10, 2025` → `Nov 10, 2025` reads `Aug 10 → Nov 10, 2025`."""
    for separator in (", ", " "):
        tail = after.rpartition(separator)[2]
        if tail.isdigit() and before.endswith(separator + tail) and not after.startswith(tail):
            return f"{before[: -len(separator + tail)]} → {after}"
    return f"{before} → {after}"


def _announced_label(move: presentation.Move, year: int) -> str:
    text = clean(move.announced)
    suffix = f", {year}"
    return text[: -len(suffix)] if text.endswith(suffix) else text


def history_spans(item: Effective, notes: Footnotes | None) -> list[list[Span]]:
    """One line per change known at T: `Aug 10 → Nov 10, 2025: Extended … (announced Aug 11)`."""
    return [_move_spans(move, notes, item.entry.story) for move in presentation.history(item)]


def _move_spans(move: presentation.Move, notes: Footnotes | None, story: str) -> list[Span]:
    change = move.change
    parts: list[str] = []
    if move.after is not None:
        parts.append(_shorten_pair(human_date(move.before), human_date(move.after)))
    if change.status is not None:
        parts.append(clean(change.status))
    head = ": ".join(parts)
    spans = [Span("↳ ", "history")]
    if head:
        spans.append(Span(head + (": " if change.note else " "), "history"))
    if change.note:
        spans.append(Span(clean(change.note) + " ", "history"))
    spans.append(Span(f"(announced {_announced_label(move, move.before.first_day.year)})",
                      "muted"))
    if notes is not None:
        spans += notes.refs(change.sources, story)
    return spans


def dispute_spans(item: Effective, notes: Footnotes | None) -> list[list[Span]]:
    """The readings that give another date than the effective one (`presentation.disputed`)."""
    result = []
    for reading in presentation.disputed(item):
        claim = reading.claim
        spans = [Span(f"⚠ disputed: {clean(reading.label)} according to", "claim")]
        refs = notes.refs(claim.sources, item.entry.story) if notes is not None else []
        spans += refs or [Span(" another source", "claim")]
        if claim.note:
            spans.append(Span(f" ({clean(claim.note)})", "muted"))
        result.append(spans)
    return result


def legend_lines(
    items: Sequence[Effective], width: int, markers: dict[str, str] | None = None
) -> list[Line]:
    """Each kind shown (once, whatever its case) with its marker."""
    markers = markers or kind_markers(item.entry.kind for item in items)
    written: dict[str, str] = {}  # each kind as first written among the entries shown
    for item in items:
        written.setdefault(item.entry.kind.lower(), item.entry.kind)
    spans: list[Span] = []
    for kind in sorted(written, key=lambda kind: (kind not in KIND_MARKERS, kind)):
        shown = kind if kind in KIND_MARKERS else written[kind]
        spans += [marker(kind, markers), Span(clean(shown), "muted")]
    return [tuple(row) for row in _pairs_wrapped(spans, width)]


def _pairs_wrapped(spans: list[Span], width: int) -> list[list[Span]]:
    """Marker-and-name pairs, two spaces apart, never split across lines."""
    rows: list[list[Span]] = [[]]
    used = 0
    for index in range(0, len(spans), 2):
        pair = [spans[index], Span(" "), spans[index + 1]]
        size = line_width(pair)
        if rows[-1] and used + 3 + size > width:
            rows.append([])
            used = 0
        if rows[-1]:
            rows[-1].append(Span("   "))
            used += 3
        rows[-1] += pair
        used += size
    return rows


# ------------------------------------------------------------------------- lanes

JOINT, NOBODY, OTHERS = "joint", "unattributed", "others"
_MIN_LANE = 16


def lanes_of(items: Sequence[Effective], room: int) -> tuple[list[str], dict[str, str]]:
    """The lanes (single actors by how often they act, then `joint`, then entries without
    actors) that fit in `room` cells, and each entry's lane."""
    solo = Counter(item.entry.actors[0] for item in items if len(item.entry.actors) == 1)
    first_seen: dict[str, int] = {}
    for index, item in enumerate(items):
        for actor in item.entry.actors:
            first_seen.setdefault(actor, index)
    actors = sorted(solo, key=lambda actor: (-solo[actor], first_seen[actor]))
    extra = [name for name, present in (
        (JOINT, any(len(item.entry.actors) > 1 for item in items)),
        (NOBODY, any(not item.entry.actors for item in items)),
    ) if present]
    fit = max(1, (room + 3) // (_MIN_LANE + 3))
    if len(actors) + len(extra) > fit:
        keep = max(0, fit - len(extra) - 1)
        actors, extra = actors[:keep], [*extra, OTHERS]
    lanes = [*actors, *extra]
    assignment = {}
    for item in items:
        who = item.entry.actors
        lane = who[0] if len(who) == 1 else JOINT if who else NOBODY
        assignment[item.entry.key] = lane if lane in lanes else OTHERS
    return lanes, assignment


def lane_lines(
    as_of: AsOf,
    items: Sequence[Effective],
    width: int,
    notes: Footnotes | None,
    markers: dict[str, str] | None = None,
) -> list[Line]:
    """Newspaper layout: one column per actor (US │ CN │ joint); entries of the same date
    side by side in one row."""
    date_width = _date_column(items)
    room = width - 2 - date_width - 2
    lanes, assignment = lanes_of(items, room)
    lane_width = max(8, (room - 3 * (len(lanes) - 1)) // len(lanes))
    head: list[Span] = [Span(" " * (2 + date_width + 2))]
    for index, lane in enumerate(lanes):
        if index:
            head.append(Span(" │ ", "muted"))
        label = clean(lane)[:lane_width]
        head.append(Span(label, "lane"))
        if index < len(lanes) - 1:
            head.append(Span(" " * (lane_width - cell_width(label))))
    lines: list[Line] = [tuple(head)]
    row: list[Effective] = []
    layout = _Lanes(date_width, lanes, lane_width, assignment, notes, markers)

    def flush() -> None:
        if row:
            lines.extend(_lane_row(row, as_of, layout))
            row.clear()

    for _kind, value in _timeline_frame(as_of, items, width):
        if isinstance(value, Effective):
            if row and human_date(row[0].date) != human_date(value.date):
                flush()
            row.append(value)
        else:
            flush()
            lines.append(value)
    flush()
    return lines


@dataclass(frozen=True, slots=True)
class _Lanes:
    """The columns of `show --by actor`: one lane per actor beside the date."""

    date_width: int
    lanes: list[str]
    lane_width: int
    assignment: dict[str, str]
    notes: Footnotes | None
    markers: dict[str, str] | None


def _lane_row(row: list[Effective], as_of: AsOf, layout: _Lanes) -> list[Line]:
    cells: dict[str, list[list[Span]]] = {lane: [] for lane in layout.lanes}
    for item in row:
        past = item.date.last_day < as_of.day
        spans = [marker(item.entry.kind, layout.markers), Span(" "),
                 *_title_spans(item, past, layout.notes)]
        cell = cells[layout.assignment[item.entry.key]]
        rows = _title_rows(spans, item.entry.id, layout.lane_width - 2)
        cell += [list(row) for row in _indent_rest(rows)]
        right = badge(item, as_of)
        if right is not None:
            cell.append([Span("  "), right])
    first = row[0]
    dates = date_rows(human_date(first.date), layout.date_width)
    height = max(len(dates), *(len(cell) for cell in cells.values()))
    past = first.date.last_day < as_of.day
    lines: list[Line] = []
    for index in range(height):
        date_text = dates[index] if index < len(dates) else ""
        date_span = Span(pad(date_text, layout.date_width), "date.past" if past else "date")
        line: list[Span] = [Span("  "), date_span, Span("  ")]
        for number, lane in enumerate(layout.lanes):
            if number:
                line.append(Span(" │ ", "muted"))
            cell = cells[lane]
            content = cell[index] if index < len(cell) else []
            line += content
            if number < len(layout.lanes) - 1:
                line.append(Span(" " * max(0, layout.lane_width - line_width(content))))
        lines.append(tuple(line))
    return lines


# ----------------------------------------------------------------------- remind


#: Below this many cells beside the columns, `remind` puts each title on its own row.
REMIND_TITLE_MIN = 24


def remind_lines(
    as_of: AsOf, reminders: Sequence[Reminder], width: int = 80, *, stories: bool = False
) -> list[Line]:
    """`remind` for people and cron: a heading, then one aligned line per reminder, its
    title (and id) wrapped under the title column. Nothing at all when nothing is due.
    `stories`: several stories are loaded, so each entry is named `story:id`."""
    if not reminders:
        return []
    counts = Counter(reminder.state for reminder in reminders)
    summary = ", ".join(f"{counts[state]} {label}" for state, label in (
        (OVERDUE, "overdue"), (TODAY, "due today"), (UPCOMING, "upcoming")) if counts[state])
    lines: list[Line] = [(Span(f"As of {as_of_label(as_of)}: {summary}", "banner.title"),)]
    rows = []
    for reminder in reminders:
        item = reminder.effective
        when = "due today" if reminder.state == TODAY else countdown(reminder.days_left)
        if reminder.window is not None:
            when += f" (within {reminder.window.text})"
        date_text = human_date(item.date)
        if not item.date.span and reminder.due_day != item.date.first_day:
            date_text += f" (earliest reading {day_label(reminder.due_day)})"
        rows.append((reminder.state, when, date_text, reminder))
    state_width = max(len(row[0]) for row in rows)
    when_width = max(cell_width(row[1]) for row in rows)
    date_width = max(cell_width(text) for row in rows for text in date_rows(row[2]))
    date_column = 2 + state_width + 2 + when_width + 2
    indent = date_column + date_width + 2
    beside = width - indent >= REMIND_TITLE_MIN
    if not beside:
        indent = 4  # each title on rows of its own, under the state
    for state, when, date_text, reminder in rows:
        title = [Span(clean(reminder.entry.title), "title")]
        name = reminder.entry.key if stories else reminder.entry.id
        titles = _title_rows(title, name, max(width - indent, REMIND_TITLE_MIN), "[{}]")
        dates = date_rows(date_text)
        first = [
            Span("  "),
            Span(state.upper(), f"state.{state}"),
            Span(" " * (state_width - len(state) + 2)),
            Span(when, f"state.{state}"),
            Span(" " * (when_width - cell_width(when))),  # unstyled: no red bar past the text
        ]
        if not beside:
            lines.append((*first, Span("  "), Span(" ".join(dates), "date")))
            lines += [(Span(" " * indent), *row) for row in titles]
            continue
        for index in range(max(len(dates), len(titles))):
            left = first if index == 0 else [Span(" " * (date_column - 2))]
            label = dates[index] if index < len(dates) else ""
            row = titles[index] if index < len(titles) else []
            lines.append((*left, Span("  "), Span(pad(label, date_width), "date"), Span("  "),
                          *row))
    return lines
