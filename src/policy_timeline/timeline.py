"""The loaded timeline: plain, resolved records that every command works from.

`model` describes the file as written; these records are what it means once dates are
intervals, references are followed and defaults are filled in. They use only the
standard library so that they are cheap to import and to cache (the hot path of
`timeline remind` never imports pydantic).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from operator import attrgetter
from types import MappingProxyType
from typing import Any

from .dates import Interval, Offset, Relative


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value was written: 1-based line and column."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (error) or suspicious (warning) in a timeline file."""

    location: Location
    message: str
    severity: str = "error"  # "error" | "warning"
    code: str = ""  # a stable short name of the kind of problem, e.g. "unknown-key"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.location.path,
            "line": self.location.line,
            "column": self.location.column,
            "message": self.message,
            "code": self.code,
        }


@dataclass(frozen=True, slots=True)
class Source:
    """A source a story defines under `sources:`, by its id in that story."""

    id: str
    title: str | None = None
    publisher: str | None = None
    url: str | None = None


_NO_SOURCES: Mapping[str, Source] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Claim:
    """Another reading of an entry's date that some source gives."""

    date: Interval
    sources: tuple[str, ...] = ()
    note: str | None = None
    location: Location | None = None
    announced: Interval | None = None  # when it became known; None: always known


@dataclass(frozen=True, slots=True)
class Change:
    """What later news did to an entry: a new date, a new status, or both."""

    announced: Interval
    date: Interval | None = None
    status: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a story's `events:`, resolved: its date an interval, defaults filled in."""

    id: str
    title: str
    date: Interval
    date_text: str  # as written (e.g. "geneva-truce + 90d")
    kind: str = "event"
    tags: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    summary: str | None = None
    sources: tuple[str, ...] = ()
    confidence: str = "confirmed"
    announced: Interval | None = None
    warn: tuple[Offset, ...] = ()  # effective lead times (the entry's own or the file's)
    warn_explicit: bool = False  # the entry set its own `warn`
    claims: tuple[Claim, ...] = ()
    changes: tuple[Change, ...] = ()
    consequence: str | None = None
    zone: str = "UTC"  # the zone of the file the entry came from
    location: Location | None = None
    relative: Relative | None = None  # the date as written relative to another entry; its
    # `ref` is always `story:id` (the story named or the entry's own), whatever was written
    story: str = ""  # the key of the story (file) the entry belongs to

    @property
    def key(self) -> str:
        """`story:id`: how an entry is named wherever entries of several stories meet."""
        return f"{self.story}:{self.id}"

    @property
    def is_deadline(self) -> bool:
        return self.kind.lower() == "deadline"

    @property
    def reminded(self) -> bool:
        """Deadlines, and any entry that sets its own lead times, get reminders."""
        return self.is_deadline or self.warn_explicit


@dataclass(frozen=True, slots=True)
class FileInfo:
    """A story's own keys, as read from its file."""

    path: str
    title: str | None
    timezone: str
    warn: tuple[Offset, ...]
    key: str = ""  # the story's key: `key:` in the file, else the file name's stem


@dataclass(frozen=True, slots=True)
class Timeline:
    """Every entry of every loaded file, sorted by date (SPEC section 2)."""

    files: tuple[FileInfo, ...]
    entries: tuple[Entry, ...]
    # each story's own table of sources, by story key: ids are per story (SPEC section 1),
    # so an entry's source id is looked up in its own story's table (`sources_of`)
    sources: dict[str, dict[str, Source]] = field(default_factory=dict)
    _index: dict[str, Entry] = field(default_factory=dict, init=False, compare=False,
                                     repr=False)

    @property
    def title(self) -> str:
        """The story's title; for several stories, a heading of the workspace that names
        them by key (never one story's title for all)."""
        if len(self.files) > 1:
            keys = [info.key for info in self.files]
            named = ", ".join(keys[:3] if len(keys) > 4 else keys)
            if len(keys) > 4:
                named += f" and {len(keys) - 3} more"
            return f"{len(keys)} stories: {named}"
        for info in self.files:
            if info.title:
                return info.title
        return "Timeline"

    def sources_of(self, story: str) -> Mapping[str, Source]:
        """The sources the story with key `story` defines, by id (none: empty)."""
        return self.sources.get(story, _NO_SOURCES)

    @property
    def timezone(self) -> str:
        return self.files[0].timezone if self.files else "UTC"

    def by_id(self) -> dict[str, Entry]:
        """Entries by id; with several stories an id may be in more than one (the last
        wins): use `by_key` wherever stories meet."""
        return {entry.id: entry for entry in self.entries}

    def by_key(self) -> dict[str, Entry]:
        """Entries by `story:id` (what `Entry.relative.ref` names)."""
        return {entry.key: entry for entry in self.entries}

    @property
    def index(self) -> Mapping[str, Entry]:
        """`by_key` (entries by `story:id`, what `Entry.relative.ref` names), made on first
        use and kept: a read-only view."""
        if not self._index and self.entries:
            self._index.update(self.by_key())
        return MappingProxyType(self._index)


def moved(entry: Entry, lines: int) -> Entry:
    """The same entry with its text `lines` further down the file (up, when negative): a
    new record, with every location in it moved."""
    if not lines:
        return entry
    values = list(_ENTRY_VALUES(entry))
    where = entry.location
    if where is not None:
        values[_ENTRY_AT["location"]] = Location(where.path, where.line + lines, where.column)
    if entry.claims:
        values[_ENTRY_AT["claims"]] = _moved_claims(entry.claims, lines)
    if entry.changes:
        values[_ENTRY_AT["changes"]] = tuple(_moved_change(c, lines) for c in entry.changes)
    return Entry(*values)


def _moved_change(change: Change, lines: int) -> Change:
    values = list(_CHANGE_VALUES(change))
    values[_CHANGE_AT["location"]] = _moved(change.location, lines)
    values[_CHANGE_AT["claims"]] = _moved_claims(change.claims, lines)
    return Change(*values)


def _moved_claims(claims: tuple[Claim, ...], lines: int) -> tuple[Claim, ...]:
    values = [list(_CLAIM_VALUES(claim)) for claim in claims]
    for claim, value in zip(claims, values, strict=True):
        value[_CLAIM_AT["location"]] = _moved(claim.location, lines)
    return tuple(Claim(*value) for value in values)


def _moved(location: Location | None, lines: int) -> Location | None:
    if location is None:
        return None
    return Location(location.path, location.line + lines, location.column)


def _values_of(cls: type) -> tuple[Callable[[Any], tuple[Any, ...]], dict[str, int]]:
    """For a record class: a function giving every field's value, in the order the class
    takes them, and where each field is in that order. Moving the entries below an edit
    of a big file builds 100,000 of them: this is three times quicker than
    `dataclasses.replace` or keyword arguments, and follows any field added later."""
    names = [spec.name for spec in fields(cls)]
    getter = attrgetter(*names)
    return getter, {name: at for at, name in enumerate(names)}


_ENTRY_VALUES, _ENTRY_AT = _values_of(Entry)
_CHANGE_VALUES, _CHANGE_AT = _values_of(Change)
_CLAIM_VALUES, _CLAIM_AT = _values_of(Claim)
