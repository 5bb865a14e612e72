"""Styled text for a terminal: the `Line`s of `Span`s that commands lay out, and how they
are printed.

A `Span` carries a semantic style name ("overdue", "soon", "title"...), never a colour.
`to_plain` joins spans into text (no rich, no escape codes: the fast path of `remind` and
of piped output); `to_rich` makes rich `Text` of them, with the colours of `THEME` and
OSC 8 links on real terminals. One layout means the plain goldens test exactly what a
terminal shows, minus colour.

Every string from a file goes through `clean` first, so control characters (ESC, BEL,
CR, C1, bidi overrides) are shown as `\\x1b`-style text, never obeyed. Markup such as
`[red]` is never parsed: rich `Text` is built from plain strings, not from markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from . import presentation
from .schedule import LATER, OVERDUE, SOON, TODAY

if TYPE_CHECKING:
    from rich.console import RenderableType

    from .dates import Interval
    from .schedule import AsOf


# --------------------------------------------------------------------------- text


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with a semantic style (see `THEME`) and, for sources, a link."""

    text: str
    style: str = ""
    link: str | None = None


Line = tuple[Span, ...]

# C0 and C1 controls, DEL, and the invisible characters that reorder or hide text.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u206f\ufeff]"
)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """Text from a file, safe for a terminal: tabs and newlines become spaces; every other
    control or invisible formatting character is shown as an escape (`\\x1b`), not obeyed."""
    text = text.replace("\t", " ").replace("\n", " ")
    return _UNSAFE.sub(_escape_char, text)


def cell_width(text: str) -> int:
    """Terminal cells taken by `text`: wide (East Asian) characters take two, marks none."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


_PIECES = re.compile(r"\S+|\s+")


def _split_word(word: list[Span], width: int) -> list[list[Span]]:
    """A word wider than a line, cut into line-wide pieces (styles kept)."""
    pieces: list[list[Span]] = [[]]
    used = 0
    for span in word:
        current = ""
        for char in span.text:
            size = cell_width(char)
            if used + size > width and (current or pieces[-1]):
                if current:
                    pieces[-1].append(Span(current, span.style, span.link))
                pieces.append([])
                current, used = "", 0
            current += char
            used += size
        if current:
            pieces[-1].append(Span(current, span.style, span.link))
    return pieces


def wrap_spans(spans: Iterable[Span], width: int) -> list[list[Span]]:
    """Word-wrap styled text to `width` cells.

    Whitespace separates words (any run of it becomes one space); text of adjacent spans
    with no whitespace between them is one word (`title` + `;`). Words longer than a line
    are cut, except URLs: one gets a line of its own and overflows it, so that it can be
    copied whole.
    """
    width = max(width, 1)
    words: list[list[Span]] = []
    glued = False
    for span in spans:
        for match in _PIECES.finditer(span.text):
            piece = match.group()
            if piece.isspace():
                glued = False
                continue
            if glued:
                words[-1].append(Span(piece, span.style, span.link))
            else:
                words.append([Span(piece, span.style, span.link)])
            glued = True
    lines: list[list[Span]] = [[]]
    used = 0
    for word in words:
        size = line_width(word)
        cut = size > width and not _looks_like_url("".join(span.text for span in word))
        parts = _split_word(word, width) if cut else [word]
        for part in parts:
            size = line_width(part)
            if lines[-1] and used + 1 + size > width:
                lines.append([])
                used = 0
            if lines[-1]:
                lines[-1].append(Span(" "))
                used += 1
            lines[-1] += part
            used += size
    return lines


def _looks_like_url(word: str) -> bool:
    return "://" in word or word.startswith(("mailto:", "www."))


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_width(text))


def line_width(spans: Iterable[Span]) -> int:
    return sum(cell_width(span.text) for span in spans)


def human_date(interval: Interval) -> str:
    """`presentation.human` made safe for a terminal: `May 12, 2025`, `~Jun 2025`."""
    return clean(presentation.human(interval))


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def day_label(day: date, weekday: bool = False) -> str:
    """`Aug 10, 2025`, or `Sun Aug 10, 2025` with the weekday."""
    label = presentation.day_label(day)
    return f"{_WEEKDAYS[day.weekday()]} {label}" if weekday else label


def as_of_label(as_of: AsOf) -> str:
    label = day_label(as_of.day, weekday=True)
    if "T" in as_of.text:  # a moment, not a day: show the time too
        label += " " + as_of.text.split("T", 1)[1][:5]
    return label


def plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


# ------------------------------------------------------------------------- styles

#: Semantic style → rich style. Plain output ignores styles altogether. Colour keeps one
#: meaning: red is overdue, amber (#af5f00: readable on dark and light backgrounds, plain
#: yellow on 16-colour terminals) is due soon, green is later or met; kind markers and the
#: other decorations use none of those.
AMBER = "#af5f00"
THEME: dict[str, str] = {
    "banner.title": "bold",
    "banner": "",
    "banner.ok": "green",
    "muted": "dim",
    "id": "dim",
    "year": "bold blue",
    "month": "bold",
    "rule": "blue dim",
    "rule.today": "bold magenta",  # not "today": that is TODAY, the due-today badge
    "date": "cyan",
    "date.past": "dim",
    "title": "bold",
    "title.past": "",
    "summary": "",
    "summary.past": "dim",
    "actor": "cyan",
    "tag": "dim",
    "confidence": "italic",
    "ref": "dim",
    "history": "italic",
    "claim": "magenta",
    "consequence": "italic",
    OVERDUE: "bold red",
    TODAY: "bold white on red",
    SOON: f"bold {AMBER}",
    LATER: "green",
    "met": "green",
    "missed": "red",
    "cancelled": "dim strike",
    "superseded": "dim strike",
    "state.overdue": "bold red",
    "state.today": "bold white on red",
    "state.upcoming": f"bold {AMBER}",
    "source": "",
    "link": "underline blue",
    "lane": "bold underline",
    "marker": "",
    "marker.deadline": "bold",
    "marker.agreement": "blue",
    "marker.measure": "blue",
    "marker.concession": "cyan",
    "marker.statement": "magenta",
    "marker.call": "cyan",
    "marker.meeting": "cyan",
    "marker.notice": "blue",
    "marker.report": "blue",
}

# ------------------------------------------------------------------------ output


def to_plain(lines: Iterable[Line]) -> str:
    """The lines as text: no colour, no escape codes, trailing spaces trimmed."""
    return "".join("".join(span.text for span in line).rstrip() + "\n" for line in lines)


def to_rich(lines: Iterable[Line]) -> RenderableType:
    """The lines as rich `Text` with the colours of `THEME` and the links kept."""
    from rich.console import Group
    from rich.style import Style
    from rich.text import Text

    cache: dict[tuple[str, str | None], Style] = {}

    def style_of(name: str, link: str | None) -> Style:
        key = (name, link)
        if key not in cache:
            style = Style.parse(THEME.get(name, "")) if name else Style()
            cache[key] = style + Style(link=link) if link else style
        return cache[key]

    texts = []
    for line in lines:
        # laid out to the width already: a longer line holds a URL, which the terminal
        # may wrap but rich must not cut (a copied URL would break)
        text = Text(no_wrap=True, overflow="ignore")
        for span in _merged(line):
            text.append(span.text, style_of(span.style, span.link))
        text.rstrip()
        texts.append(text)
    return Group(*texts)



def _merged(line: Line) -> list[Span]:
    """Runs of one style joined (words and the plain spaces between them): fewer escapes."""
    result: list[Span] = []
    for span in line:
        if result:
            last = result[-1]
            if (span.style, span.link) == (last.style, last.link):
                result[-1] = Span(last.text + span.text, last.style, last.link)
                continue
            if len(result) > 1 and not last.style and not last.link and last.text.isspace():
                before = result[-2]
                if (span.style, span.link) == (before.style, before.link):
                    result[-2:] = [Span(before.text + last.text + span.text, span.style, span.link)]
                    continue
        result.append(span)
    return result
