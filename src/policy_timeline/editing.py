"""Comment-preserving, atomic, locked changes to a timeline file.

People edit the file by hand and keep it in git, so an edit here changes text, not a
parsed tree: new entries and changes are serialised in the file's own indentation
style and *inserted* as lines; every other byte stays as it was. That is also what
keeps editing fast on big files (a full YAML round trip of a 10,000-entry file takes
seconds; a line scan takes milliseconds). What plain insertion cannot do (an entry
written as a flow mapping, `changes: [...]` in flow style, an alias whose anchor is
elsewhere) is refused with the reason and what to write instead.

Before anything is written, an edit is checked twice:

- *seam check*: the entry next to the inserted lines, and the inserted entries, are
  read back with YAML and must hold exactly what they held before / what was meant;
- *validation*: a small document (the file's top-level keys, the new or changed
  entries, and the entries their dates count from) goes through the real loader, and
  its problems are reported at the lines they will have in the real file.

Writes go to a temporary file in the same folder, are fsynced, take the old file's
permissions and replace it with `os.replace`, under an `fcntl` lock held on a lock file
beside the timeline for the whole read-modify-write. Nothing here reads the clock.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .scan import events_key as _events_key
from .timeline import Location, Problem

if TYPE_CHECKING:
    from .dates import Interval
    from .result import LoadResult
    from .schedule import AsOf
    from .timeline import Entry, Timeline

LOCK_TIMEOUT = 60.0  # seconds; a lock held longer than this is a stuck process
MAX_ID_LENGTH = 48  # derived ids are for typing: long enough to read, short enough to type
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_ID_LINE = re.compile(
    r"""[ \t]*(?:-[ \t]+)?(?:id|"id"|'id')[ \t]*:[ \t]*(?P<value>[^#\s][^#]*?)[ \t]*(?:#.*)?$"""
)
_CHANGES_KEY = re.compile(r"""(?:changes|"changes"|'changes')[ \t]*:""")
# `- {id: a, ...}`: an entry written as a flow mapping
_FLOW_ITEM = re.compile(r"[ \t]*-[ \t]+\{")
_FLOW_ID = re.compile(
    r"""[{,][ \t]*(?:id|"id"|'id')[ \t]*:[ \t]*(?P<value>"[^"\r\n]*"|'[^'\r\n]*'|[^,}\s#]+)"""
)
_ANCHOR = re.compile(r"(?m)^[^#\r\n]*?(?:^|[\s\[{,:-])&[^\s,\[\]{}]")  # `&name`
# `---` / `...`: where a YAML document begins or ends
_DOCUMENT_MARKER = re.compile(r"(?:---|\.\.\.)(?:[ \t].*)?$")
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR, _TIMESTAMP, _INT = (f"tag:yaml.org,2002:{name}" for name in ("str", "timestamp", "int"))


class EditError(Exception):
    """An edit that cannot be made; nothing was written.

    `problems` are located (`PATH:LINE:COL: error: ...`) when the edit would have made
    the file invalid; `message` says what was refused.
    """

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


# ------------------------------------------------------------------------ the text


@dataclass
class Document:
    """A timeline file as lines, each with its own line ending, and what surrounds them."""

    path: str
    lines: list[str]
    bom: str = ""
    newline: str = "\n"

    @classmethod
    def from_bytes(cls, data: bytes, path: str) -> Document:
        from .loader import _Stop, decode

        try:
            text = decode(data, path)
        except _Stop as stop:
            raise EditError("cannot edit this file", [stop.problem]) from None
        bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
        lines = _LINE.findall(text)
        first_break = re.search(r"\r\n|\r|\n", text)
        return cls(path, lines, bom, first_break.group() if first_break else "\n")

    def text(self) -> str:
        return "".join(self.lines)

    def to_bytes(self) -> bytes:
        return (self.bom + self.text()).encode("utf-8")

    def with_lines(self, lines: list[str]) -> Document:
        return Document(self.path, lines, self.bom, self.newline)


def _content(line: str) -> str:
    return line.rstrip("\r\n")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_blank(line: str) -> bool:
    return not line.strip()


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _is_dash(line: str, column: int) -> bool:
    text = _content(line)
    return (
        _indent(line) == column
        and text[column : column + 1] == "-"
        and (len(text) == column + 1 or text[column + 1] in " \t")
    )


@dataclass(frozen=True)
class Block:
    """A block sequence written under a key: where it is and how it is indented.

    `key` is the line of `key:`; items are the dash lines at `dash` column; `end` is one
    past the last line that belongs to the sequence (trailing comments that are not
    deeper than the dashes are left outside, so they stay where they are).
    """

    key: int
    key_column: int
    dash: int
    items: tuple[int, ...]
    end: int


def _block_after(lines: Sequence[str], key: int, key_column: int, limit: int) -> Block:
    """The block sequence whose key is on line `key` (its value starts on the next line)."""
    dash = -1
    items: list[int] = []
    last = key
    for number in range(key + 1, limit):
        line = lines[number]
        if _is_blank(line):
            continue
        column = _indent(line)
        if _is_comment(line):
            # a comment deeper than the items belongs to the last item (maybe a block scalar)
            if items and column > dash:
                last = number
            continue
        if dash < 0:
            if column < key_column or (column == key_column and not _is_dash(line, column)):
                break
            if not _is_dash(line, column):
                raise EditError(f"line {number + 1}: expected a list item ('- ') here")
            dash = column
        if column < dash or (column == dash and not _is_dash(line, column)):
            break
        if column == dash:
            items.append(number)
        last = number
    return Block(key, key_column, dash if dash >= 0 else key_column + 2, tuple(items), last + 1)


def _item_end(lines: Sequence[str], block: Block, index: int) -> int:
    """One past the last line of item `index` (its trailing comments and blanks excluded)."""
    stop = block.items[index + 1] if index + 1 < len(block.items) else block.end
    last = block.items[index]
    for number in range(last + 1, stop):
        line = lines[number]
        if not _is_blank(line) and (not _is_comment(line) or _indent(line) > block.dash):
            last = number
    return last + 1


@dataclass(frozen=True)
class Style:
    """How the file indents: where dashes go under a key, where keys go after a dash."""

    sequence_offset: int = 2  # dash column minus the key's column ("events:\n  - id")
    item_offset: int = 2  # key column minus dash column ("- id")
    blank_between: bool = True  # entries separated by a blank line


def detect_style(lines: Sequence[str], block: Block | None) -> Style:
    if block is None or not block.items:
        return Style()
    first = _content(lines[block.items[0]])
    after_dash = len(first) - len(first[block.dash + 1 :].lstrip(" "))
    item_offset = after_dash - block.dash if after_dash > block.dash + 1 else 2
    blank = Style.blank_between  # one entry says nothing: separate them, as the seed does
    if len(block.items) > 1:
        blank = _is_blank(lines[block.items[1] - 1]) or _is_comment(lines[block.items[1] - 1])
    return Style(block.dash - block.key_column, item_offset, blank)


_ID_KEY = re.compile(
    r"""(?m)^[ \t]*(?:-[ \t]+)?(?:id|"id"|'id')[ \t]*:[ \t]*"""
    r"(?P<value>[^#\s\r\n][^#\r\n]*?)[ \t]*(?:#[^\r\n]*)?\r?$"
)


def entry_ids(text: str) -> dict[str, int]:
    """Every `id:` value written in the text, with its 0-based line (a fast scan).

    It over-counts (any `id:` key anywhere), which is harmless where it is used: to keep
    derived ids unique and to say where an id is already taken.
    """
    found: dict[str, int] = {}
    line, position = 0, 0
    for match in _ID_KEY.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        found.setdefault(_unquote(match.group("value")), line)
    if "{" in text:  # entries written as flow mappings: `- {id: a, title: A}`
        for number, content in enumerate(text.split("\n")):
            if "{" in content:
                for match in _FLOW_ID.finditer(content):
                    value = _unquote(match.group("value"))
                    found[value] = min(found.get(value, number), number)
    return found


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            loaded = yaml.load(value, Loader=_Loader)
        except yaml.YAMLError:
            return value
        return loaded if isinstance(loaded, str) else value
    return value


_TIMEZONE_KEY = re.compile(r"(?m)^timezone[ \t]*:[ \t]*(?P<value>[^#\s][^#\r\n]*?)[ \t]*(?:#.*)?$")


def file_timezone(text: str) -> str:
    """The `timezone:` written at the top level of a file (UTC when none), by a fast scan."""
    match = _TIMEZONE_KEY.search(text)
    return _unquote(match.group("value")) if match else "UTC"


# ------------------------------------------------------------------- serialising


def _scalar(value: str) -> str:
    """One YAML scalar for `value`: plain when it reads back as the same text, else quoted."""
    if _plain_reads_back(value):
        return value
    if value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    return _double_quoted(value)


def _plain_reads_back(value: str) -> bool:
    if not value or value != value.strip() or not value.isprintable():
        return False
    if value[0] in "-?:,[]{}#&*!|>'\"%@`" or ": " in value or " #" in value or value.endswith(":"):
        return False
    try:
        node = yaml.compose(f"k: {value}\n", Loader=_Loader)
    except yaml.YAMLError:
        return False
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        return False
    scalar = node.value[0][1]
    return (
        isinstance(scalar, yaml.ScalarNode)
        and scalar.value == value
        and scalar.tag in (_STR, _TIMESTAMP, _INT)
    )


def _double_quoted(value: str) -> str:
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    out = []
    for character in value:
        if character in escapes:
            out.append(escapes[character])
        elif character.isprintable():
            out.append(character)
        elif ord(character) <= 0xFFFF:
            out.append(f"\\u{ord(character):04x}")
        else:
            out.append(f"\\U{ord(character):08x}")
    return '"' + "".join(out) + '"'


def _literal_block(value: str, indent: int) -> list[str] | None:
    """A `|-` block for multi-line text, when it would read back exactly."""
    lines = value.split("\n")
    if (
        value != value.rstrip("\n")
        or any(not line.isprintable() or line != line.rstrip() for line in lines)
        or lines[0].startswith(" ")
        or not lines[0]
    ):
        return None
    return ["|-", *((" " * indent + line) if line else "" for line in lines)]


def _flow_list(values: Sequence[str]) -> str | None:
    if all(_plain_reads_back(v) and not any(c in v for c in ",[]{}") for v in values):
        return "[" + ", ".join(values) + "]"
    return None


def serialize_mapping(
    data: Mapping[str, Any], key_column: int, style: Style, first: str
) -> list[str]:
    """Lines (without endings) of a mapping whose keys sit at `key_column`.

    `first` replaces the indentation of the first line (a dash: `"  - "`).
    """
    out: list[str] = []
    pad = " " * key_column
    for key, value in data.items():
        if value is None or value == [] or value == {}:
            continue
        head = f"{pad}{key}:"
        if isinstance(value, str):
            if "\n" in value:
                block = _literal_block(value, key_column + 2)
                if block is not None:
                    out.append(f"{head} {block[0]}")
                    out.extend(block[1:])
                    continue
            out.append(f"{head} {_scalar(value)}")
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            flow = _flow_list(value)
            if flow is not None and len(head) + len(flow) < 100:
                out.append(f"{head} {flow}")
            else:
                out.append(head)
                dash = " " * (key_column + style.sequence_offset) + "- "
                out.extend(dash + _scalar(v) for v in value)
        elif isinstance(value, list):
            out.append(head)
            dash_column = key_column + style.sequence_offset
            for item in value:
                prefix = " " * dash_column + "-" + " " * (style.item_offset - 1)
                out.extend(serialize_mapping(item, dash_column + style.item_offset, style, prefix))
        else:
            raise TypeError(f"cannot write {type(value).__name__} under '{key}'")
    if out:
        out[0] = first + out[0][key_column:]
    return out


def _item_lines(item: Mapping[str, Any], dash_column: int, style: Style, newline: str) -> list[str]:
    prefix = " " * dash_column + "-" + " " * (style.item_offset - 1)
    lines = serialize_mapping(item, dash_column + style.item_offset, style, prefix)
    return [line + newline for line in lines]


# ------------------------------------------------------------------------ ids


def slug(title: str) -> str:
    """An id from a title: `"Geneva trade truce"` → `geneva-trade-truce`."""
    spaced = "".join(c if c.isalnum() else " " for c in title)  # "Trump–Xi" is two words
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    text = ""
    for word in words:
        candidate = f"{text}-{word}" if text else word
        if len(candidate) > MAX_ID_LENGTH:
            break
        text = candidate
    return text or (words[0][:MAX_ID_LENGTH] if words else "entry")


def derive_id(title: str, taken: set[str] | Mapping[str, object]) -> str:
    """A unique id from a title: its slug, or the slug with `-2`, `-3`... when taken."""
    base = slug(title)
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


# --------------------------------------------------------------------- the edits


@dataclass
class Planned:
    """An edit worked out on the text: the new document and what to check in it."""

    document: Document
    # (first line, one past last line) in the new document of the entries to validate
    entries: list[tuple[int, int]] = field(default_factory=list)
    # ids whose entries the validation document needs (dates count from them)
    references: set[str] = field(default_factory=set)
    # entry ids that must be present after validation
    expect_ids: list[str] = field(default_factory=list)
    # (first line, one past last line) of the old document that an edit took out
    removed: tuple[int, int] | None = None
    # (first line, one past last line) in the new document of what an edit inserted
    inserted: tuple[int, int] | None = None


def _events_block(document: Document) -> tuple[Block | None, str]:
    found = _events_key(document.lines)
    if found is None:
        return None, ""
    number, rest = found
    if rest:
        return Block(number, 0, 2, (), number + 1), rest
    return _top_level_block(document.lines, number), ""


def _top_level_block(lines: Sequence[str], key: int) -> Block:
    """`_block_after` for a key at column 0, with string tests cheap enough for 100,000 lines."""
    total = len(lines)
    first = key + 1
    while first < total and (_is_blank(lines[first]) or _is_comment(lines[first])):
        first += 1
    if first == total or lines[first][:1] not in " \t-":
        return Block(key, 0, 2, (), key + 1)
    dash = _indent(lines[first])
    if not _is_dash(lines[first], dash):
        raise EditError(f"line {first + 1}: expected a list item ('- ') here")
    prefix = " " * dash + "-"
    end = total
    for number in range(first, total):
        head = lines[number][:1]
        if head and head not in " \t#\r\n" and not (dash == 0 and _is_dash(lines[number], 0)):
            end = number
            break
    items = tuple(
        number
        for number in range(first, end)
        if lines[number].startswith(prefix) and _is_dash(lines[number], dash)
    )
    last = end - 1
    while last > first and (
        _is_blank(lines[last]) or (_is_comment(lines[last]) and _indent(lines[last]) <= dash)
    ):
        last -= 1
    return Block(key, 0, dash, items, last + 1)


def _ensure_newline(lines: list[str], at: int, newline: str) -> None:
    """The line before `at` must end with a line break before lines are inserted at `at`."""
    if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
        lines[at - 1] += newline


def append_entries(document: Document, entries: Sequence[Mapping[str, Any]]) -> Planned:
    """Insert `entries` after the last entry of `events:`, in the file's own style."""
    lines = list(document.lines)
    newline = document.newline
    block, rest = _events_block(document)
    style = detect_style(lines, block)
    has_items = block is not None and bool(block.items)
    new: list[str] = []
    starts: list[int] = []
    chunks = [_item_lines(entry, style.sequence_offset, style, newline) for entry in entries]
    for index, chunk in enumerate(chunks):
        if style.blank_between and (index or has_items):
            new.append(newline)
        starts.append(len(new))
        new.extend(chunk)
    if block is None:
        # no `events:` yet: add the key at the end of the file
        at = len(lines)
        header = [newline] if lines and not _is_blank(lines[-1]) else []
        header.append("events:" + newline)
        new[:0] = header
        starts = [start + len(header) for start in starts]
        seam_start = at + len(header) - 1
    elif rest:
        if not re.fullmatch(r"\[\][ \t]*(#.*)?", rest):
            raise EditError(
                f"{document.path}:{block.key + 1}:1: 'events' is written as a flow list "
                "('events: [...]'); write it as a block list to add to it from the command line"
            )
        content = _content(lines[block.key])
        ending = lines[block.key][len(content) :] or newline
        lines[block.key] = re.sub(r":[ \t]*\[\]", ":", content, count=1) + ending
        at, seam_start = block.key + 1, block.key
    elif has_items:
        at = _item_end(lines, block, len(block.items) - 1)
        seam_start = block.items[-1]
    else:
        at, seam_start = block.key + 1, block.key
    _ensure_newline(lines, at, newline)
    lines[at:at] = new
    planned = Planned(document.with_lines(lines))
    for entry, chunk, start in zip(entries, chunks, starts, strict=True):
        planned.entries.append((at + start, at + start + len(chunk)))
        planned.expect_ids.append(str(entry["id"]))
        planned.references |= _references(entry)
    expected = [_as_text(dict(entry)) for entry in entries]
    if has_items:
        assert block is not None
        try:
            before = _compose_data(document.lines[seam_start:at], document.path)
            after = _compose_data(lines[seam_start : at + len(new)], document.path)
            same = isinstance(before, list) and after == [*before, *expected]
        except EditError:
            # the last entry uses an alias of an anchor written above it: the whole list
            what = f"{document.path}:{seam_start + 1}: the entry before the new ones"
            before = _compose_data(document.lines[block.key : at], document.path, what)
            after = _compose_data(lines[block.key : at + len(new)], document.path)
            same = (
                isinstance(before, dict)
                and isinstance(before.get("events"), list)
                and after == {"events": [*before["events"], *expected]}
            )
    else:
        after = _compose_data(lines[seam_start : at + len(new)], document.path)
        same = after == {"events": expected}
    if not same:
        raise EditError(
            f"{document.path}: could not insert the new entries without changing their "
            "neighbours (unusual indentation?); nothing written"
        )
    return planned


def _references(entry: Mapping[str, Any]) -> set[str]:
    from . import dates

    try:
        parsed = dates.parse_date(str(entry.get("date", "")))
    except dates.DateError:
        return set()
    return {parsed.ref} if isinstance(parsed, dates.Relative) else set()


def _compose_data(lines: Sequence[str], path: str, what: str | None = None) -> Any:
    """The data of a slice of the file; `what` names the slice when it is the file as it was
    (its problem is then the file's, not the edit's)."""
    from .loader import to_data

    text = "".join(lines)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error)
        if "undefined alias" in problem:
            raise EditError(
                f"{what or path}: uses a YAML alias ('*name') whose anchor ('&name') is written "
                "elsewhere in the file; edits from the command line work line by line and "
                "cannot keep such a pair: replace the alias with its value to edit here, or "
                "edit the file by hand; nothing written"
            ) from None
        reason = " ".join(str(problem).split())
        if what is not None:
            raise EditError(f"{what} cannot be read as YAML ({reason}); nothing written") from None
        raise EditError(
            f"{path}: the edit would not read back as YAML ({reason}); nothing written"
        ) from None
    return to_data(node, path, []) if node is not None else None


def _as_text(value: Any) -> Any:
    """What `to_data` reads back for a value we write: text, lists and mappings, no empties."""
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    return value


def item_ids(document: Document) -> Iterator[tuple[Block, int, int, str]]:
    """Each entry of `events:` as (block, index, line of its id, id), by a line scan that
    reads YAML only for entries written as flow mappings (`- {id: a, ...}`)."""
    block, rest = _events_block(document)
    if block is None or rest:
        return
    lines = document.lines
    key_column = block.dash + detect_style(lines, block).item_offset
    for index, start in enumerate(block.items):
        if _FLOW_ITEM.match(lines[start]):
            data = _compose_data(lines[start : _item_end(lines, block, index)], document.path)
            if isinstance(data, list) and data and isinstance(data[0], dict):
                yield block, index, start, str(data[0].get("id"))
            continue
        stop = block.items[index + 1] if index + 1 < len(block.items) else block.end
        for number in range(start, stop):
            line = lines[number]
            if number != start and _indent(line) != key_column:
                continue
            match = _ID_LINE.match(_content(line))
            if match:
                yield block, index, number, _unquote(match.group("value"))
                break


def entry_values(document: Document, key: str) -> dict[str, str]:
    """`key`'s value of each block-style entry that has one, by a line scan: value → id."""
    block, rest = _events_block(document)
    if block is None or rest:
        return {}
    lines = document.lines
    key_column = block.dash + detect_style(lines, block).item_offset
    pattern = re.compile(
        rf"""[ \t]*(?:-[ \t]+)?(?:{key}|"{key}"|'{key}')[ \t]*:[ \t]*"""
        r"(?P<value>[^#\s][^#]*?)[ \t]*(?:#.*)?$"
    )
    ids = {index: found for _, index, _, found in item_ids(document)}
    values: dict[str, str] = {}
    for index, start in enumerate(block.items):
        stop = block.items[index + 1] if index + 1 < len(block.items) else block.end
        for number in range(start, stop):
            if number != start and _indent(lines[number]) != key_column:
                continue
            match = pattern.match(_content(lines[number]))
            if match and index in ids:
                values[_unquote(match.group("value"))] = ids[index]
                break
    return values


def find_entry(document: Document, entry_id: str) -> tuple[Block, int] | None:
    """The events block and the index of the item whose `id` is `entry_id`."""
    for block, index, _, found in item_ids(document):
        if found == entry_id:
            return block, index
    return None


def _not_found(document: Document, entry_id: str) -> EditError:
    """Why the entry is not found: not there, or in an `events: [...]` a line scan cannot read."""
    block, rest = _events_block(document)
    if block is not None and rest and not re.fullmatch(r"\[\][ \t]*(#.*)?", rest):
        return EditError(
            f"{document.path}:{block.key + 1}:1: 'events' is written as a flow list "
            "('events: [...]'); write it as a block list to edit it from the command line"
        )
    return EditError(f"{document.path}: no entry with id '{entry_id}'")


def _editable(document: Document, block: Block, index: int, entry_id: str) -> None:
    """Refuse, with the reason, an entry that line edits cannot change safely."""
    start = block.items[index]
    if _FLOW_ITEM.match(document.lines[start]):
        raise EditError(
            f"{document.path}:{start + 1}: the entry '{entry_id}' is written as a flow mapping "
            "('- {id: ...}'); write it as a block mapping (one key a line) to edit it from "
            "the command line"
        )


def append_change(document: Document, entry_id: str, change: Mapping[str, Any]) -> Planned:
    """Add `change` at the end of the entry's `changes:` (created when missing)."""
    found = find_entry(document, entry_id)
    if found is None:
        raise _not_found(document, entry_id)
    block, index = found
    _editable(document, block, index, entry_id)
    lines = list(document.lines)
    style = detect_style(lines, block)
    start, end = block.items[index], _item_end(lines, block, index)
    key_column = block.dash + style.item_offset
    newline = document.newline
    changes_line = None
    for number in range(start, end):
        text = _content(lines[number])
        body = text[key_column:] if number != start else text[block.dash :].lstrip("- ")
        if (number == start or _indent(lines[number]) == key_column) and _CHANGES_KEY.match(body):
            changes_line = number
            break
    old_entry = _compose_data(
        lines[start:end], document.path, f"{document.path}:{start + 1}: the entry '{entry_id}'"
    )
    if not isinstance(old_entry, list) or len(old_entry) != 1 or not isinstance(old_entry[0], dict):
        raise EditError(f"{document.path}:{start + 1}: cannot read the entry '{entry_id}'")
    existing = old_entry[0].get("changes") or []
    position = _position_by_announced(existing, change, file_timezone(document.text()))
    changes_value = None
    if changes_line is not None:
        changes_value = re.sub(
            r"""^-?[ \t]*(?:changes|"changes"|'changes')[ \t]*:""",
            "",
            _content(lines[changes_line]).strip(),
        )
        changes_value = (
            changes_value.split("#")[0].strip()
            if not changes_value.strip().startswith(("'", '"'))
            else changes_value
        )
    if changes_line is not None and changes_value == "[]":
        # `changes: []`: make it a block list, keeping any comment on the line
        content = _content(lines[changes_line])
        ending = lines[changes_line][len(content) :] or newline
        lines[changes_line] = re.sub(r":[ \t]*\[\]", ":", content, count=1) + ending
        at = changes_line + 1
        new = _item_lines(change, key_column + style.sequence_offset, style, newline)
    elif changes_line is not None and changes_value == "":
        changes = _block_after(lines, changes_line, key_column, end)
        if changes.items:
            changes_style = Style(changes.dash - key_column, style.item_offset, False)
            dash_column = changes.dash
            if position < len(changes.items):
                at = _before_comments(lines, changes.items[position], changes.dash)
            else:
                at = _item_end(lines, changes, len(changes.items) - 1)
        else:
            changes_style, dash_column, at = (
                style,
                key_column + style.sequence_offset,
                changes_line + 1,
            )
        new = _item_lines(change, dash_column, changes_style, newline)
    elif changes_line is None:
        at = end
        new = [
            line + newline
            for line in serialize_mapping(
                {"changes": [dict(change)]}, key_column, style, " " * key_column
            )
        ]
    elif changes_value is not None and changes_value.startswith("["):
        raise EditError(
            f"{document.path}:{changes_line + 1}: the changes of '{entry_id}' are written as a "
            "flow list ('changes: [...]'); write them as a block list (one '- announced: ...' "
            "item a change) to add to them from the command line"
        )
    else:
        raise EditError(
            f"{document.path}:{changes_line + 1}: 'changes' of '{entry_id}' holds "
            f"{changes_value!r}, not a list of changes; nothing written"
        )
    if not isinstance(existing, list):
        position = 0
    _ensure_newline(lines, at, newline)
    lines[at:at] = new
    planned = Planned(
        document.with_lines(lines), [(start, end + len(new))], _references(old_entry[0])
    )
    planned.expect_ids.append(entry_id)
    planned.inserted = (at, at + len(new))
    _check_entry(old_entry[0], lines[start : end + len(new)], change, document.path, position)
    return planned


def remove_entry(document: Document, entry_id: str) -> Planned:
    """Take the entry out of `events:`: its lines, its comments above it, and the blank
    line that separated it from the one before (or after, for the first one)."""
    found = find_entry(document, entry_id)
    if found is None:
        raise _not_found(document, entry_id)
    block, index = found
    lines = list(document.lines)
    start = _before_comments(lines, block.items[index], block.dash)
    end = _item_end(lines, block, index)
    if start > 0 and _is_blank(lines[start - 1]) and (index > 0 or len(block.items) == 1):
        start -= 1  # the blank line before it
    elif index == 0 and end < len(lines) and _is_blank(lines[end]) and len(block.items) > 1:
        end += 1  # the first one: the blank line after it
    new_lines = lines[:start] + lines[end:]
    if len(block.items) == 1:  # the last one: `events: []`, its comment kept
        content = _content(lines[block.key])
        ending = lines[block.key][len(content) :] or document.newline
        new_lines[block.key] = re.sub(r":", ": []", content, count=1) + ending
    # the seam check: the neighbours read back as they were, without this entry
    first = block.items[index - 1] if index > 0 else block.key
    stop = _item_end(lines, block, index + 1) if index + 1 < len(block.items) else end
    what = f"{document.path}:{block.items[index] + 1}: the entry '{entry_id}'"
    before = _compose_data(lines[first:stop], document.path, what)
    after = _compose_data(new_lines[first : stop - (end - start)], document.path)
    if index > 0:
        same = isinstance(before, list) and after == [before[0], *before[2:]]
    else:
        events = before.get("events") if isinstance(before, dict) else None
        same = isinstance(events, list) and after == {"events": events[1:]}
    if not same or _ANCHOR.search("".join(lines[start:end])):
        raise EditError(
            f"{what}: could not be removed without changing the entries around it "
            "(an anchor '&name' used elsewhere, or unusual indentation); nothing written"
        )
    planned = Planned(document.with_lines(new_lines))
    planned.removed = (start, end)
    return planned


def _position_by_announced(
    existing: Sequence[Any], change: Mapping[str, Any], zone: str
) -> int:
    """Where a change goes among `existing` so that `announced` stays in order: after every
    change announced at or before it (at the end when an `announced` cannot be read)."""
    from . import dates

    def start(value: Any) -> Any:
        try:
            return dates.parse_edtf(str(value), zone).start
        except dates.DateError:
            return None

    new = start(change.get("announced"))
    if new is None:
        return len(existing)
    position = len(existing)
    for index in range(len(existing) - 1, -1, -1):
        item = existing[index]
        announced = start(item.get("announced")) if isinstance(item, dict) else None
        if announced is None:
            break
        if announced <= new:
            break
        position = index
    return position


def _before_comments(lines: Sequence[str], item: int, dash: int) -> int:
    """The first of the comment lines just above list item `item` (they belong to it)."""
    at = item
    while at > 0 and _is_comment(lines[at - 1]) and _indent(lines[at - 1]) == dash:
        at -= 1
    return at


def _check_entry(
    old: dict[str, Any],
    new_lines: Sequence[str],
    change: Mapping[str, Any],
    path: str,
    position: int | None = None,
) -> None:
    expected = dict(old)
    changes = list(old.get("changes") or [])
    changes.insert(len(changes) if position is None else position, _as_text(dict(change)))
    expected["changes"] = changes
    after = _compose_data(new_lines, path)
    if not isinstance(after, list) or after != [expected]:
        raise EditError(
            f"{path}: could not add the change without altering the rest of the entry "
            "(unusual indentation?); nothing written"
        )


# -------------------------------------------------------------------- validation


def validate(planned: Planned, others: Sequence[str] = ()) -> list[Problem]:
    """Problems the edit would bring: duplicate ids, and what the loader finds in the edited
    entries (read with the file's top-level keys and the entries they count from)."""

    document = planned.document
    lines = document.lines
    problems: list[Problem] = []
    texts = {document.path: document.text()}
    for other in others:
        with contextlib.suppress(OSError):
            texts[other] = Path(other).read_text(encoding="utf-8", errors="replace")
    new_ranges = planned.entries
    ids_here = entry_ids(texts[document.path])  # ids are unique within a story (a file)
    own_story = story_key_of(document.path, texts[document.path])
    other_stories = {story_key_of(path, text) for path, text in texts.items()} - {own_story}
    for first, stop in new_ranges:
        match = None
        for number in range(first, stop):
            match = _ID_LINE.match(_content(lines[number]))
            if match:
                break
        if match is None:
            continue
        entry_id = _unquote(match.group("value"))
        where = Location(document.path, number + 1, match.start("value") + 1)
        earlier = ids_here.get(entry_id)
        if earlier is not None and earlier != number:
            # the fast scan over-counts (`- id: a` inside a summary): ask the entries
            earlier = next(
                (n for _, _, n, found in item_ids(document) if found == entry_id and n != number),
                None,
            )
        if earlier is not None and earlier != number:
            problems.append(
                Problem(
                    where,
                    f"duplicate id '{entry_id}' (first defined at {document.path}:{earlier + 1})",
                    "error",
                    "duplicate-id",
                )
            )
    # the validation document: top-level keys, `events:`, then the edited entries and
    # the entries they count from; `origin` maps its lines back to the real files
    block, _ = _events_block(document)
    keep: list[tuple[str, int]] = []
    if block is not None:
        head = [(document.path, n) for n in range(len(lines)) if n < block.key or n >= block.end]
    else:
        head = [(document.path, n) for n in range(len(lines))]
    keep.extend(head)
    seen_ranges = set(new_ranges)
    pieces: list[tuple[str, Sequence[str], int, int]] = [
        (document.path, lines, first, stop) for first, stop in new_ranges
    ]
    pending = set(planned.references)
    done: set[str] = set()
    while pending:
        ref = pending.pop()
        done.add(ref)
        story, _, bare = ref.rpartition(":")
        if story and story != own_story:
            continue  # another story's entry: the loader of the workspace resolves it
        found = find_entry(document, bare)  # `id + 7d` counts within its own story
        if found is None:
            continue
        ref_block, index = found
        span = (ref_block.items[index], _item_end(lines, ref_block, index))
        if span in seen_ranges:
            continue
        seen_ranges.add(span)
        pieces.append((document.path, lines, *span))
        data = _compose_data(lines[span[0] : span[1]], document.path)
        if isinstance(data, list) and data and isinstance(data[0], dict):
            pending |= _references(data[0]) - done
    mini: list[str] = []
    origin: list[tuple[str, int]] = []
    for path, number in keep:
        if block is not None and number == block.key:
            continue
        if _DOCUMENT_MARKER.match(_content(lines[number])):
            continue  # `---` / `...`: the validation document is one document
        mini.append(_with_break(lines[number]))
        origin.append((path, number))
    mini.append("events:\n" if pieces else "events: []\n")
    origin.append((document.path, block.key if block is not None else 0))
    dash = block.dash if block is not None and block.items else 2
    for path, source_lines, first, stop in pieces:
        shift = dash - _indent(source_lines[first])
        for number in range(first, stop):
            line = source_lines[number]
            if shift > 0:
                line = " " * shift + line if line.strip() else line
            elif shift < 0:
                line = line[-shift:] if _indent(line) >= -shift else line.lstrip(" ")
            mini.append(_with_break(line))
            origin.append((path, number))
    problems.extend(
        problem for problem in _load_mapped(mini, origin, document.path)
        # a date counting from another loaded story: resolved when the workspace loads
        if not (problem.code == "unknown-reference"
                and any(f"unknown story '{key}'" in problem.message for key in other_stories))
    )
    found_ids = _loaded_ids(mini)
    problems.extend(
        Problem(
            Location(document.path, 1, 1),
            f"the new entry '{entry_id}' did not read back",
            "error",
            "edit",
        )
        for entry_id in planned.expect_ids
        if entry_id not in found_ids and not problems
    )
    return problems


_KEY_LINE = re.compile(r"^key:[ \t]*['\"]?([a-z0-9][a-z0-9-]*)['\"]?[ \t]*(?:#.*)?$", re.M)


def story_key_of(path: str, text: str) -> str:
    """The story's key as the loader gives it (see `stories`): `key:` at the top of its
    text, else its file name's; found with a line scan, without loading the file."""
    from .stories import key_from_path

    found = _KEY_LINE.search(text)
    return found.group(1) if found else key_from_path(path)


def _with_break(line: str) -> str:
    return _content(line) + "\n"


def _loaded_ids(mini: Sequence[str]) -> set[str]:
    data = _compose_data(mini, "<validation>")
    events = data.get("events") if isinstance(data, dict) else None
    return {str(e.get("id")) for e in events or [] if isinstance(e, dict)}


def _load_mapped(
    mini: Sequence[str], origin: Sequence[tuple[str, int]], path: str
) -> list[Problem]:
    from .loader import load

    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(
        prefix=".timeline-check.", suffix=".yaml", dir=_scratch(directory)
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write("".join(mini))
        result = load([temporary])
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)

    def where(line: int) -> tuple[str, int]:
        if 1 <= line <= len(origin):
            real_path, number = origin[line - 1]
            return real_path, number + 1
        return path, max(line, 1)

    def fix_message(message: str) -> str:
        return re.sub(
            re.escape(temporary) + r":(\d+):(\d+)",
            lambda m: "{}:{}:{}".format(*where(int(m.group(1))), m.group(2)),
            message,
        )

    problems = []
    for problem in result.errors:
        real_path, line = where(problem.location.line)
        problems.append(
            Problem(
                Location(real_path, line, problem.location.column),
                fix_message(problem.message),
                problem.severity,
                problem.code,
            )
        )
    return problems


def _scratch(directory: str) -> str:
    # the system's temporary folder: the file being edited may be in a folder we only write to
    return tempfile.gettempdir() if os.access(tempfile.gettempdir(), os.W_OK) else directory


# -------------------------------------------------------------- locking, writing


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The lock file beside a timeline: `.timeline.yaml.lock` for `timeline.yaml`."""
    target = Path(os.path.realpath(path))
    return target.with_name(f".{target.name}.lock")


@contextlib.contextmanager
def locked(path: str | os.PathLike[str], timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock for a read-modify-write of `path` (blocks other editors)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no locking
        yield
        return
    where = lock_path(path)
    try:
        handle = os.open(where, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise EditError(f"{path}: cannot create the lock file {where}: {error.strerror}") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise EditError(
                        f"{path}: another edit has held the lock for {timeout:.0f} s ({where})"
                    ) from None
                time.sleep(0.01)
        yield
    finally:
        os.close(handle)  # closing releases the lock


class _Changed(Exception):
    """The file changed between reading it and replacing it (see `edit_file`)."""


def write_atomic(
    path: str | os.PathLike[str], data: bytes, unchanged: Callable[[], bool] | None = None
) -> None:
    """Replace `path` with `data` so that readers see the old file or the new one, never half.

    The new text goes to a temporary file in the same folder (so the rename stays on one
    file system), is flushed to disk, takes the old file's mode and owner, and is renamed
    over the old one; the folder is synced so that the rename itself survives a crash.
    A symbolic link is followed: its target is replaced, the link stays.
    """
    target = Path(os.path.realpath(path))
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if old is not None:
            os.chmod(temporary, stat.S_IMODE(old.st_mode))
            with contextlib.suppress(OSError):
                if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
                    os.chown(temporary, old.st_uid, old.st_gid)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        if unchanged is not None and not unchanged():
            raise _Changed(str(target))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _remove_stale_temporaries(target: Path) -> None:
    """Temporary files left by an editor that was killed (only called under the lock)."""
    for leftover in target.parent.glob(f".{glob_escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def edit_file(
    path: str,
    plan: Callable[[Document], Planned],
    others: Sequence[str] = (),
    *,
    dry_run: bool = False,
) -> Planned:
    """Under the lock: read `path`, plan the edit, validate it, and write it atomically.

    Raises `EditError` (with located problems when the edit would make the file invalid);
    the file is then left byte-identical.
    """
    target = Path(os.path.realpath(path))
    if not target.exists():
        raise EditError(f"{path}: no such file (create one with 'timeline init')")
    if target.is_dir():
        raise EditError(f"{path}: is a directory, not a timeline file")
    if not os.access(target, os.W_OK):
        raise EditError(f"{path}: the file is read-only; not changed")
    # import what validation needs before taking the lock: other editors wait on it
    from . import dates, loader, model  # noqa: F401

    if dry_run:  # writes nothing, not even the lock file: the file is read as it is
        return _edit_locked(path, target, plan, others, dry_run)
    with locked(target):
        return _edit_locked(path, target, plan, others, dry_run)


MAX_TRIES = 5  # a file that changes under every edit this many times is being rewritten


def _edit_locked(
    path: str,
    target: Path,
    plan: Callable[[Document], Planned],
    others: Sequence[str],
    dry_run: bool,
) -> Planned:
    """The read-modify-write, made again when someone wrote the file meanwhile.

    Others may write without the lock (a hand edit, `>>`): just before the rename the
    file must still be the one read (same inode, size and modification time), else it
    is read and planned again; a write that had opened the old file lands in it even
    after the rename, so the old file is read once more afterwards, and when it grew,
    the edit is planned again on what it holds.
    """
    base: bytes | None = None  # what to plan from when it is not the file's content
    for _ in range(MAX_TRIES):
        try:
            handle = open(target, "rb")  # noqa: SIM115 - held open across the rename
        except OSError as error:
            raise EditError(f"{path}: cannot read: {error.strerror}") from None
        with handle:
            data = handle.read()
            seen = os.fstat(handle.fileno())
            document = Document.from_bytes(data if base is None else base, path)
            planned = plan(document)
            problems = validate(planned, others)
            if problems:
                raise EditError(
                    f"{path}: not changed: the edit would make the timeline invalid", problems
                )
            if dry_run:
                return planned
            _remove_stale_temporaries(target)

            def unchanged(seen: os.stat_result = seen) -> bool:
                now = os.stat(target)
                return (now.st_ino, now.st_size, now.st_mtime_ns) == (
                    seen.st_ino,
                    seen.st_size,
                    seen.st_mtime_ns,
                )

            try:
                write_atomic(target, planned.document.to_bytes(), unchanged)
            except _Changed:
                base = None  # written meanwhile: read it again
                continue
            handle.seek(0)
            late = handle.read()
            if late == data:
                return planned
            base = late  # a write landed in the old file during the rename: keep it
    if base is not None:
        write_atomic(target, base)  # the other writer's text, without this edit
    raise EditError(
        f"{path}: not changed: the file was written by someone else during each of "
        f"{MAX_TRIES} tries; try again"
    )


# ------------------------------------------------------ the stories counting from one


@dataclass(frozen=True, slots=True)
class Dependent:
    """An entry of another story whose date counts from the story edited, and its effective
    date at T before and after the edit (`after` None: it no longer loads)."""

    entry: Entry
    before: Interval
    after: Interval | None

    @property
    def moved(self) -> bool:
        return self.after is not None and (self.after.start, self.after.end) != (
            self.before.start,
            self.before.end,
        )


def counting_from(timeline: Timeline, story: str) -> list[Entry]:
    """The entries of the other stories whose dates count, directly or through other
    entries, from an entry of `story` (`other:id + 30d`)."""
    from .schedule import bases_of

    index = timeline.index
    return [
        entry
        for entry in timeline.entries
        if entry.story != story
        and entry.relative is not None
        and any(base.story == story for base in bases_of(entry, index))
    ]


def dependents_after(
    before: Timeline, after: LoadResult, story: str, as_of: AsOf
) -> list[Dependent]:
    """What an edit of `story` does at T to the entries of other stories that count from
    it: `before` is the workspace loaded before the edit, `after` with the edit made."""
    from .schedule import effective

    found = []
    after_index = after.timeline.index
    for entry in counting_from(before, story):
        now = after_index.get(entry.key)
        found.append(
            Dependent(
                entry,
                effective(entry, as_of, before).date,
                effective(now, as_of, after.timeline).date if now is not None else None,
            )
        )
    return found


# ----------------------------------------------------------------- a new file


SCHEMA_FILE = "timeline.schema.json"


def starter_text(
    schema: str, title: str = "My policy timeline", timezone: str = "UTC", key: str | None = None
) -> str:
    """A starter timeline: a schema line for editors, the top-level keys, examples in comments;
    `key`: the story's key, written first (see `stories`)."""
    head = f"key: {key:<26}# this story's name: calendar UIDs, other stories' 'key:id + 30d'\n"
    return f"""\
# yaml-language-server: $schema={schema}
#
# A timeline of dated policy events and the deadlines that hang over them.
#   timeline                       the timeline, with TODAY and countdowns
#   timeline add --title "..." --date 2025-08-12 --kind deadline
#   timeline change ID --announced today --date 2025-11-10 --note "Extended"
#   timeline check                 validate this file

{head if key else ""}title: {_scalar(title)}
timezone: {(_scalar(timezone) + " "):<21}# dates without an offset are read in this zone
warn: [30d, 7d, 1d]            # default lead times for deadline reminders

sources: {{}}
#  article-id:
#    title: The article's headline
#    publisher: Who published it
#    url: https://example.org/article

events: []
#  - id: truce-expiry          # unique in this story: lowercase letters, digits and '-'
#    title: Tariff freeze expires
#    date: 2025-08-12          # 2025, 2025-05, 2025-05-12, 2025-06~, 2025-Q3, other-id + 90d
#    kind: deadline            # deadlines get reminders
#    consequence: Tariffs snap back
#    sources: [article-id]
"""
