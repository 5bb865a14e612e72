"""Fast line scans of a timeline file's text, without parsing YAML.

Shared by `editing` (where to insert lines) and `loader` (split the `events:` block into
one chunk per entry, so that only the entries that changed are parsed again). A scan only
ever says "this is the usual shape" or "I do not know": whatever it does not understand
is left to the real YAML parser.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

EVENTS_KEY = re.compile(r"events[ \t]*:(?P<rest>[ \t].*)?$")
_EVENTS_LINE = re.compile(r"(?m)^events[ \t]*:(?P<rest>[ \t][^\r\n]*)?\r?$")
_LONE_CR = re.compile(r"\r(?!\n)")
# patterns over the block start with a line break, not `^`: the regex engine then tries
# only line starts, several times faster on a 100,000-entry file
_CONTENT_LINE = re.compile(r"\n[ \t]*[^ \t#\r\n]")
_NODE_END = frozenset(" \t\r\n")


def events_key(lines: Sequence[str]) -> tuple[int, str] | None:
    """The top-level `events:` line and what follows the colon on it."""
    for number, line in enumerate(lines):
        if line.startswith("events"):
            match = EVENTS_KEY.match(line.rstrip("\r\n"))
            if match:
                rest = (match.group("rest") or "").strip()
                return number, "" if rest.startswith("#") else rest
    return None


@dataclass(frozen=True, slots=True)
class Split:
    """A file's text as a header and one chunk per top-level item of `events:`.

    `header` is the text with every line of the events block after `events:` emptied (so
    it parses with the same line numbers, `events:` on line `key_line` holding nothing);
    chunk `i` is
    `text[starts[i]:starts[i + 1]]` (the last one ends at `end`) and begins on 1-based
    line `lines[i]`, on its dash.
    """

    header: str
    key_line: int
    starts: tuple[int, ...]
    lines: tuple[int, ...]
    end: int

    def chunk(self, text: str, index: int) -> str:
        stop = self.starts[index + 1] if index + 1 < len(self.starts) else self.end
        return text[self.starts[index] : stop]


def split_events(text: str) -> Split | None:
    """Split `text` at its top-level event items, or None when the text is not plain enough.

    None for: no `events:` key, a value on its line (`events: [...]`, a tag, an anchor),
    no items, anchors or directives anywhere, a document marker after `events:`, line
    breaks other than \\n and \\r\\n (libyaml also breaks lines at NEL, LS and PS), tabs
    in indentation in the block, or a line in the block that is neither an item, deeper
    than the items, a comment nor blank.
    """
    key = _EVENTS_LINE.search(text)
    if key is None or _unusual(text) or _document_marker(text, key.start()):
        return None
    rest = (key.group("rest") or "").strip()
    if rest and not rest.startswith("#"):
        return None
    newline = text.find("\n", key.end())  # the one ending the `events:` line
    if newline < 0:
        return None
    first = _CONTENT_LINE.search(text, newline)
    if first is None:
        return None
    line_start = first.start() + 1
    dash = len(text) - len(text[line_start:].lstrip(" ")) - line_start
    if not re.compile(rf" {{{dash}}}-(?=[ \t\r\n]|\Z)").match(text, line_start):
        return None
    notable = _notable_line(dash).search(text, newline)
    end = len(text)
    if notable is not None:
        if notable.group("end") is None:
            return None  # a tab, a line less indented than the items, or an odd one
        end = notable.start() + 1
    item = re.compile(rf"\n {{{dash}}}-(?=[ \t\r\n]|\Z)")
    starts = [match.start() + 1 for match in item.finditer(text, newline, end)]
    key_line = text.count("\n", 0, key.start()) + 1
    first_line = key_line + text.count("\n", key.start(), starts[0])
    steps = map(text.count, itertools.repeat("\n"), starts, starts[1:])
    lines = tuple(itertools.accumulate(steps, initial=first_line))
    header = text[: newline + 1] + "\n" * text.count("\n", newline + 1, end) + text[end:]
    return Split(header, key_line, tuple(starts), lines, end)


def _notable_line(dash: int) -> re.Pattern[str]:
    """The first line after `events:` that ends the block (group `end`: at column 0, not
    an item) or that a scan cannot follow (a tab in the indentation, a line less
    indented than the items, or one at their column that is not an item)."""
    if dash == 0:
        return re.compile(r"\n(?:(?P<end>(?!-(?:[ \t\r\n]|\Z))[^ \t#\r\n])| *\t)")
    return re.compile(
        rf"\n(?:(?P<end>[^ \t#\r\n])| {{0,{dash - 1}}}[^ #\r\n]| *\t"
        rf"| {{{dash}}}(?:-(?![ \t\r\n])|[^-# \r\n]))"
    )


def _unusual(text: str) -> bool:
    """Line breaks libyaml reads differently from `str.count("\\n")`, directives, anchors."""
    if "\r" in text and _LONE_CR.search(text):
        return True
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        return True
    if text.startswith("%") or "\n%" in text:
        return True
    at = text.find("&")
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + 1 : at + 2]
        if before in " \t\r\n[{," and after and after not in " \t\r\n]},":
            return True  # might be an anchor: an alias elsewhere could refer to it
        at = text.find("&", at + 1)
    return False


def _document_marker(text: str, start: int) -> bool:
    """A `---` or `...` line at or after `start` (a second document, or the end of one)."""
    for marker in ("---", "..."):
        at = text.find(marker, start)
        while at >= 0:
            after = text[at + 3 : at + 4]
            if (at == 0 or text[at - 1] == "\n") and (not after or after in _NODE_END):
                return True
            at = text.find(marker, at + 3)
    return False
