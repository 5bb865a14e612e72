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
# what a line scan cannot follow: line breaks other than \n and \r\n (libyaml also breaks
# lines at NEL, LS and PS), directives, and anchors (an alias may reach across entries)
_UNUSUAL = re.compile(r"\r(?!\n)|[\x85\u2028\u2029]|^%|(?<![^\s\[{,])&(?![\s\]},]|\Z)", re.M)
_DOCUMENT_MARKER = re.compile(r"(?m)^(?:---|\.\.\.)(?=[ \t\r\n]|\Z)")
_CONTENT_LINE = re.compile(r"(?m)^[ \t]*[^ \t#\r\n]")
_TAB_INDENT = re.compile(r"(?m)^ *\t")


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
    no items, anchors, directives or a document marker after `events:`, unusual line
    breaks, tabs in indentation, or a line in the block that is neither an item, deeper
    than the items, a comment nor blank.
    """
    key = _EVENTS_LINE.search(text)
    if key is None or _UNUSUAL.search(text):
        return None
    rest = (key.group("rest") or "").strip()
    if rest and not rest.startswith("#"):
        return None
    if _DOCUMENT_MARKER.search(text, key.start()):
        return None
    region = text.find("\n", key.end())
    if region < 0:
        return None
    region += 1
    first = _CONTENT_LINE.search(text, region)
    if first is None:
        return None
    line_start = first.start()
    dash = len(text) - len(text[line_start:].lstrip(" ")) - line_start
    if not re.compile(rf"(?m)^ {{{dash}}}-(?=[ \t\r\n]|\Z)").match(text, line_start):
        return None
    if dash:
        ending = re.compile(r"(?m)^[^ \t#\r\n]")
    else:
        ending = re.compile(r"(?m)^(?!-(?:[ \t\r\n]|\Z))[^ \t#\r\n]")
    found_end = ending.search(text, region)
    end = found_end.start() if found_end else len(text)
    if _TAB_INDENT.search(text, region, end):
        return None
    if dash and re.compile(rf"(?m)^ {{0,{dash - 1}}}[^ #\r\n]").search(text, region, end):
        return None  # a line less indented than the items, inside the block
    odd = re.compile(rf"(?m)^ {{{dash}}}(?:-(?![ \t\r\n])|[^-# \r\n])")
    if odd.search(text, region, end):
        return None  # at the items' column, but not an item nor a comment
    item = re.compile(rf"(?m)^ {{{dash}}}-(?=[ \t\r\n]|\Z)")
    starts = tuple(match.start() for match in item.finditer(text, region, end))
    line = text.count("\n", 0, starts[0]) + 1
    lines = [line]
    for previous, start in itertools.pairwise(starts):
        line += text.count("\n", previous, start)
        lines.append(line)
    header = text[:region] + "\n" * text.count("\n", region, end) + text[end:]
    key_line = text.count("\n", 0, key.start()) + 1
    return Split(header, key_line, starts, tuple(lines), end)
