"""YAML files → a resolved `Timeline`, with every problem located.

The pipeline, per file: bytes → text (UTF-8, no binary) → YAML node tree (safe, via
libyaml when present) → plain data (no tags, no alias bombs, no duplicate keys) →
pydantic models (shape) → across all files: ids, references, relative dates and
cycles → `Timeline`. Nothing raises on bad input: problems are collected as records
and returned beside whatever could be loaded.
"""

from __future__ import annotations

import difflib
import gc
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import dates
from .dates import DateError, Interval, Offset, Relative
from .result import LoadResult, sort_problems  # re-exported: callers import them from here
from .timeline import (
    Change,
    Claim,
    Entry,
    FileInfo,
    Location,
    Problem,
    Source,
    Timeline,
)

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
    p = Path(path)
    try:
        if p.is_dir():
            raise _Stop(_problem(path, 1, 1, "is a directory, not a timeline file", "not-a-file"))
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _Stop(
                _problem(
                    path,
                    1,
                    1,
                    f"file is {size / 2**20:.0f} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB",
                    "too-large",
                )
            )
        data = p.read_bytes()
    except FileNotFoundError:
        raise _Stop(_problem(path, 1, 1, "no such file", "no-file")) from None
    except PermissionError:
        raise _Stop(_problem(path, 1, 1, "permission denied", "unreadable")) from None
    except OSError as error:
        raise _Stop(_problem(path, 1, 1, f"cannot read: {error.strerror}", "unreadable")) from None
    return decode(data, path)


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


def _check_depth(root: yaml.Node, path: str) -> None:
    """The depth limit of `expanded_sizes` for a plain tree, reporting the same node.

    Visits nodes in the same order, but pushes only collections: scalars have nothing
    below them, so they can only be too deep when their parent is at the limit.
    """
    mapping, sequence = yaml.MappingNode, yaml.SequenceNode
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        if depth > MAX_DEPTH:
            raise _too_deep(path, node)
        kind = node.__class__
        if kind is mapping:
            if node.value and depth == MAX_DEPTH:
                raise _too_deep(path, node.value[-1][1])
            for key, value in node.value:
                if key.__class__ is mapping or key.__class__ is sequence:
                    push((key, depth + 1))
                if value.__class__ is mapping or value.__class__ is sequence:
                    push((value, depth + 1))
        elif kind is sequence:
            if node.value and depth == MAX_DEPTH:
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
    return text if len(text) <= width else text[: width - 1] + "…"


def _known_keys(loc: Sequence[str | int]) -> tuple[str, ...]:
    from .model import KNOWN_KEYS

    kind = "file"
    for part in loc:
        if isinstance(part, str):
            kind = _KIND_BY_CONTAINER.get(part, kind)
    if loc and loc[0] == "sources" and len(loc) == 2:
        kind = "source"
    return KNOWN_KEYS[kind]


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
        known = _known_keys(loc[:-1])
        message = f"unknown key '{name}'{suggest(str(name), known)}"
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
    """An entry whose shape is valid, waiting for its date to be resolved."""

    model: EntryModel
    index: int
    path: str
    root: yaml.Node
    zone: str
    warn: tuple[Offset, ...]
    parsed: Interval | Relative | None = None


@dataclass
class _FileLoad:
    info: FileInfo
    sources: dict[str, Source]
    pending: list[_Pending]
    invalid_ids: set[str]


def load(
    paths: Sequence[str | os.PathLike[str]], contents: Mapping[str, bytes] | None = None
) -> LoadResult:
    """Load and resolve every file; never raises on bad input.

    `contents` holds bytes already read for some paths (the cache hashes exactly the
    bytes that are parsed); other paths are read here.
    """
    problems: list[Problem] = []
    loaded: list[_FileLoad] = []
    # Building many small objects triggers the cyclic collector over and over while
    # nothing here can form a cycle worth collecting: pause it (2-3x faster at 100k).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for raw in paths:
            path = os.fspath(raw)
            try:
                raw_bytes = contents.get(path) if contents is not None else None
                loaded.append(_load_file(path, problems, raw_bytes))
            except _Stop as stop:
                problems.append(stop.problem)
        timeline = _resolve(loaded, problems)
    finally:
        if was_enabled:
            gc.enable()
    return LoadResult(timeline, sort_problems(problems, paths))


def _load_file(path: str, problems: list[Problem], raw: bytes | None = None) -> _FileLoad:
    from pydantic import ValidationError

    from .model import EntryModel, FileModel

    text = read_text(path) if raw is None else decode(raw, path)
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

    pending: list[_Pending] = []
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
        try:
            model = validate(raw_entry)
        except ValidationError as error:
            problems.extend(
                _pydantic_problem(e, ("events", index), root, path) for e in error.errors()
            )
            if isinstance(raw_entry, dict) and isinstance(raw_entry.get("id"), str):
                invalid_ids.add(raw_entry["id"])
            continue
        pending.append(_Pending(model, index, path, root, zone, file_warn))
    sources = {
        source_id: Source(source_id, s.title, s.publisher, s.url)
        for source_id, s in head.sources.items()
    }
    info = FileInfo(path, head.title, zone, file_warn)
    return _FileLoad(info, sources, pending, invalid_ids)


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


def _resolve(files: list[_FileLoad], problems: list[Problem]) -> Timeline:
    """Across all files: unique ids, references, relative dates, cycles."""
    seen: dict[str, _Pending] = {}
    order: list[_Pending] = []
    invalid_ids = set().union(*(f.invalid_ids for f in files)) if files else set()
    sources: dict[str, Source] = {}
    for file in files:
        for source_id, source in file.sources.items():
            sources.setdefault(source_id, source)
        for item in file.pending:
            entry_id = item.model.id
            first = seen.get(entry_id)
            if first is not None:
                here = locate(item.root, item.path, ["events", item.index, "id"])
                there = locate(first.root, first.path, ["events", first.index, "id"])
                problems.append(
                    Problem(
                        here,
                        f"duplicate id '{entry_id}' (first defined at {there})",
                        "error",
                        "duplicate-id",
                    )
                )
                continue
            seen[entry_id] = item
            order.append(item)

    for item in order:
        try:
            item.parsed = dates.parse_date(item.model.date, item.zone)
        except DateError as error:
            location = scalar_location(
                item.root, item.path, ["events", item.index, "date"], error.offset
            )
            problems.append(
                Problem(
                    location,
                    f"bad date '{_clip(item.model.date)}': {error.message}",
                    "error",
                    "bad-date",
                )
            )

    resolved: dict[str, Interval] = {}
    for item in order:
        if isinstance(item.parsed, Interval):
            resolved[item.model.id] = item.parsed
    failed: set[str] = set()
    for item in order:
        if isinstance(item.parsed, Relative) and item.model.id not in resolved:
            _resolve_relative(item, seen, resolved, failed, invalid_ids, problems)

    entries: list[Entry] = []
    for item in order:
        # built even when the date failed, so that its other problems are reported too
        entry = _entry(item, resolved.get(item.model.id), problems)
        if entry is not None:
            entries.append(entry)
    entries.sort(key=lambda e: (*e.date.sort_key(), e.id))
    return Timeline(tuple(f.info for f in files), tuple(entries), sources)


def _resolve_relative(
    start: _Pending,
    seen: dict[str, _Pending],
    resolved: dict[str, Interval],
    failed: set[str],
    invalid_ids: set[str],
    problems: list[Problem],
) -> None:
    """Follow one chain of relative dates (iteratively), then resolve it back to front.

    Unknown ids and cycles are reported once, on the entries that hold them; every
    entry that depends on a failure fails quietly (the cause is already reported).
    """
    chain: list[_Pending] = []
    position: dict[str, int] = {}
    item = start
    while item.model.id not in resolved:
        entry_id = item.model.id
        parsed = item.parsed
        if entry_id in failed or not isinstance(parsed, Relative):
            failed.update(p.model.id for p in chain)
            return
        if entry_id in position:
            cycle = chain[position[entry_id] :]
            text = " → ".join([*(p.model.id for p in cycle), entry_id])
            for member in cycle:
                problems.append(
                    Problem(
                        locate(member.root, member.path, ["events", member.index, "date"]),
                        f"relative dates form a cycle: {text}",
                        "error",
                        "cycle",
                    )
                )
            failed.update(p.model.id for p in chain)
            return
        position[entry_id] = len(chain)
        chain.append(item)
        target = seen.get(parsed.ref)
        if target is None:
            if parsed.ref not in invalid_ids:
                problems.append(
                    Problem(
                        locate(item.root, item.path, ["events", item.index, "date"]),
                        f"unknown id '{parsed.ref}' in relative date"
                        f"{suggest(parsed.ref, [*seen, *invalid_ids])}",
                        "error",
                        "unknown-reference",
                    )
                )
            failed.update(p.model.id for p in chain)
            return
        item = target
    for member in reversed(chain):
        relative = member.parsed
        assert isinstance(relative, Relative)
        try:
            resolved[member.model.id] = dates.shift(
                resolved[relative.ref], relative.sign, relative.offset
            )
        except (DateError, OverflowError, ValueError) as error:
            message = error.message if isinstance(error, DateError) else "date out of range"
            problems.append(
                Problem(
                    locate(member.root, member.path, ["events", member.index, "date"]),
                    f"bad date '{_clip(member.model.date)}': {message}",
                    "error",
                    "bad-date",
                )
            )
            failed.update(p.model.id for p in chain)
            return


def _entry(item: _Pending, interval: Interval | None, problems: list[Problem]) -> Entry | None:
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
    if interval is None or any(p.severity == "error" for p in problems[before:]):
        return None
    return Entry(
        id=model.id,
        title=model.title,
        date=interval,
        date_text=model.date,
        kind=model.kind,
        tags=tuple(model.tags),
        actors=tuple(model.actors),
        summary=model.summary,
        sources=tuple(model.sources),
        confidence=model.confidence.value,
        announced=announced,
        warn=tuple(sorted(set(warn), key=_lead_days, reverse=True)),
        warn_explicit=model.warn is not None,
        claims=claims,
        changes=tuple(changes),
        consequence=model.consequence,
        zone=item.zone,
        location=locate(item.root, item.path, loc),
    )


def _lead_days(offset: Offset) -> int:
    return offset.amount * {"d": 1, "w": 7, "mo": 30, "y": 365}[offset.unit]


def _claims(
    models: Sequence[ClaimModel], item: _Pending, keys: list[str | int], problems: list[Problem]
) -> tuple[Claim, ...]:
    claims: list[Claim] = []
    for index, claim in enumerate(models):
        when = _date(claim.date, item.zone, item, [*keys, index, "date"], problems)
        if when is not None:
            where = locate(item.root, item.path, ["events", item.index, *keys, index])
            claims.append(Claim(when, tuple(claim.sources), claim.note, where))
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
