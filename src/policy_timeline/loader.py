"""YAML files → a resolved `Timeline`, with every problem located.

The pipeline, per file: bytes → text (UTF-8, no binary) → YAML node tree (safe, via
libyaml when present) → plain data (no tags, no alias bombs, no duplicate keys) →
pydantic models (shape) → across all files: ids, references, relative dates and
cycles → `Timeline`. Nothing raises on bad input: problems are collected as records
and returned beside whatever could be loaded.
"""

from __future__ import annotations

import codecs
import difflib
import functools
import hashlib
import operator
import os
import sys
from array import array
from bisect import insort
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

from . import dates, scan
from .dates import DateError, Interval, Offset, Relative
from .result import (  # Chunks, LoadResult and sort_problems: callers import them here
    Chunks,
    Layout,
    LoadResult,
    sort_problems,
)
from .stories import key_from_path
from .timeline import (
    Change,
    Claim,
    Entry,
    FileInfo,
    Location,
    Problem,
    Source,
    Timeline,
    moved,
)
from .workspace import LEFT_OUT

if TYPE_CHECKING:
    from .model import ChangeModel, ClaimModel, EntryModel, FileModel

MAX_FILE_BYTES = 256 * 1024 * 1024  # far above any real timeline (100,000 entries ≈ 30 MB)
MAX_DEPTH = 64  # a timeline nests five levels deep; deeper is not a timeline
_YAML_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_YAML_TAG}{name}" for name in ("str", "int", "float", "bool", "timestamp")}
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class _Loader(_SafeLoader):  # type: ignore[misc]
    """The safe loader, resolving plain scalars the quick way.

    Every scalar keeps the text it was written as, so YAML's implicit types (bool, int,
    float, timestamp) all mean "text" here: only null, merge (`<<`) and value (`=`) need
    telling apart. Resolving them in Python regexes per scalar was a third of the parse.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            if value in _NULLS:
                return f"{_YAML_TAG}null"
            if value == "<<":
                return f"{_YAML_TAG}merge"
            if value == "=":
                return f"{_YAML_TAG}value"
            return f"{_YAML_TAG}str"
        return super().resolve(kind, value, implicit)

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None  # no path resolvers are registered

    def ascend_resolver(self) -> None:
        return None


# --------------------------------------------------------------------------- reading


class _Stop(Exception):
    """A file-level problem after which nothing more can be read from that file."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _problem(path: str, line: int, column: int, message: str, code: str) -> Problem:
    return Problem(Location(path, line, column), message, "error", code)


def read_text(path: str) -> str:
    """The file's text, or `_Stop` with a located reason why it cannot be a timeline."""
    return decode(read_bytes(path), path)


def read_bytes(path: str) -> bytes:
    """The file's bytes, or `_Stop` with a located reason why it cannot be read."""
    p = Path(path)
    try:
        if p.is_dir():
            raise _Stop(_problem(path, 1, 1, "is a directory, not a timeline file", "not-a-file"))
        size = p.stat().st_size
        if size <= MAX_FILE_BYTES:
            with p.open("rb") as stream:  # bounded: a device or pipe says nothing of its size
                data = stream.read(MAX_FILE_BYTES + 1)
            size = len(data)
        if size > MAX_FILE_BYTES:
            raise _Stop(
                _problem(
                    path,
                    1,
                    1,
                    f"file is more than {MAX_FILE_BYTES // 2**20} MiB, the limit"
                    if size == MAX_FILE_BYTES + 1
                    else f"file is {size / 2**20:.0f} MiB; the limit is"
                    f" {MAX_FILE_BYTES // 2**20} MiB",
                    "too-large",
                )
            )
        return data
    except FileNotFoundError:
        raise _Stop(_problem(path, 1, 1, "no such file", "no-file")) from None
    except PermissionError:
        raise _Stop(_problem(path, 1, 1, "permission denied", "unreadable")) from None
    except OSError as error:
        raise _Stop(_problem(path, 1, 1, f"cannot read: {error.strerror}", "unreadable")) from None


def _plain_utf8(data: bytes) -> bool:
    """Whether `decode` would take `data`, checked a piece at a time (no copy as a `str`)."""
    if b"\x00" in data:
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    piece = 1 << 20
    try:
        for start in range(0, len(data), piece):
            decoder.decode(data[start : start + piece])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def decode(data: bytes, path: str) -> str:
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _position(data, nul)
        raise _Stop(
            _problem(path, line, column, "binary data (NUL byte): not a YAML text file", "binary")
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        raise _Stop(
            _problem(
                path,
                line,
                column,
                f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8",
                "encoding",
            )
        ) from None
    return text.removeprefix("\ufeff")


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", "replace")) + 1


def compose(text: str, path: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(part) for part in (error.context, error.problem) if part)
        if "nesting depth" in message:
            message = "nested too deeply (libyaml's limit is 1000 levels)"
        raise _Stop(_problem(path, line, column, f"YAML syntax: {message}", "yaml")) from None
    except yaml.reader.ReaderError as error:
        # a character YAML forbids (a control character, say): locate it in the text
        before = text[: error.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        character = error.character if isinstance(error.character, str) else chr(error.character)
        raise _Stop(
            _problem(
                path, line, column,
                f"character U+{ord(character):04X} is not allowed in YAML text",
                "yaml",
            )
        ) from None
    except yaml.YAMLError as error:
        message = " ".join(str(error).split())
        raise _Stop(_problem(path, 1, 1, f"YAML: {message}", "yaml")) from None
    except RecursionError:
        raise _Stop(_problem(path, 1, 1, "YAML is nested too deeply", "too-deep")) from None


def _node_location(path: str, node: yaml.Node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


def expanded_sizes(root: yaml.Node, path: str, limit: int, text: str | None = None) -> None:
    """Refuse alias bombs and self-referencing aliases before anything expands them.

    Counts how many values the document holds once every alias is expanded (memoised,
    so this is linear in the number of distinct nodes) and stops at the first node
    whose expansion passes `limit`.
    """
    if text is not None and "&" not in text:
        # no anchor, so no alias: a plain tree, no bigger than the text; only depth matters
        _check_depth(root, path)
        return
    sizes: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_stack.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > limit:
                raise _Stop(
                    Problem(
                        _node_location(path, node),
                        f"anchors and aliases here expand to more than {limit:,} values; "
                        "refusing (an alias bomb?)",
                        "error",
                        "alias-bomb",
                    )
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_stack:
            raise _Stop(
                Problem(
                    _node_location(path, node), "an alias refers to itself", "error", "alias-cycle"
                )
            )
        on_stack.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))
        if len(on_stack) > MAX_DEPTH:
            raise _Stop(
                Problem(
                    _node_location(path, node),
                    f"nested more than {MAX_DEPTH} levels deep; a timeline needs five",
                    "error",
                    "too-deep",
                )
            )


def _too_deep(path: str, node: yaml.Node) -> _Stop:
    return _Stop(
        Problem(
            _node_location(path, node),
            f"nested more than {MAX_DEPTH} levels deep; a timeline needs five",
            "error",
            "too-deep",
        )
    )


def _check_depth(root: yaml.Node, path: str, limit: int = MAX_DEPTH) -> None:
    """The depth limit of `expanded_sizes` for a plain tree, reporting the same node.

    Visits nodes in the same order, but pushes only collections: scalars have nothing
    below them, so they can only be too deep when their parent is at the limit. `limit`
    is lower for a tree that sits deeper in the file (an entry read on its own).
    """
    mapping, sequence = yaml.MappingNode, yaml.SequenceNode
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        if depth > limit:
            raise _too_deep(path, node)
        kind = node.__class__
        if kind is mapping:
            if node.value and depth == limit:
                raise _too_deep(path, node.value[-1][1])
            for key, value in node.value:
                if key.__class__ is mapping or key.__class__ is sequence:
                    push((key, depth + 1))
                if value.__class__ is mapping or value.__class__ is sequence:
                    push((value, depth + 1))
        elif kind is sequence:
            if node.value and depth == limit:
                raise _too_deep(path, node.value[-1])
            for child in node.value:
                if child.__class__ is mapping or child.__class__ is sequence:
                    push((child, depth + 1))


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


def to_data(node: yaml.Node, path: str, problems: list[Problem]) -> Any:
    """Plain Python data from a node tree: strings, lists and dicts only.

    Every scalar stays the text it was written as (dates, lead times and ids are all
    text in this format); `null` becomes None. Tags other than YAML's own core types,
    and duplicate keys, are problems.
    """
    if isinstance(node, yaml.ScalarNode):
        if node.tag == f"{_YAML_TAG}null":
            return None
        if node.tag not in _SCALAR_TAGS:
            problems.append(
                Problem(
                    _node_location(path, node),
                    f"tag {_short_tag(node.tag)} is not allowed",
                    "error",
                    "tag",
                )
            )
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        if node.tag != f"{_YAML_TAG}seq":
            problems.append(
                Problem(
                    _node_location(path, node),
                    f"tag {_short_tag(node.tag)} is not allowed",
                    "error",
                    "tag",
                )
            )
        return [to_data(child, path, problems) for child in node.value]
    assert isinstance(node, yaml.MappingNode)
    if node.tag != f"{_YAML_TAG}map":
        problems.append(
            Problem(
                _node_location(path, node),
                f"tag {_short_tag(node.tag)} is not allowed",
                "error",
                "tag",
            )
        )
    result: dict[str, Any] = {}
    seen: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == f"{_YAML_TAG}merge":
            what = "merge keys (<<)" if key_node.tag == f"{_YAML_TAG}merge" else "complex keys"
            problems.append(
                Problem(_node_location(path, key_node), f"{what} are not supported", "error", "key")
            )
            continue
        key = key_node.value
        if key in seen:
            first = seen[key].start_mark
            problems.append(
                Problem(
                    _node_location(path, key_node),
                    f"duplicate key '{key}' (first at line {first.line + 1})",
                    "error",
                    "duplicate-key",
                )
            )
            continue
        seen[key] = key_node
        result[key] = to_data(value_node, path, problems)
    return result


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


def locate(root: yaml.Node, path: str, keys: Sequence[str | int], *, key: bool = False) -> Location:
    """Where the value at `keys` was written (or its key, with `key=True`).

    Walks as far as the path exists, so a missing field is reported at the mapping
    that should have held it.
    """
    node = root
    key_node: yaml.Node | None = None
    for part in keys:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    key_node, child = k, v
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            key_node, child = None, node.value[part]
        if child is None:
            break
        node = child
    else:
        if key and key_node is not None:
            return _node_location(path, key_node)
    return _node_location(path, node)


def scalar_location(root: yaml.Node, path: str, keys: Sequence[str | int], offset: int) -> Location:
    """Location of character `offset` inside the plain scalar at `keys`."""
    base = locate(root, path, keys)
    node = _find(root, keys)
    if isinstance(node, yaml.ScalarNode) and node.style in (None, "") and offset:
        return Location(path, base.line, base.column + offset)
    if isinstance(node, yaml.ScalarNode) and node.style in ("'", '"') and offset:
        return Location(path, base.line, base.column + 1 + offset)
    return base


def _find(root: yaml.Node, keys: Sequence[str | int]) -> yaml.Node | None:
    node: yaml.Node | None = root
    for part in keys:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == str(part)), None)
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            return None
    return node


# --------------------------------------------------------------------- validation


_KIND_BY_CONTAINER = {
    "events": "entry",
    "changes": "change",
    "claims": "claim",
    "sources": "source",
}
_TYPE_WORDS = {
    "list_type": "a list",
    "dict_type": "a mapping",
    "string_type": "text",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{_clip(str(value))}'"


def _clip(text: str, width: int = 40) -> str:
    """Written text quoted in a message: on one line, what cannot be seen shown as an
    escape (`\\n`, `\\ufeff`), at most `width` characters."""
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else _visible(ch) for ch in text)
    return text if len(text) <= width else text[: width - 1] + "…"


_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(char: str) -> str:
    code = ord(char)
    return _NAMED_ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def _kind_at(loc: Sequence[str | int]) -> str:
    """What the mapping at `loc` is: the file, an entry, a change, a claim or a source."""
    kind = "file"
    for part in loc:
        if isinstance(part, str):
            kind = _KIND_BY_CONTAINER.get(part, kind)
    if loc and loc[0] == "sources" and len(loc) == 2:
        kind = "source"
    return kind


_PLURAL = {"file": "files", "entry": "entries", "change": "changes", "claim": "claims",
           "source": "sources"}  # fmt: skip
# where a key that is misplaced belongs, said in words
_BELONGS = {
    "status": "a status is set by a change",
    "note": "a note belongs to a change or a claim",
    "url": "a URL belongs to a source, under 'sources:' at the top of the file",
    "publisher": "a publisher belongs to a source, under 'sources:' at the top of the file",
    "timezone": "the timezone is set at the top of the file",
    "events": "'events:' is at the top of the file",
}


def _unknown_key(name: str, kind: str) -> str:
    """The message for an unknown key: the nearest key valid here, or, when the key is
    nearer to one that belongs somewhere else, where that one belongs."""
    from .model import KNOWN_KEYS

    known = KNOWN_KEYS[kind]
    elsewhere = [key for key in _BELONGS if key not in known]
    match = difflib.get_close_matches(name, [*known, *elsewhere], n=1, cutoff=0.6)
    if match and match[0] in elsewhere:
        key = match[0]
        where = _BELONGS[key]
        return f"unknown key '{name}': {_PLURAL[kind]} have no '{key}'; {where}"
    return f"unknown key '{name}'{suggest(name, known)}"


def suggest(word: str, choices: Sequence[str]) -> str:
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _pydantic_problem(
    error: Any, prefix: tuple[str | int, ...], root: yaml.Node, path: str
) -> Problem:
    loc: tuple[str | int, ...] = prefix + tuple(error["loc"])
    kind = error["type"]
    name = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        message = _unknown_key(str(name), _kind_at(loc[:-1]))
        return Problem(locate(root, path, loc, key=True), message, "error", "unknown-key")
    if kind == "missing":
        if name == "announced" and "changes" in loc:
            return Problem(
                locate(root, path, loc[:-1]),
                "a change must say when it became known: add 'announced: DATE'",
                "error",
                "change-without-announced",
            )
        return Problem(
            locate(root, path, loc[:-1]),
            f"missing required field '{name}'",
            "error",
            "missing-field",
        )
    field_name = next((p for p in reversed(loc) if isinstance(p, str)), "value")
    value = error.get("input")
    where = locate(root, path, loc)
    if kind in _TYPE_WORDS:
        return Problem(
            where,
            f"'{field_name}' must be {_TYPE_WORDS[kind]}, not {_describe(value)}",
            "error",
            "type",
        )
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        what = "status" if field_name == "status" else field_name
        return Problem(
            where,
            f"unknown {what} '{_clip(str(value))}': expected {expected}",
            "error",
            f"unknown-{what}",
        )
    if kind == "string_pattern_mismatch":
        if loc == ("key",):
            return Problem(
                where,
                f"bad story key '{_clip(str(value))}': use lowercase letters, digits and '-', "
                "starting with a letter or digit",
                "error",
                "bad-key",
            )
        if field_name in ("id", "[key]"):
            if loc[-1] == "[key]":
                where = locate(root, path, loc[:-1], key=True)
            return Problem(
                where,
                f"bad id '{_clip(str(value))}': use lowercase letters, digits and '-', "
                "starting with a letter or digit",
                "error",
                "bad-id",
            )
        return Problem(where, f"'{field_name}' must be one line", "error", "not-one-line")
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        length = len(value) if isinstance(value, str) else 0
        return Problem(
            where,
            f"'{field_name}' is {length:,} characters; the limit is {limit:,}",
            "error",
            "too-long",
        )
    if kind == "string_too_short":
        return Problem(where, f"'{field_name}' is empty", "error", "empty")
    return Problem(where, f"'{field_name}': {error['msg']}", "error", "invalid")


# ----------------------------------------------------------------------- loading


@dataclass
class _Pending:
    """An entry whose shape is valid, with the tree it was read from: what building it needs."""

    model: EntryModel
    index: int
    path: str
    root: yaml.Node
    zone: str
    warn: tuple[Offset, ...]
    story: str


_BOM = b"\xef\xbb\xbf"
_DIGEST = 16  # bytes of BLAKE2b per chunk
_FEW_PLACED = 256  # placed one by one (a binary search each) rather than sorting them all
_RANK = operator.attrgetter("rank")
_ENTRY: Callable[[_Record], Entry] = operator.attrgetter("entry")  # of a record that has one
_BATCH = 2000  # changed entries parsed together: one small node tree at a time, then dropped


@dataclass(slots=True, eq=False)
class _Record:
    """One item of `events:`, read and built on its own: all that the work across entries needs.

    Problems are kept by the step that found them, to be reported in the order a whole
    load reports them. Locations for problems found later (duplicate ids, relative dates)
    come from `root` (the whole file's tree) or, for an entry read as a chunk, from its
    text read again: that happens only when there is a problem to report.
    """

    path: str
    index: int  # in `events` of `root`; 0 for a chunk (its root holds only that item)
    entry_id: str | None = None  # None: not a valid entry
    invalid_id: str | None = None  # the id of an invalid entry, still a known name
    date_text: str = ""
    parsed: Interval | Relative | None = None
    problems: tuple[Problem, ...] = ()  # the shape of an invalid entry
    date_problem: Problem | None = None
    entry_problems: tuple[Problem, ...] = ()
    entry: Entry | None = None  # built once its date is known
    fields: dict[str, Any] | None = None  # an entry's fields but its date, while that is relative
    root: yaml.Node | None = None
    text: bytes = b""  # a chunk: the file's bytes, the chunk's span and first line
    start: int = 0
    end: int = 0
    first_line: int = 0
    reused: bool = False  # taken from the previous load: its entry's date is from then
    rank: int = -1  # where its entry was in the (previous, once resolved) sorted timeline
    origin: int = -1  # reused unchanged: where its entry was in the previous timeline
    name: str | None = None  # `story:id`, set once the stories are known (see `_resolve`)
    story: str = ""

    def locate(self, keys: Sequence[str | int]) -> Location:
        root, index = self.root, self.index
        if root is None:
            item = _chunk_item(self.text, self.start, self.end, self.first_line, self.path)
            root, index = _wrap(item), 0
        return locate(root, self.path, ["events", index, *keys])


@dataclass
class _FileLoad:
    info: FileInfo
    sources: dict[str, Source]
    records: list[_Record]
    invalid_ids: set[str]
    context: tuple[str, tuple[Offset, ...], str] | None = None  # set when read as chunks
    digests: list[bytes] = field(default_factory=list)  # of each chunk, when read as chunks
    lines: Sequence[int] = ()  # where each chunk begins
    key_at: Location | None = None  # where `key:` is written (None: the key is the file name's)
    head: bytes = b""  # read as chunks: the digest of its head (see `_head_digest`)
    layout: Layout | None = None  # read as chunks: where they are


class _Fallback(Exception):
    """Reading by chunks met something that only reading the whole file reports exactly."""


def load(
    paths: Sequence[str | os.PathLike[str]],
    contents: Mapping[str, bytes] | None = None,
    previous: Mapping[str, Chunks] | None = None,
    unchanged: Collection[str] = (),
) -> LoadResult:
    """Load and resolve every file, one story each; never raises on bad input.

    A story with errors is left out of the timeline (its problems are in the result), and
    so is every entry of another story that counts from it (reported too).

    `contents` holds bytes already read for some paths (the cache hashes exactly the
    bytes that are parsed); other paths are read here. `previous` holds what an earlier
    load of a path kept (`LoadResult.chunks`): its entries whose text is unchanged are
    taken over instead of being parsed again (as new records when their text moved or
    the date they count from changed; nothing of that earlier result is changed).
    `unchanged` names the paths whose bytes are, byte for byte, those `previous` was read
    from (the cache knows it by their digests): those are not even scanned again.
    """
    problems: list[Problem] = []
    loaded: list[_FileLoad] = []
    absent: dict[str, str] = {}  # the stories that could not be read at all: key → path
    for raw in paths:
        path = os.fspath(raw)
        try:
            raw_bytes = contents.get(path) if contents is not None else None
            earlier = previous.get(path) if previous is not None else None
            loaded.append(_load_file(path, problems, raw_bytes, earlier, path in unchanged))
        except _Stop as stop:
            problems.append(stop.problem)
            absent.setdefault(key_from_path(path), path)
    timeline = _resolve(loaded, problems, absent)
    chunks: dict[str, Chunks] = {}
    if not any(p.severity == "error" for p in problems):
        chunks = {f.info.path: _chunks(f) for f in loaded if f.context is not None}
    return LoadResult(timeline, sort_problems(problems, paths), chunks)


def _chunks(file: _FileLoad) -> Chunks:
    """What to keep of an error-free file read as chunks: every chunk gave one entry."""
    records = file.records
    assert file.context is not None
    entries = tuple(map(_ENTRY, records))
    return Chunks(
        file.context,
        b"".join(file.digests),
        array("q", file.lines),
        entries,
        {n: r.parsed for n, r in enumerate(records) if isinstance(r.parsed, Relative)},
        array("q", [r.rank for r in records]),
        array("q", [r.origin for r in records]),
        file.head,
        file.info,
        file.sources,
        file.key_at,
        None
        if file.layout is None
        else Layout(
            array("q", file.layout.starts), array("q", file.layout.lines), file.layout.end
        ),
    )


def _load_file(
    path: str,
    problems: list[Problem],
    raw: bytes | None = None,
    previous: Chunks | None = None,
    same: bool = False,
) -> _FileLoad:
    data = read_bytes(path) if raw is None else raw
    if _plain_utf8(data):
        chunked = _load_chunks(path, data.removeprefix(_BOM), previous, problems, same)
        if chunked is not None:
            return chunked
    return _load_whole(path, decode(data, path), problems)


def _load_whole(path: str, text: str, problems: list[Problem]) -> _FileLoad:
    from .model import EntryModel

    root = compose(text, path)
    if root is None:
        raise _Stop(_problem(path, 1, 1, "the file is empty: expected 'events:'", "empty"))
    expanded_sizes(root, path, limit=max(1_000_000, 4 * len(text)), text=text)
    shape_problems: list[Problem] = []
    data = to_data(root, path, shape_problems)
    if shape_problems:
        # tags, duplicate and merge keys make the rest of the file's shape unreliable:
        # report just those, not the type errors they would cause downstream
        problems.extend(shape_problems[:-1])
        raise _Stop(shape_problems[-1])
    if not isinstance(data, dict):
        raise _Stop(
            Problem(
                _node_location(path, root),
                f"the file must be a mapping with 'events:', not {_describe(data)}",
                "error",
                "type",
            )
        )
    events = data.pop("events", [])
    head, zone, file_warn = _read_head(data, root, path, problems)
    info = _info(path, head, zone, file_warn)
    key = info.key
    records: list[_Record] = []
    invalid_ids: set[str] = set()
    if not isinstance(events, list):
        problems.append(
            Problem(
                locate(root, path, ["events"]),
                f"'events' must be a list, not {_describe(events)}",
                "error",
                "type",
            )
        )
        events = []
    validate = EntryModel.model_validate
    for index, raw_entry in enumerate(events):
        record = _record(raw_entry, root, path, index, zone, file_warn, key, validate)
        problems.extend(record.problems)
        if record.invalid_id is not None:
            invalid_ids.add(record.invalid_id)
        records.append(record)
    return _FileLoad(
        info, _sources(head), records, invalid_ids, key_at=_key_location(head, root, path)
    )


def _read_head(
    data: dict[str, Any], root: yaml.Node, path: str, problems: list[Problem]
) -> tuple[FileModel, str, tuple[Offset, ...]]:
    """The file's own keys (everything but `events`): the model, its zone and lead times."""
    from pydantic import ValidationError

    from .model import FileModel

    head: FileModel | None = None
    try:
        head = FileModel.model_validate(data)
    except ValidationError as error:
        problems.extend(_pydantic_problem(e, (), root, path) for e in error.errors())
        try:
            head = FileModel.model_validate(
                {
                    k: v
                    for k, v in data.items()
                    if k not in {str(e["loc"][0]) for e in error.errors()}
                }
            )
        except ValidationError:
            head = FileModel()
    zone = head.timezone
    try:
        dates.get_zone(zone)
    except DateError as error:
        problems.append(
            Problem(locate(root, path, ["timezone"]), error.message, "error", "unknown-zone")
        )
        zone = "UTC"
    file_warn = _lead_times(head.warn, root, path, ["warn"], problems)
    return head, zone, file_warn


def _info(path: str, head: FileModel, zone: str, warn: tuple[Offset, ...]) -> FileInfo:
    return FileInfo(path, head.title, zone, warn, head.key or key_from_path(path))


def _key_location(head: FileModel, root: yaml.Node, path: str) -> Location | None:
    return locate(root, path, ["key"]) if head.key else None


def _sources(head: FileModel) -> dict[str, Source]:
    return {
        source_id: Source(source_id, s.title, s.publisher, s.url)
        for source_id, s in head.sources.items()
    }


def _record(
    raw: Any,
    root: yaml.Node,
    path: str,
    index: int,
    zone: str,
    warn: tuple[Offset, ...],
    story: str,
    validate: Callable[[Any], EntryModel],
) -> _Record:
    """Validate one item of `events:`, parse its date and build its entry: the work that
    depends on nothing else in the file (but its zone and lead times)."""
    from pydantic import ValidationError

    record = _Record(path, index, root=root)
    try:
        model = validate(raw)
    except ValidationError as error:
        record.problems = tuple(
            _pydantic_problem(e, ("events", index), root, path) for e in error.errors()
        )
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            record.invalid_id = raw["id"]
        return record
    item = _Pending(model, index, path, root, zone, warn, story)
    record.entry_id, record.date_text = model.id, model.date
    try:
        record.parsed = dates.parse_date(model.date, zone)
    except DateError as error:
        location = scalar_location(root, path, ["events", index, "date"], error.offset)
        record.date_problem = Problem(
            location, f"bad date '{_clip(model.date)}': {error.message}", "error", "bad-date"
        )
    parsed = record.parsed
    entry_problems: list[Problem] = []
    fields = _entry_fields(item, entry_problems)
    if fields is not None and isinstance(parsed, Interval):
        record.entry = Entry(date=parsed, **fields)
    elif fields is not None and isinstance(parsed, Relative):
        record.fields = fields  # the entry is built once its date is resolved
    record.entry_problems = tuple(entry_problems)
    return record


# ------------------------------------------------------------ reading by chunks


def _load_chunks(
    path: str, data: bytes, previous: Chunks | None, problems: list[Problem], same: bool
) -> _FileLoad | None:
    """The file read as a header and one chunk per entry, taking unchanged entries from
    `previous` (all of them when `same`: the bytes are those it was read from); None when
    only reading the whole file can give the exact answer (then nothing was added to
    `problems`)."""
    layout = previous.layout if previous is not None and same else None
    if previous is not None and layout is not None and previous.info is not None:
        # byte for byte what the previous load read: its chunks, where they were
        split, head = None, previous.head
    else:
        split = scan.split_events(data)
        if split is None:
            return None
        layout = Layout(split.starts, split.lines, split.end)
        head = _head_digest(split)
    found: list[Problem] = []
    try:
        loaded = _read_chunks(path, data, split, layout, head, previous, found)
    except (_Stop, _Fallback):
        return None
    problems.extend(found)
    return loaded


def _read_chunks(
    path: str,
    data: bytes,
    split: scan.Split | None,
    layout: Layout,
    head: bytes,
    previous: Chunks | None,
    problems: list[Problem],
) -> _FileLoad:
    """The file by chunks at `layout`; `split` is None when the file is byte for byte the
    one `previous` was read from (then its head is too, and every chunk is unchanged)."""
    if previous is not None and previous.head == head and previous.info is not None:
        # the file's own keys are as the previous (error-free) load read them
        info, sources, key_at = previous.info, previous.sources, previous.key_at
        zone, file_warn = info.timezone, info.warn
    else:
        assert split is not None  # a file unchanged since `previous` has its head
        info, sources, key_at = _read_head_chunk(path, split, problems)
        zone, file_warn = info.timezone, info.warn
    context = (zone, file_warn, info.key)
    reusable: dict[bytes, int] = {}
    if previous is not None and previous.context == context:
        packed = previous.digests
        known = (packed[at : at + _DIGEST] for at in range(0, len(packed), _DIGEST))
        reusable = dict(zip(known, range(len(previous.entries)), strict=False))
    starts, lines = layout.starts, layout.lines
    ends = (*starts[1:], layout.end)
    if split is None:
        assert previous is not None
        packed = previous.digests
        digests = [packed[at : at + _DIGEST] for at in range(0, len(packed), _DIGEST)]
    else:
        blake2b = hashlib.blake2b
        digests = [
            blake2b(data[start:end], digest_size=_DIGEST).digest()
            for start, end in zip(starts, ends, strict=True)
        ]
    records: list[_Record] = []
    missing: list[int] = []
    take = reusable.pop
    for index, digest in enumerate(digests):
        position = take(digest, None)  # each previous entry is taken once at most
        if position is not None:
            assert previous is not None
            start, end = starts[index], ends[index]
            record = _reused(previous, position, path, data, start, end, lines[index])
        else:
            record = _Record(path, 0)
            record.text, record.start, record.end = data, starts[index], ends[index]
            record.first_line = lines[index]
            missing.append(index)
        records.append(record)
    if missing:
        from .model import EntryModel

        assert split is not None  # every chunk of an unchanged file is in `previous`
        validate = EntryModel.model_validate
        for batch in _batches(missing):
            _parse_batch(batch, records, split, data, path, context, validate)
    invalid_ids: set[str] = set()
    for index in missing:  # a reused entry has neither problems nor an invalid id
        record = records[index]
        problems.extend(record.problems)
        if record.invalid_id is not None:
            invalid_ids.add(record.invalid_id)
    return _FileLoad(
        info, sources, records, invalid_ids, context, digests, lines, key_at, head, layout
    )


def _head_digest(split: scan.Split) -> bytes:
    """The digest of a file's own keys as written (the events block's emptied lines at the
    end left out, so that adding an entry keeps it) and of where `events:` is."""
    text = f"{split.key_line}\n{split.header.rstrip()}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=_DIGEST).digest()


def _read_head_chunk(
    path: str, split: scan.Split, problems: list[Problem]
) -> tuple[FileInfo, dict[str, Source], Location | None]:
    """The file's own keys, from the header of a file read as chunks."""
    root = compose(split.header, path)
    if not isinstance(root, yaml.MappingNode):
        raise _Fallback
    _check_depth(root, path)
    shape: list[Problem] = []
    keys = to_data(root, path, shape)
    events = next((v for k, v in root.value if getattr(k, "value", None) == "events"), None)
    if (
        shape
        or not isinstance(keys, dict)
        or keys.get("events", "") is not None
        or events is None
        or events.start_mark.line + 1 != split.key_line
    ):
        raise _Fallback
    del keys["events"]
    head, zone, file_warn = _read_head(keys, root, path, problems)
    return _info(path, head, zone, file_warn), _sources(head), _key_location(head, root, path)


def _batches(indices: Sequence[int]) -> Iterator[list[int]]:
    """Runs of consecutive indices, at most `_BATCH` long: text that parses in one go."""
    batch: list[int] = []
    for index in indices:
        if batch and (index != batch[-1] + 1 or len(batch) == _BATCH):
            yield batch
            batch = []
        batch.append(index)
    if batch:
        yield batch


def _parse_batch(
    batch: list[int],
    records: list[_Record],
    split: scan.Split,
    data: bytes,
    path: str,
    context: tuple[str, tuple[Offset, ...], str],
    validate: Callable[[Any], EntryModel],
) -> None:
    zone, warn, story = context
    first, last = batch[0], batch[-1]
    end = split.starts[last + 1] if last + 1 < len(split.starts) else split.end
    node = _compose_at(data, split.starts[first], end, split.lines[first], path)
    if not isinstance(node, yaml.SequenceNode) or len(node.value) != len(batch):
        raise _Fallback
    # the chunk is one level below `events:`, two below the file's root
    _check_depth(node, path, MAX_DEPTH - 1)
    lines = split.lines
    for index, item in zip(batch, node.value, strict=True):
        line = item.start_mark.line + 1
        if line < lines[index] or (index + 1 < len(lines) and line >= lines[index + 1]):
            raise _Fallback  # the scan and the parser disagree on where the entry is
        shape: list[Problem] = []
        raw = to_data(item, path, shape)
        if shape:
            raise _Fallback
        record = _record(raw, _wrap(item), path, 0, zone, warn, story, validate)
        record.root = None  # located again from the text when needed; the tree goes now
        kept = records[index]
        record.text, record.start, record.end = kept.text, kept.start, kept.end
        record.first_line = kept.first_line
        records[index] = record


def _compose_at(data: bytes, start: int, end: int, line: int, path: str) -> yaml.Node | None:
    """Compose `data[start:end]` as if it began on line `line`, so marks are the file's own."""
    return compose("\n" * (line - 1) + data[start:end].decode("utf-8"), path)


def _wrap(item: yaml.Node) -> yaml.Node:
    """A root holding just `events: [item]`, so entry paths (`events`, 0, ...) find it."""
    events = yaml.SequenceNode(f"{_YAML_TAG}seq", [item])
    key = yaml.ScalarNode(f"{_YAML_TAG}str", "events")
    return yaml.MappingNode(f"{_YAML_TAG}map", [(key, events)])


def _chunk_item(data: bytes, start: int, end: int, line: int, path: str) -> yaml.Node:
    node = _compose_at(data, start, end, line, path)
    assert isinstance(node, yaml.SequenceNode) and node.value  # it parsed like this before
    return cast(yaml.Node, node.value[0])


def _reused(
    previous: Chunks, position: int, path: str, data: bytes, start: int, end: int, line: int
) -> _Record:
    """The record of an unchanged chunk (`data[start:end]`, now from line `line`), from
    what the previous load kept of it; made in one call, as there are 100,000s."""
    entry = moved(previous.entries[position], line - previous.lines[position])
    parsed = previous.relative.get(position) or entry.date
    rank = previous.ranks[position]
    return _Record(
        path,
        0,
        entry_id=entry.id,
        date_text=entry.date_text,
        parsed=parsed,
        entry=entry,
        text=data,
        start=start,
        end=end,
        first_line=line,
        reused=True,
        rank=rank,
        origin=rank,
    )


def _lead_times(
    texts: Sequence[str], root: yaml.Node, path: str, keys: list[str | int], problems: list[Problem]
) -> tuple[Offset, ...]:
    result: list[Offset] = []
    for index, text in enumerate(texts):
        try:
            offset = dates.parse_offset(text)
        except DateError as error:
            problems.append(
                Problem(
                    locate(root, path, [*keys, index]),
                    f"bad lead time '{_clip(text)}': {error.message}",
                    "error",
                    "bad-lead-time",
                )
            )
            continue
        result.append(offset)
    return tuple(result)


def _date(
    text: str, zone: str, item: _Pending, keys: list[str | int], problems: list[Problem]
) -> Interval | None:
    """An absolute date (announced, claims, changes); relative ones are not allowed there."""
    try:
        value = dates.parse_date(text, zone)
    except DateError as error:
        location = scalar_location(
            item.root, item.path, ["events", item.index, *keys], error.offset
        )
        problems.append(
            Problem(location, f"bad date '{_clip(text)}': {error.message}", "error", "bad-date")
        )
        return None
    if isinstance(value, Relative):
        location = locate(item.root, item.path, ["events", item.index, *keys])
        problems.append(
            Problem(
                location,
                f"'{keys[-1]}' must be a date, not relative to another entry ('{_clip(text)}')",
                "error",
                "bad-date",
            )
        )
        return None
    return value




def _target(ref: str, story: str) -> str:
    """`story:id` of what a relative date written in `story` counts from."""
    return ref if ":" in ref else f"{story}:{ref}"


def _qualified(relative: Relative, story: str) -> Relative:
    """The relative date with its `ref` as `story:id` (its text as written)."""
    ref = _target(relative.ref, story)
    return relative if ref == relative.ref else replace(relative, ref=ref)


def _unique_keys(
    files: list[_FileLoad], absent: Mapping[str, str], problems: list[Problem]
) -> list[_FileLoad]:
    """The stories whose keys no earlier story (or one that did not load) has; each other
    is reported, naming both files, and left out."""
    first: dict[str, str] = dict(absent)
    kept: list[_FileLoad] = []
    for file in files:
        key, path = file.info.key, file.info.path
        other = first.setdefault(key, path)
        if other == path:
            kept.append(file)
            continue
        where = file.key_at or Location(path, 1, 1)
        how = "its 'key:'" if file.key_at else "its file name"
        problems.append(
            Problem(
                where,
                f"story key '{key}' (from {how}) is also the key of {other}; two stories "
                f"cannot share a key: write another 'key:' at the top of one of them",
                "error",
                "duplicate-key",
            )
        )
    return kept


def _resolve(
    files: list[_FileLoad], problems: list[Problem], absent: Mapping[str, str] | None = None
) -> Timeline:
    """Across all files: unique story keys, ids unique per story, references, relative
    dates, cycles; then every story with an error is left out, and so is every entry of
    another story whose date counts from one left out (reported, located).

    Entries are named `story:id` here (`_Record.name`); `absent` holds the keys (and paths)
    of the files that could not be read at all.
    """
    absent = absent or {}
    files = _unique_keys(files, absent, problems)
    seen: dict[str, _Record] = {}
    order: list[_Record] = []
    invalid_ids: set[str] = set()
    for file in files:
        key = file.info.key
        invalid_ids.update(f"{key}:{entry_id}" for entry_id in file.invalid_ids)
        for record in file.records:
            record.story = key
            record.name = None if record.entry_id is None else f"{key}:{record.entry_id}"
    records = [record for file in files for record in file.records]
    unique = dict(zip([record.name for record in records], records, strict=True))
    if len(unique) == len(records) and None not in unique:
        # every entry valid and no id twice (nearly always): nothing to report one by one
        seen, order = cast(dict[str, _Record], unique), records
        records = []
    for record in records:
        name = record.name
        if name is None:
            continue
        first = seen.get(name)
        if first is not None:
            here = record.locate(["id"])
            there = first.locate(["id"])
            problems.append(
                Problem(
                    here,
                    f"duplicate id '{record.entry_id}' (first defined at {there})",
                    "error",
                    "duplicate-id",
                )
            )
            continue
        seen[name] = record
        order.append(record)

    problems.extend(r.date_problem for r in order if r.date_problem is not None)
    resolved: dict[str, Interval] = {}
    relative: list[_Record] = []
    for record in order:
        parsed = record.parsed
        if isinstance(parsed, Interval):
            resolved[cast(str, record.name)] = parsed
        elif parsed is not None:
            relative.append(record)
    failed: set[str] = set()
    for record in relative:
        if record.name not in resolved:
            _resolve_relative(record, seen, resolved, failed, invalid_ids, absent, problems)
    for record in order:
        # reported even when the date failed, so that every problem is
        if record.entry_problems:
            problems.extend(record.entry_problems)

    broken = {p.location.path for p in problems if p.severity == "error" and p.code != LEFT_OUT}
    if broken or failed:
        order = _leave_out(order, seen, resolved, broken, problems)
        files = [file for file in files if file.info.path not in broken]
    # ids are per story, source ids too: each story keeps its own table
    sources = {file.info.key: file.sources for file in files}

    kept: list[_Record] = []  # reused, with the date they had: in order by their rank
    placed: list[_Record] = []  # new, or with a date resolved anew: to be put in place
    for record in order:
        before = record.entry
        interval = resolved.get(cast(str, record.name))
        entry: Entry | None = None
        if interval is not None and record.fields is not None:
            written = _qualified(cast(Relative, record.parsed), record.story)
            entry = Entry(date=interval, relative=written, **record.fields)
        elif before is not None and interval is not None:
            # a reused entry whose relative date counts from a date that moved: a new one
            same = before.date is interval or before.date == interval  # `is`: the quick case
            entry = before if same else replace(before, date=interval)
        if entry is not before:
            record.origin = -1  # not as the previous load stored it
        record.entry, record.fields = entry, None
        if entry is None:
            continue
        if entry is before and record.reused:
            kept.append(record)
        else:
            placed.append(record)
    # the previous load's ranks come from the same sort, so the entries it gave with
    # unchanged dates are in order by rank; the few others are put in place
    kept.sort(key=_RANK)
    if len(placed) > _FEW_PLACED:
        kept += placed
        kept.sort(key=_by_date)
    else:
        for record in sorted(placed, key=_by_date):
            insort(kept, record, key=_by_date)
    for place, record in enumerate(kept):
        record.rank = place
    entries = tuple(map(_ENTRY, kept))
    return Timeline(tuple(f.info for f in files), entries, sources)


def _by_date(record: _Record) -> tuple[datetime, int, str]:
    """`Interval.sort_key`, then the id: aware datetimes compare as instants, as in UTC."""
    entry = cast(Entry, record.entry)
    return entry.date.start, entry.date.precision, entry.id


def _leave_out(
    order: list[_Record],
    seen: dict[str, _Record],
    resolved: dict[str, Interval],
    broken: set[str],
    problems: list[Problem],
) -> list[_Record]:
    """The records of the stories without errors (not in `broken`, by path), but those
    whose date counts, directly or along a chain, from an entry left out: each of those
    is reported where its date is written, naming what it counts from."""
    causes: dict[str, str | None] = {}  # `story:id` → the entry left out it counts from
    kept: list[_Record] = []
    for record in order:
        if record.path in broken:
            continue
        cause = _left_out_cause(record, seen, broken, causes)
        if cause is None and record.name in resolved:
            kept.append(record)
            continue
        relative = record.parsed
        ref = _target(relative.ref, record.story) if isinstance(relative, Relative) else "?"
        cause = cause or ref
        story = cause.partition(":")[0]
        via = "" if cause == ref else f", which counts from '{cause}'"
        problems.append(
            Problem(
                record.locate(["date"]),
                f"'{record.entry_id}' is left out: its date counts from '{ref}'{via}, "
                f"and story '{story}' has errors and is left out",
                "error",
                LEFT_OUT,
            )
        )
    return kept


def _left_out_cause(
    record: _Record, seen: dict[str, _Record], broken: set[str], causes: dict[str, str | None]
) -> str | None:
    """The first entry along the chain of dates `record` counts from that is left out
    (its story is broken, or it could not be read), or None."""
    chain: list[str] = []
    item = record
    cause: str | None = None
    while True:
        name = cast(str, item.name)
        if name in causes:
            cause = causes[name]
            break
        parsed = item.parsed
        if not isinstance(parsed, Relative) or name in chain:
            break
        chain.append(name)
        target = _target(parsed.ref, item.story)
        base = seen.get(target)
        if base is None or base.path in broken:
            cause = target
            break
        item = base
    for name in chain:
        causes[name] = cause
    return cause


def _resolve_relative(    start: _Record,
    seen: dict[str, _Record],
    resolved: dict[str, Interval],
    failed: set[str],
    invalid_ids: set[str],
    absent: Mapping[str, str],
    problems: list[Problem],
) -> None:
    """Follow one chain of relative dates (iteratively), then resolve it back to front.

    Entries are named `story:id`. Unknown ids and cycles are reported once, on the entries
    that hold them; every entry that depends on a failure fails quietly here (the cause is
    already reported; `_leave_out` reports those of other stories).
    """
    chain: list[_Record] = []
    position: dict[str, int] = {}
    item = start
    while item.name not in resolved:
        name = cast(str, item.name)
        parsed = item.parsed
        if name in failed or not isinstance(parsed, Relative):
            failed.update(cast(str, p.name) for p in chain)
            return
        if name in position:
            cycle = chain[position[name] :]
            names = [*(cast(str, p.name) for p in cycle), name]
            # within one story, by id; across stories, each as `story:id`
            one = len({member.story for member in cycle}) == 1
            text = " → ".join(n.partition(":")[2] if one else n for n in names)
            for member in cycle:
                problems.append(
                    Problem(
                        member.locate(["date"]),
                        f"relative dates form a cycle: {text}",
                        "error",
                        "cycle",
                    )
                )
            failed.update(cast(str, p.name) for p in chain)
            return
        position[name] = len(chain)
        chain.append(item)
        ref = _target(parsed.ref, item.story)
        target = seen.get(ref)
        if target is None:
            if ref not in invalid_ids:
                problems.append(_unknown_reference(item, parsed.ref, ref, seen, invalid_ids,
                                                   absent))
            failed.update(cast(str, p.name) for p in chain)
            return
        item = target
    for member in reversed(chain):
        relative = member.parsed
        assert isinstance(relative, Relative)
        ref = _target(relative.ref, member.story)
        base = resolved[ref]
        target = seen[ref]
        before = _date_before(target)
        if member.reused and target.reused and member.entry and (base is before or base == before):
            # both texts unchanged and the date it counts from is the one of the previous
            # load: so is this one (shifting dates is the slow part of a load)
            resolved[cast(str, member.name)] = member.entry.date
            continue
        try:
            zone = (  # the entry's own zone: a day is a calendar day where it is written
                member.entry.zone if member.entry is not None
                else member.fields["zone"] if member.fields is not None
                else base.zone
            )
            resolved[cast(str, member.name)] = dates.shift(
                base, relative.sign, relative.offset, zone
            )
        except (DateError, OverflowError, ValueError) as error:
            message = error.message if isinstance(error, DateError) else "date out of range"
            problems.append(
                Problem(
                    member.locate(["date"]),
                    f"bad date '{_clip(member.date_text)}': {message}",
                    "error",
                    "bad-date",
                )
            )
            failed.update(cast(str, p.name) for p in chain)
            return


def _unknown_reference(
    item: _Record,
    written: str,
    ref: str,
    seen: Mapping[str, _Record],
    invalid_ids: set[str],
    absent: Mapping[str, str],
) -> Problem:
    """What is wrong with a relative date whose base is not loaded: a story that could not
    be read, a story or an id that does not exist (with the nearest one, or the story
    that has the id)."""
    story, _, entry_id = ref.partition(":")
    where = item.locate(["date"])
    if story in absent:
        return Problem(
            where,
            f"'{item.entry_id}' is left out: its date counts from '{ref}', and story "
            f"'{story}' ({absent[story]}) has errors and is left out",
            "error",
            LEFT_OUT,
        )
    names = [*seen, *invalid_ids]
    stories = {name.partition(":")[0] for name in names}
    if story not in stories:
        return Problem(
            where,
            f"unknown story '{story}' in relative date{suggest(story, sorted(stories))}",
            "error",
            "unknown-reference",
        )
    ids = [name.partition(":")[2] for name in names if name.startswith(f"{story}:")]
    hint = suggest(entry_id, ids)
    if not hint and ":" not in written:
        elsewhere = sorted(name for name in names if name.partition(":")[2] == entry_id)
        if elsewhere:
            hint = f" (story '{elsewhere[0].partition(':')[0]}' has it: write '{elsewhere[0]}')"
    shown = written if ":" in written else entry_id
    return Problem(
        where,
        f"unknown id '{shown}' in relative date{hint}",
        "error",
        "unknown-reference",
    )


def _date_before(record: _Record) -> Interval | None:
    """The date a reused entry had at the previous load (None when it was not reused)."""
    return record.entry.date if record.reused and record.entry is not None else None


def _entry_fields(item: _Pending, problems: list[Problem]) -> dict[str, Any] | None:
    """Everything an entry holds but its date (which may count from another entry), or
    None when a part of it has an error (then in `problems`)."""
    model = item.model
    loc: list[str | int] = ["events", item.index]
    before = len(problems)
    announced = (
        _date(model.announced, item.zone, item, ["announced"], problems)
        if model.announced
        else None
    )
    warn = item.warn
    if model.warn is not None:
        warn = _lead_times(model.warn, item.root, item.path, [*loc, "warn"], problems)
    claims = _claims(model.claims, item, ["claims"], problems)
    changes: list[Change] = []
    for index, change in enumerate(model.changes):
        built = _change(change, item, ["changes", index], problems)
        if built is not None:
            changes.append(built)
    if any(p.severity == "error" for p in problems[before:]):
        return None
    return {
        "id": model.id,
        "title": model.title,
        "date_text": model.date,
        "kind": sys.intern(model.kind),
        "tags": _words(model.tags),
        "actors": _words(model.actors),
        "summary": model.summary,
        "sources": _words(model.sources),
        "confidence": model.confidence.value,
        "announced": announced,
        "warn": _longest_first(warn),
        "warn_explicit": model.warn is not None,
        "claims": claims,
        "changes": tuple(changes),
        "consequence": model.consequence,
        "zone": item.zone,
        "location": locate(item.root, item.path, loc),
        "story": item.story,
    }


def _words(values: Sequence[str]) -> tuple[str, ...]:
    """Tags, actors and sources repeat across entries: one string each, stored once."""
    return tuple(map(sys.intern, values))


@functools.lru_cache(maxsize=256)
def _longest_first(warn: tuple[Offset, ...]) -> tuple[Offset, ...]:
    # one tuple for every entry with the same lead times (most share the file's)
    return dates.longest_first(warn)


def _claims(
    models: Sequence[ClaimModel], item: _Pending, keys: list[str | int], problems: list[Problem]
) -> tuple[Claim, ...]:
    claims: list[Claim] = []
    for index, claim in enumerate(models):
        when = _date(claim.date, item.zone, item, [*keys, index, "date"], problems)
        announced = (
            _date(claim.announced, item.zone, item, [*keys, index, "announced"], problems)
            if claim.announced is not None
            else None
        )
        if when is not None and (claim.announced is None or announced is not None):
            where = locate(item.root, item.path, ["events", item.index, *keys, index])
            claims.append(Claim(when, tuple(claim.sources), claim.note, where, announced))
    return tuple(claims)


def _change(
    model: ChangeModel, item: _Pending, keys: list[str | int], problems: list[Problem]
) -> Change | None:
    announced = _date(model.announced, item.zone, item, [*keys, "announced"], problems)
    new_date = _date(model.date, item.zone, item, [*keys, "date"], problems) if model.date else None
    if announced is None or (model.date and new_date is None):
        return None
    if model.date is None and model.status is None and model.note is None:
        problems.append(
            Problem(
                locate(item.root, item.path, ["events", item.index, *keys]),
                "a change must set 'date', 'status' or 'note'",
                "error",
                "empty-change",
            )
        )
        return None
    return Change(
        announced=announced,
        date=new_date,
        status=model.status.value if model.status else None,
        note=model.note,
        sources=tuple(model.sources),
        claims=_claims(model.claims, item, [*keys, "claims"], problems),
        location=locate(item.root, item.path, ["events", item.index, *keys]),
    )
