"""The loaded timeline: plain, resolved records that every command works from.

`model` describes the file as written; these records are what it means once dates are
intervals, references are followed and defaults are filled in. They use only the
standard library so that they are cheap to import and to cache (the hot path of
`timeline remind` never imports pydantic).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    id: str
    title: str | None = None
    publisher: str | None = None
    url: str | None = None


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
    sources: dict[str, Source] = field(default_factory=dict)

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


def moved(entry: Entry, lines: int) -> Entry:
    """The same entry with its text `lines` further down the file (up, when negative): a
    new record, with every location in it moved. (Spelled out field by field: it runs for
    every entry below an edit, and `dataclasses.replace` is three times slower; a test
    checks that no field is left behind.)"""
    if not lines:
        return entry
    changes = entry.changes
    if changes:
        changes = tuple(
            Change(
                announced=change.announced,
                date=change.date,
                status=change.status,
                note=change.note,
                sources=change.sources,
                claims=_moved_claims(change.claims, lines),
                location=_moved(change.location, lines),
            )
            for change in changes
        )
    return Entry(
        id=entry.id,
        title=entry.title,
        date=entry.date,
        date_text=entry.date_text,
        kind=entry.kind,
        tags=entry.tags,
        actors=entry.actors,
        summary=entry.summary,
        sources=entry.sources,
        confidence=entry.confidence,
        announced=entry.announced,
        warn=entry.warn,
        warn_explicit=entry.warn_explicit,
        claims=_moved_claims(entry.claims, lines),
        changes=changes,
        consequence=entry.consequence,
        zone=entry.zone,
        location=_moved(entry.location, lines),
        relative=entry.relative,
        story=entry.story,
    )


def _moved_claims(claims: tuple[Claim, ...], lines: int) -> tuple[Claim, ...]:
    if not claims:
        return claims
    return tuple(
        Claim(claim.date, claim.sources, claim.note, _moved(claim.location, lines), claim.announced)
        for claim in claims
    )


def _moved(location: Location | None, lines: int) -> Location | None:
    if location is None:
        return None
    return Location(location.path, location.line + lines, location.column)
