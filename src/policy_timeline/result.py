"""What loading gives: the timeline and every problem found, in the order editors list them.

Kept apart from `loader` (which needs PyYAML and pydantic) so that a run served from the
cache can hand the same result to the commands without importing either.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from .dates import Offset, Relative
from .timeline import Entry, FileInfo, Location, Problem, Source, Timeline


class Layout(NamedTuple):
    """Where a file's chunks were in the bytes they were read from: a file read again
    byte for byte is not split again (see `scan.split_events`)."""

    starts: Sequence[int]  # where each chunk begins in those bytes (after a byte order mark)
    lines: Sequence[int]  # the line each chunk begins on
    end: int  # where the last chunk ends


@dataclass(frozen=True, slots=True)
class Chunks:
    """One file's entries by the text of each, kept so the next load parses only changes.

    Chunk `i` (the lines of one item of `events:`) hashes to `digests[16 * i : 16 * i + 16]`,
    began on line `lines[i]` and gave `entries[i]`; `relative[i]` is its date when that
    counts from another entry (resolved again on every load), `ranks[i]` its place in the sorted
    timeline (which makes the next sort almost linear). Valid for the same `context`: the
    file's timezone, lead times and story key, which every entry's reading depends on.
    """

    context: tuple[str, tuple[Offset, ...], str]
    digests: bytes  # 16 bytes of BLAKE2b each
    lines: array[int]
    entries: tuple[Entry, ...]
    relative: dict[int, Relative]
    ranks: array[int]  # where each entry was in the sorted timeline
    # where each entry was in the timeline of the load it was taken from unchanged (its
    # text and date the same), or -1: what the cache needs not store again
    origins: array[int] = field(default_factory=lambda: array("q"))
    # the file's own keys (all but `events`) as read, by the digest of their text: a file
    # whose head is unchanged is not read again (16 bytes of BLAKE2b; empty: unknown)
    head: bytes = b""
    info: FileInfo | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    key_at: Location | None = None
    layout: Layout | None = None


@dataclass
class LoadResult:
    """The stories that loaded, and every problem found in any of them."""

    timeline: Timeline
    problems: list[Problem] = field(default_factory=list)
    # per file read as chunks, when the load had no errors: what the next load can reuse
    chunks: dict[str, Chunks] = field(default_factory=dict, compare=False, repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def sort_problems(
    problems: list[Problem], paths: Sequence[str | os.PathLike[str]]
) -> list[Problem]:
    """In the order of the files given, then by line and column, as editors list them."""
    order = {os.fspath(raw): index for index, raw in enumerate(paths)}
    return sorted(
        problems, key=lambda p: (order.get(p.location.path, 0), p.location.line, p.location.column)
    )
