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
_EVENTS_LINE = re.compile(rb"(?m)^events[ \t]*:(?P<rest>[ \t][^\r\n]*)?\r?$")
_LONE_CR = re.compile(rb"\r(?!\n)")
# patterns over the block start with a line break, not `^`: the regex engine then tries
# only line starts, several times faster on a 100,000-entry file
_CONTENT_LINE = re.compile(rb"\n[ \t]*[^ \t#\r\n]")
_NODE_END = b" \t\r\n"
# what libyaml also reads as line breaks: NEL, LS and PS, in UTF-8
_OTHER_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


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
    """A file as a header and one chunk per top-level item of `events:`.

    The scan works on the file's UTF-8 bytes (a text of 100,000 entries is twice as big
    as a `str` once it holds one character beyond Latin-1). `header` is the text with
    every line of the events block after `events:` emptied (so it parses with the same
    line numbers, `events:` on line `key_line` holding nothing); chunk `i` is
    `data[starts[i]:starts[i + 1]]` (the last one ends at `end`) and begins on 1-based
    line `lines[i]`, on its dash.
    """

    header: str
    key_line: int
    starts: tuple[int, ...]
    lines: tuple[int, ...]
    end: int

    def chunk(self, data: bytes, index: int) -> bytes:
        stop = self.starts[index + 1] if index + 1 < len(self.starts) else self.end
        return data[self.starts[index] : stop]


def split_events(data: bytes) -> Split | None:
    """Split UTF-8 `data` (no byte order mark) at its top-level event items, or None when
    the text is not plain enough.

    None for: no `events:` key, a value on its line (`events: [...]`, a tag, an anchor),
    no items, anchors or directives anywhere, a document marker after `events:`, line
    breaks other than \\n and \\r\\n, tabs in indentation in the block, or a line in the
    block that is neither an item, deeper than the items, a comment nor blank.
    """
    key = _EVENTS_LINE.search(data)
    if key is None or _unusual(data) or _document_marker(data, key.start()):
        return None
    rest = (key.group("rest") or b"").strip()
    if rest and not rest.startswith(b"#"):
        return None
    newline = data.find(b"\n", key.end())  # the one ending the `events:` line
    if newline < 0:
        return None
    first = _CONTENT_LINE.search(data, newline)
    if first is None:
        return None
    line_start = first.start() + 1
    indentation = data[line_start : first.end()]
    dash = len(indentation) - len(indentation.lstrip(b" "))
    if not re.compile(rb" {%d}-(?=[ \t\r\n]|\Z)" % dash).match(data, line_start):
        return None
    notable = _notable_line(dash, b"\t" in data).search(data, newline)
    end = len(data)
    if notable is not None:
        if notable.group("end") is None:
            return None  # a tab, a line less indented than the items, or an odd one
        end = notable.start() + 1
    item = re.compile(rb"\n {%d}-(?=[ \t\r\n]|\Z)" % dash)
    starts = [match.start() + 1 for match in item.finditer(data, newline, end)]
    key_line = data.count(b"\n", 0, key.start()) + 1
    first_line = key_line + data.count(b"\n", key.start(), starts[0])
    steps = map(data.count, itertools.repeat(b"\n"), starts, starts[1:])
    lines = tuple(itertools.accumulate(steps, initial=first_line))
    header = data[: newline + 1] + b"\n" * data.count(b"\n", newline + 1, end) + data[end:]
    return Split(header.decode("utf-8"), key_line, tuple(starts), lines, end)


def _notable_line(dash: int, tabs: bool = True) -> re.Pattern[bytes]:
    """The first line after `events:` that ends the block (group `end`: at column 0, not
    an item) or that a scan cannot follow (a tab in the indentation, a line less
    indented than the items, or one at their column that is not an item).

    Without `tabs` (the text has none) the pattern skips looking for them, and spaces
    are spelled out: half the time on a 100,000-entry file.
    """
    tab = rb"| *\t" if tabs else b""
    if dash == 0:
        return re.compile(rb"\n(?:(?P<end>(?!-(?:[ \t\r\n]|\Z))[^ \t#\r\n])%s)" % tab)
    shallower = b"" if dash == 1 else b" ?" if dash == 2 else b" {0,%d}" % (dash - 1)
    return re.compile(
        rb"\n(?:(?P<end>[^ \t#\r\n])|%s[^ #\r\n]%s|%s(?:-(?![ \t\r\n])|[^-# \r\n]))"
        % (shallower, tab, b" " * dash)
    )


def _unusual(data: bytes) -> bool:
    """Line breaks libyaml reads differently from counting \\n, directives, anchors."""
    if b"\r" in data and _LONE_CR.search(data):
        return True
    # each looked for only when its last byte is there at all: one byte is found by
    # `memchr`, many times faster than a sequence that begins with a common byte
    if any(other[-1:] in data and other in data for other in _OTHER_BREAKS):
        return True
    if b"%" in data and (data.startswith(b"%") or b"\n%" in data):
        return True
    at = data.find(b"&")
    while at >= 0:
        before = data[at - 1 : at] if at else b" "
        after = data[at + 1 : at + 2]
        if before in b" \t\r\n[{," and after and after not in b" \t\r\n]},":
            return True  # might be an anchor: an alias elsewhere could refer to it
        at = data.find(b"&", at + 1)
    return False


def _document_marker(data: bytes, start: int) -> bool:
    """A `---` or `...` line at or after `start` (a second document, or the end of one)."""
    for marker in (b"---", b"..."):
        at = data.find(marker, start)
        while at >= 0:
            after = data[at + 3 : at + 4]
            if (at == 0 or data[at - 1 : at] == b"\n") and (not after or after in _NODE_END):
                return True
            at = data.find(marker, at + 3)
    return False
