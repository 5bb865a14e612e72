"""A content-addressed cache of loaded timelines, so an unchanged file is parsed once.

Where: `$TIMELINE_CACHE_DIR`, else `$XDG_CACHE_HOME/policy-timeline`, else
`~/.cache/policy-timeline`; `TIMELINE_NO_CACHE=1` turns it off. A convenience, never an
authority (SPEC section 6):

- nothing read from it runs: files are unpickled by `_Unpickler`, whose `find_class`
  admits only our own record classes and the standard types they hold;
- any change to the timeline files or to the program is a miss: every name includes a
  fingerprint of every file of the installed package, the package version and Python's;
- a folder that another user owns, or that group or others can write, is not used
  (`refusal` says why, and the command runs uncached);
- it stays bounded: `sweep` forgets the lists of files of which one no longer exists,
  and all but the `MAX_TIMELINES` most recently used, with everything only they used.

Three kinds of files live there:

- an *index* per list of files as given (`-f a.yaml -f b.yaml`), recording for each file
  its `stat` (device, inode, size, mtime, ctime) and the SHA-256 of its bytes, the files'
  absolute paths, and the name of the payload;
- a *payload* per content: the name is a hash of the program's fingerprint and every
  file's path and content hash. It holds the entries that can ever be reminded (what
  `timeline remind` needs, a tenth of a typical file), each pickled on its own beside a
  `prefilter` summary so that `remind` unpickles only those that might be due at T; and
  the rest of the `LoadResult`, whose entries it finds in *segments*;
- *segments*: pickled lists of entries, written once, shared by a payload and the next
  one. After an edit only the entries whose text changed are pickled again, into a new
  segment; an entry whose text only moved down the file is stored once, and read back as
  a new record moved by as many lines (see "payloads" below).

Never stale: a file whose `stat` differs from the record is hashed, and only its content
decides. `stat` alone is trusted only when the record was written well after the file's
last change (a change within the same clock tick as the record could keep size, mtime and
ctime: git's "racy clean" problem), otherwise the file is hashed too. Only error-free loads
are stored. Files are written to a temporary name and renamed, so readers see a whole file
or none; anything unreadable, truncated, corrupt or naming what it may not is a miss and a
normal load follows. A payload that is replaced is deleted with the segments only it used.
Nothing here imports PyYAML, pydantic or rich: a warm `timeline remind` needs none of them.
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
import os
import pickle
import re
import struct
import sys
import time
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import fields
from itertools import accumulate
from typing import Any, NamedTuple

from . import __version__
from .result import Chunks, Layout, LoadResult
from .timeline import Entry, FileInfo, Timeline, moved

#: Given the timeline's zone, which reminded entries to read (by their `prefilter`
#: summary); the others are left pickled. Only for `reminded_only` reads.
Keep = Callable[[str], Callable[[Any], bool]]

FORMAT = 8  # 6: where an unchanged file's chunks are; 7: sources per story, not in the
# reminded section; 8: sources in a section of their own
MAX_BYTES = 256 * 1024 * 1024  # the loader's own limit; larger files are never cached
RACY_NS = 2_000_000_000  # stat is trusted once the record is this much newer than the file
_MAGIC = b"PTLCACHE"
_PAYLOAD_NAME = re.compile(r"timeline-[0-9a-f]{40}")
_LENGTH = struct.Struct("<Q")
_SEGMENT_NAME = re.compile(r"segment-[0-9a-f]{32}")
_HEADER = struct.Struct("<8sQQQQIIII")  # magic, the four sections' lengths, their CRC-32s
REMINDED, FULL, TRAILER, SOURCES = 0, 1, 2, 3  # a payload's sections, in the order written
SWEEP_GRACE_NS = 3600 * 10**9  # unused cache files younger than this are left alone
MERGE_SEGMENTS = 8  # at most this many segments per payload (see `_plan`)


def directory() -> str | None:
    """The cache folder as configured, or None when caching is turned off.

    Paths here are plain strings (`os.path`): pathlib costs a warm `remind` 3 ms to import.
    """
    if os.environ.get("TIMELINE_NO_CACHE", "") not in ("", "0"):
        return None
    override = os.environ.get("TIMELINE_CACHE_DIR")
    if override:
        return override
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "policy-timeline")


def refusal(folder: str | None = None) -> str | None:
    """Why the cache folder must not be used (SPEC section 6), or None when it may be.

    A folder that another user owns, or that group or others can write, could hold files
    planted to change the answers: it is refused, and commands run uncached.
    """
    folder = directory() if folder is None else folder
    if folder is None:
        return None
    try:
        stat = os.lstat(folder)
    except OSError:
        return None  # not there yet: it is made private when first written
    import stat as stat_module

    if not stat_module.S_ISDIR(stat.st_mode):
        return f"the cache folder {folder} is not a folder"
    getuid = getattr(os, "getuid", None)  # POSIX only: elsewhere no owner to compare
    if getuid is not None and stat.st_uid != getuid():
        return f"the cache folder {folder} belongs to another user"
    if stat.st_mode & 0o022:
        return (
            f"the cache folder {folder} can be written by group or others "
            f"(chmod 700 it, or set TIMELINE_CACHE_DIR)"
        )
    return None


def _usable() -> str | None:
    """The cache folder when it is turned on and safe to use, else None."""
    folder = directory()
    return folder if folder is not None and refusal(folder) is None else None


# ----------------------------------------------------------------------- keys


def _stat_key(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


_PROGRAM: list[str] = []  # the fingerprint, computed once per process


def _code_key() -> str:
    """The program as installed: the package version, Python, the cache format, and every
    file of the package (path, size, mtime), so that any change to any module is a miss."""
    if not _PROGRAM:
        _PROGRAM.append(program_fingerprint(os.path.dirname(os.path.abspath(__file__))))
    return _PROGRAM[0]


def program_fingerprint(package: str) -> str:
    """Every file under the folder `package` (but compiled bytecode) with its size and
    mtime, beside the version of the program and of Python."""
    parts = [__version__, sys.version, str(FORMAT)]
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(names):
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                parts.append(f"{path}:-")
                continue
            parts.append(f"{os.path.relpath(path, package)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def _name(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _index_name(paths: Sequence[str], code: str) -> str:
    return "index-" + _name(code, [(path, os.path.abspath(path)) for path in paths])


def _payload_name(paths: Sequence[str], digests: Sequence[str], code: str) -> str:
    entries = [
        (path, os.path.abspath(path), digest) for path, digest in zip(paths, digests, strict=True)
    ]
    return "timeline-" + _name(code, entries)


# The small records of this module are plain classes and named tuples, not dataclasses:
# a frozen dataclass costs 0.7 ms to define, and a warm `remind` imports this module.


class _Record(NamedTuple):
    """What the index holds for one file."""

    stat: tuple[int, ...]
    digest: str
    trusted: bool  # stat alone may vouch for the content (not racy)


class Lookup:
    """What was found for a list of files: the result on a hit, what to store on a miss."""

    __slots__ = ("contents", "paths", "previous", "recorded", "result", "stats")

    def __init__(
        self,
        result: LoadResult | None,
        paths: list[str],
        contents: dict[str, bytes],  # bytes read while looking (parse exactly these on a miss)
        stats: dict[str, os.stat_result],
        previous: str | None = None,  # on a miss: the payload of their last error-free load
    ) -> None:
        self.result, self.paths, self.contents = result, paths, contents
        self.stats, self.previous = stats, previous
        # with `previous`: the digest of each file's bytes it was loaded from
        self.recorded: dict[str, str] = {}


# -------------------------------------------------------------------- pickling


def _reducer(cls: type) -> Callable[[Any], tuple[Any, tuple[Any, ...]]]:
    """Write one of our frozen dataclasses as its class and its fields' values: read back,
    the class is called with them (quicker than pickle's default, which sets each slot)."""
    names = [f.name for f in fields(cls) if f.init]
    if len(names) == 1:
        only = names[0]
        return lambda obj: (cls, (getattr(obj, only),))
    getter = operator.attrgetter(*names)
    return lambda obj: (cls, getter(obj))


def _pickler(stream: Any) -> pickle.Pickler:
    import copyreg

    from . import dates, timeline

    table = dict(copyreg.dispatch_table)
    for module in (timeline, dates):
        for value in vars(module).values():
            ours = isinstance(value, type) and value.__module__ == module.__name__
            if (
                ours
                and hasattr(value, "__dataclass_fields__")
                and all(f.init for f in fields(value))
            ):
                table[value] = _reducer(value)
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = table
    return pickler


# What a cache file may name when it is read back: the standard types our records hold and
# our own record classes, nothing else (SPEC section 6: nothing read from a cache runs).
_STANDARD = {
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("array", "array"),
    ("array", "_array_reconstructor"),
}


def _records_of(module: Any) -> set[str]:
    """The names of the record classes (dataclasses, enums) a module defines."""
    from enum import Enum

    return {
        name
        for name, value in vars(module).items()
        if isinstance(value, type)
        and value.__module__ == module.__name__
        and (hasattr(value, "__dataclass_fields__") or issubclass(value, Enum))
    }


_ALLOWED: dict[str, set[str]] = {}


def _allowed() -> dict[str, set[str]]:
    if not _ALLOWED:
        from . import dates, timeline

        _ALLOWED[timeline.__name__] = _records_of(timeline)
        _ALLOWED[dates.__name__] = _records_of(dates)
        _ALLOWED[__name__] = {"_Segment", "_Table", "_Full", "_Reminded", "_Trailer"}
    return _ALLOWED


class _Unpickler(pickle.Unpickler):
    """Unpickles only data: `find_class` admits the standard types our records hold and
    our own record classes; anything else a file names (a function to call, a class with
    side effects) makes the file unreadable, a miss."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _STANDARD or name in _allowed().get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a cache file names {module}.{name}: not read")


def _loads(data: bytes | memoryview) -> Any:
    from io import BytesIO

    return _Unpickler(BytesIO(data)).load()


# ---------------------------------------------------------------------- payloads
#
# A payload file: a header (magic; the four sections' lengths and CRC-32s), then
#
# 1. the reminded section: a small pickle of what every entry needs (files, problems,
#    one `prefilter` summary per reminded entry, where its pickle ends, how
#    many lines to move it), then each reminded entry pickled on its own, so that a warm
#    `remind` unpickles only those its `keep` asks for;
# 2. the full section: files, problems, the table of segment files that hold
#    the entries, each entry's place there in timeline order and how many lines to move
#    it, and per file read by chunks what the loader's `Chunks` need beside the entries;
# 3. the trailer: for each reminded entry, which stored entry it was pickled from and at
#    which line, so that the next payload can copy its bytes instead of pickling it again;
# 4. the sources: `Timeline.sources`, each story's table by its key, read only by the
#    commands that cite sources (and by the loader: a file's `Chunks` hold its own).
#
# A segment file is a pickled list of entries, written once and never changed: after an
# edit, the next payload refers to the segments that still hold entries it uses and adds
# one for the entries that are new (or whose date moved). An entry whose text only moved
# is not pickled again: the payload says how many lines to move it when it is read.
# Segments that are mostly unused, or too many small ones, are merged on the way.


class _Broken(Exception):
    """A cache file that cannot be used: a miss."""


class _Segment(NamedTuple):
    name: str
    length: int
    crc: int
    size: int  # entries


class _Table(NamedTuple):
    """What the loader's `Chunks` of one file need beside the entries (see `result`)."""

    context: tuple[Any, ...]  # see `result.Chunks`
    digests: bytes
    lines: array[int]
    relative: dict[int, Any]
    ranks: array[int]
    head: bytes = b""  # the file's own keys as read, by their digest (see `result.Chunks`)
    info: Any = None  # its `key` finds the file's own sources in the sources section
    key_at: Any = None
    # `result.Layout` but its lines (they are `lines`): (starts, end), or None
    layout: tuple[array[int], int] | None = None


class _Reminded(NamedTuple):
    """The head of the reminded section; each reminded entry's pickle follows it."""

    files: tuple[Any, ...]
    problems: list[Any]
    summaries: list[Any]  # each entry's `prefilter` summary
    ends: list[int]  # where each entry's pickle ends, from the end of this head
    moves: list[int]  # how many lines each entry's text moved since it was pickled


class _Full(NamedTuple):
    """The full section: the load but its entries, and where those are in the segments."""

    files: tuple[Any, ...]
    problems: list[Any]
    table: list[_Segment]
    order: array[int]  # each entry's place in the segments, in timeline order
    moves: array[int]  # how many lines each entry's text moved since it was pickled
    tables: dict[str, _Table]  # per file read by chunks


class _Trailer(NamedTuple):
    """For each reminded entry: the stored entry it was pickled from, and at which line."""

    keys: list[tuple[str, int]]  # (segment, place)
    lines: list[int]


class _Stored:
    """What a payload held, read back to write the next one cheaply (see above)."""

    __slots__ = ("blobs", "name", "order", "pickled", "table")

    def __init__(
        self,
        name: str,
        table: list[_Segment],
        order: array[int],  # each entry's place in the concatenated segments
        pickled: list[int],  # each entry's line as pickled in its segment
    ) -> None:
        self.name, self.table, self.order, self.pickled = name, table, order, pickled
        # reminded entries' pickles by (segment, place): bytes, prefilter summary, line
        self.blobs: dict[tuple[str, int], tuple[bytes, Any, int]] = {}


def _read_payload(
    folder: str, name: str, reminded_only: bool, keep: Keep | None = None, sources: bool = True
) -> LoadResult | None:
    try:
        if reminded_only:
            return _read_reminded(_read_section(folder, name, REMINDED), keep)
        found = _read_sources(folder, name) if sources else {}
        return _read_full(folder, _read_section(folder, name, FULL), found)[0]
    except Exception:  # a broken payload is a miss, whatever broke it
        return None


def _read_sources(folder: str, name: str) -> dict[str, Any]:
    """`Timeline.sources` (each story's table, by story key), from the sources section."""
    found = _loads(_read_section(folder, name, SOURCES))
    if not isinstance(found, dict) or not all(isinstance(t, dict) for t in found.values()):
        raise _Broken
    return found


def _read_section(folder: str, name: str, which: int) -> bytes:
    """One section of a payload (`REMINDED`, `FULL`, `TRAILER` or `SOURCES`), checked."""
    with open(os.path.join(folder, name), "rb") as stream:
        header = stream.read(_HEADER.size)
        if len(header) != _HEADER.size:
            raise _Broken
        magic, *sizes = _HEADER.unpack(header)
        lengths, crcs = sizes[:4], sizes[4:]
        if magic != _MAGIC:
            raise _Broken
        stream.seek(_HEADER.size + sum(lengths[:which]))
        data = stream.read(lengths[which])
    if len(data) != lengths[which] or zlib.crc32(data) != crcs[which]:
        raise _Broken
    return data


def _reminded_head(data: bytes) -> tuple[_Reminded, int]:
    """The head of the reminded section and where the entries' pickles start."""
    (head_length,) = _LENGTH.unpack_from(data)
    start = _LENGTH.size + head_length
    head = _loads(data[_LENGTH.size : start])
    if not isinstance(head, _Reminded):
        raise _Broken
    return head, start


def _read_reminded(data: bytes, keep: Keep | None) -> LoadResult:
    """The reminded section; with `keep`, only the entries it asks for are unpickled."""
    head, start = _reminded_head(data)
    files = head.files
    wanted = keep(files[0].timezone if files else "UTC") if keep is not None else None
    view = memoryview(data)[start:]
    entries: list[Entry] = []
    begin = 0
    for summary, end, lines in zip(head.summaries, head.ends, head.moves, strict=True):
        if wanted is None or wanted(summary):
            entries.append(moved(_loads(view[begin:end]), lines))
        begin = end
    if not isinstance(files, tuple) or not all(isinstance(e, Entry) for e in entries):
        raise _Broken
    return LoadResult(Timeline(files, tuple(entries)), head.problems)


def _read_full(
    folder: str, data: bytes, sources: dict[str, Any], keep_state: bool = False
) -> tuple[LoadResult, _Stored]:
    """The whole load, its entries read from the segments, with `sources` (the sources
    section, or nothing for a command that shows none). With `keep_state`, also what the
    loader and writing the next payload need: per file its `Chunks`, and the entries where
    they were pickled (the loader moves each by how far its text moved); without, the
    entries are where their text is now, and there are no chunks."""
    full = _loads(data)
    if not isinstance(full, _Full):
        raise _Broken
    pool: list[Entry] = []
    for segment in full.table:
        if not isinstance(segment, _Segment) or not _SEGMENT_NAME.fullmatch(segment.name):
            raise _Broken
        with open(os.path.join(folder, segment.name), "rb") as stream:
            blob = stream.read()
        if len(blob) != segment.length or zlib.crc32(blob) != segment.crc:
            raise _Broken
        part = _loads(blob)
        if not isinstance(part, list) or len(part) != segment.size:
            raise _Broken
        pool.extend(part)
    entries = [pool[place] for place in full.order]
    del pool  # entries no longer used (merged away later) go now
    moves = full.moves
    if len(entries) != len(moves) or not set(map(type, entries)) <= {Entry}:
        raise _Broken
    if not isinstance(full.files, tuple) or not isinstance(full.problems, list):
        raise _Broken
    pickled: list[int] = []
    chunks: dict[str, Chunks] = {}
    if keep_state:
        pickled = [_LINE(entry) for entry in entries]
        tables = full.tables.items()
        chunks = {path: _chunks(table, entries, moves, sources) for path, table in tables}
    else:
        entries = [moved(entry, lines) for entry, lines in zip(entries, moves, strict=True)]
    timeline = Timeline(full.files, tuple(entries), sources)
    state = _Stored("", list(full.table), full.order, pickled)
    return LoadResult(timeline, full.problems, chunks), state


def _chunks(
    table: _Table, entries: list[Entry], moves: array[int], sources: dict[str, Any]
) -> Chunks:
    """A file's `Chunks` as the loader left them, its entries where they were pickled (and
    its lines moved back to match)."""
    pairs = zip(table.lines, table.ranks, strict=True)
    return Chunks(
        table.context,
        table.digests,
        array("q", [line - moves[rank] for line, rank in pairs]),
        tuple(entries[rank] for rank in table.ranks),
        table.relative,
        table.ranks,
        head=table.head,
        info=table.info,
        sources=sources.get(table.info.key, {}) if isinstance(table.info, FileInfo) else {},
        key_at=table.key_at,
        layout=_layout(table),
    )


def _layout(table: _Table) -> Layout | None:
    """Where the file's chunks were, in the bytes it was read from (None: not known)."""
    if table.layout is None:
        return None
    starts, end = table.layout
    if not (isinstance(starts, array) and isinstance(end, int) and len(starts) == len(table.lines)):
        raise _Broken
    return Layout(starts, table.lines, end)


_LINE = operator.attrgetter("location.line")  # of an entry in a cache: it always has one


def _line(entry: Entry) -> int:
    return entry.location.line if entry.location is not None else 0


def _read_blobs(folder: str, name: str) -> dict[tuple[str, int], tuple[bytes, Any, int]]:
    """The reminded entries' pickles by the stored entry they were made from (see `_Stored`)."""
    data = _read_section(folder, name, REMINDED)
    trailer = _loads(_read_section(folder, name, TRAILER))
    if not isinstance(trailer, _Trailer):
        raise _Broken
    head, start = _reminded_head(data)
    blobs: dict[tuple[str, int], tuple[bytes, Any, int]] = {}
    begin = start
    entries = zip(trailer.keys, trailer.lines, head.summaries, head.ends, strict=True)
    for key, line, summary, end in entries:
        blobs[key] = (data[begin : start + end], summary, line)
        begin = start + end
    return blobs


class _Index(NamedTuple):
    """What an index file holds: each file's record, the payload, the files' absolute
    paths (to forget timelines that no longer exist), and when it was last used."""

    records: list[_Record]
    payload: str
    paths: list[str]
    used_ns: int  # the index file's mtime: refreshed at most once an hour by a hit


def _read_index(folder: str, name: str) -> _Index | None:
    try:
        with open(os.path.join(folder, name), "rb") as stream:
            data = stream.read()
            used = os.fstat(stream.fileno()).st_mtime_ns
        records, payload, paths = _loads(data)
        if (
            not isinstance(payload, str)
            or not isinstance(records, list)
            or not isinstance(paths, list)
            or not all(isinstance(path, str) for path in paths)
        ):
            return None
        return _Index([_Record(*record) for record in records], payload, paths, used)
    except Exception:  # a broken index is a miss, whatever broke it
        return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lookup(
    paths: Sequence[str],
    *,
    reminded_only: bool = False,
    keep: Keep | None = None,
    sources: bool = True,
) -> Lookup:
    """The cached result for these files when every file is unchanged, else a miss.

    With `reminded_only`, the timeline holds only the entries that can be reminded
    (deadlines and entries with their own lead times) and no sources: all that `remind`
    and `notify` look at; with `keep` too, only those entries that it keeps (see
    `prefilter`). With `sources` False, the timeline has no sources (for a command that
    shows none: 20 stories of 200 sources each cost a warm `agenda` 4,000 of them).
    """
    found = Lookup(None, [os.fspath(p) for p in paths], {}, {})
    folder = _usable()
    if folder is None:
        return found
    code = _code_key()
    index = _read_index(folder, _index_name(found.paths, code))
    digests: list[str] = []
    for position, path in enumerate(found.paths):
        try:
            stat = os.stat(path)
        except OSError:
            return found
        found.stats[path] = stat
        record = (
            index.records[position]
            if index is not None and position < len(index.records)
            else None
        )
        if record is not None and record.trusted and record.stat == _stat_key(stat):
            digests.append(record.digest)
            continue
        if not _regular(stat):
            return found
        try:
            with open(path, "rb") as stream:
                data = stream.read()
        except OSError:
            return found
        found.contents[path] = data
        digests.append(_digest(data))
    if index is None or len(index.records) != len(found.paths):
        return found
    if [r.digest for r in index.records] != digests:
        found.previous = index.payload
        pairs = zip(found.paths, index.records, strict=True)
        found.recorded = {path: record.digest for path, record in pairs}
        return found
    payload = _payload_name(found.paths, digests, code)
    if payload != index.payload:
        return found
    result = _read_payload(folder, payload, reminded_only, keep, sources)
    if result is not None and found.contents:
        # the files were hashed (touched, or recorded too soon after a change): record
        # their stat again, so that the next run can trust it
        _write_index(folder, found, digests, payload, code)
    elif result is not None and time.time_ns() - index.used_ns > REFRESH_NS:
        with contextlib.suppress(OSError):  # mark it used, for `sweep`
            os.utime(os.path.join(folder, _index_name(found.paths, code)))
    found.result = result
    return found


def _previous(found: Lookup) -> tuple[dict[str, Chunks], _Stored] | None:
    """What the last error-free load of these files kept, to parse only the entries that
    changed since and to store only what is new; None when there is none (or it is
    unreadable)."""
    folder = _usable()
    name = found.previous
    if folder is None or name is None or not _PAYLOAD_NAME.fullmatch(name):
        return None
    try:
        data = _read_section(folder, name, FULL)
        result, stored = _read_full(folder, data, _read_sources(folder, name), keep_state=True)
        stored.name = name
        try:
            stored.blobs = _read_blobs(folder, name)
        except Exception:  # the entries are still good; their reminded pickles are redone
            stored.blobs = {}
    except Exception:  # a broken payload is a miss, whatever broke it
        return None
    chunks = {
        path: table
        for path, table in result.chunks.items()
        if isinstance(table.relative, dict)
        and (table.info is None or isinstance(table.info, FileInfo))
        and isinstance(table.sources, dict)
        and len(table.digests) == 16 * len(table.entries)
        and len(table.lines) == len(table.entries) == len(table.ranks)
    }
    return chunks, stored


def _regular(stat: os.stat_result) -> bool:
    import stat as stat_module

    return stat_module.S_ISREG(stat.st_mode) and stat.st_size <= MAX_BYTES


# ---------------------------------------------------------------------- writing


def reminded_subset(timeline: Timeline) -> Timeline:
    """The timeline with only the entries that `remind` can ever report (and their bases),
    and no sources: reminders never cite them (20 stories of 200 sources each made a warm
    `remind` unpickle 4,000 it never showed)."""
    from .schedule import needed_for_reminders

    return Timeline(timeline.files, needed_for_reminders(timeline))


def _write_atomically(folder: str, name: str, parts: Sequence[bytes]) -> int:
    """Write to a temporary file and rename it into place; returns the file's mtime (ns)."""
    import tempfile

    descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            for part in parts:
                stream.write(part)
            stream.flush()
            written = os.fstat(stream.fileno()).st_mtime_ns
        os.replace(temporary, os.path.join(folder, name))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return written


class _Plan:
    """Where each entry of a load is stored: the segments, and per entry (in timeline
    order) its segment, its place there and the line it was pickled at."""

    __slots__ = ("fresh", "pickled", "place", "segment", "table")

    def __init__(
        self,
        table: list[_Segment],
        segment: list[int],
        place: list[int],
        pickled: list[int],
        fresh: list[int],  # the entries to pickle into a new segment (the last of `table`)
    ) -> None:
        self.table, self.segment, self.place = table, segment, place
        self.pickled, self.fresh = pickled, fresh


def _origins(result: LoadResult) -> list[int]:
    """For each entry (in timeline order), its place in the previous load's timeline when
    the loader took it from there unchanged (its text the same, its date the same), or -1."""
    origins = [-1] * len(result.timeline.entries)
    for chunks in result.chunks.values():
        for rank, origin in zip(chunks.ranks, chunks.origins, strict=True):
            origins[rank] = origin
    return origins


def _plan(entries: Sequence[Entry], origins: Sequence[int], stored: _Stored | None) -> _Plan:
    """Keep the stored entries whose content is unchanged where they are (only their lines
    may have moved); the others go to a new segment. A segment of which at most half is
    still used is merged into the new one, and so are all but the biggest when there
    would be more than `MERGE_SEGMENTS`: the wasted reading stays bounded."""
    count = len(entries)
    segment = [-1] * count
    place = [0] * count
    pickled = [0] * count
    table = stored.table if stored is not None else []
    if stored is not None:
        bases = list(accumulate((s.size for s in table), initial=0))
        for position, origin in enumerate(origins):
            if origin < 0 or origin >= len(stored.order):
                continue
            at = stored.order[origin]
            which = bisect_right(bases, at) - 1
            segment[position], place[position] = which, at - bases[which]
            pickled[position] = stored.pickled[origin]
    used = [0] * len(table)
    for which in segment:
        if which >= 0:
            used[which] += 1
    kept = [n for n, s in enumerate(table) if used[n] and 2 * used[n] > s.size]
    if len(kept) >= MERGE_SEGMENTS:
        kept = [max(kept, key=lambda n: table[n].size)]
    renumber = {old: new for new, old in enumerate(kept)}
    fresh: list[int] = []
    for position in range(count):
        new = renumber.get(segment[position], -1)
        segment[position] = new
        if new < 0:
            fresh.append(position)
    return _Plan([table[n] for n in kept], segment, place, pickled, fresh)


def _write_segment(folder: str, entries: Sequence[Entry]) -> _Segment:
    data = _dumps(list(entries))
    name = "segment-" + os.urandom(16).hex()
    _write_atomically(folder, name, [data])
    return _Segment(name, len(data), zlib.crc32(data), len(entries))


def _write_payload(
    folder: str, name: str, result: LoadResult, stored: _Stored | None
) -> list[_Segment]:
    """Write the payload (and a segment for what is new); returns the segments it uses."""
    timeline = result.timeline
    entries = timeline.entries
    plan = _plan(entries, _origins(result) if stored is not None else [], stored)
    if plan.fresh or not plan.table:
        segment = _write_segment(folder, [entries[n] for n in plan.fresh])
        for place, position in enumerate(plan.fresh):
            plan.segment[position], plan.place[position] = len(plan.table), place
            plan.pickled[position] = _line(entries[position])
        plan.table.append(segment)
    bases = list(accumulate((s.size for s in plan.table), initial=0))
    order = array("q", [bases[s] + p for s, p in zip(plan.segment, plan.place, strict=True)])
    moves = array("q", [_LINE(e) - line for e, line in zip(entries, plan.pickled, strict=True)])
    tables = {
        path: _Table(
            c.context, c.digests, c.lines, c.relative, c.ranks, c.head, c.info, c.key_at,
            None if c.layout is None else (array("q", c.layout.starts), c.layout.end),
        )
        for path, c in result.chunks.items()
    }
    full = _dumps(
        _Full(timeline.files, result.problems, plan.table, order, moves, tables)
    )
    reminded, trailer = _reminded_sections(result, plan, stored)
    sections = [reminded, full, trailer, _dumps(timeline.sources)]
    header = _HEADER.pack(_MAGIC, *(len(s) for s in sections), *(zlib.crc32(s) for s in sections))
    _write_atomically(folder, name, [header, *sections])
    return plan.table


def _dumps(value: Any) -> bytes:
    from io import BytesIO

    stream = BytesIO()
    _pickler(stream).dump(value)
    return stream.getvalue()


def _reminded_sections(
    result: LoadResult, plan: _Plan, stored: _Stored | None
) -> tuple[bytes, bytes]:
    """The reminded section and the trailer (see the top of this part): the pickle of an
    entry stored where it was at the previous payload is copied from it."""
    from io import BytesIO

    from .prefilter import ALWAYS, summarize

    timeline = result.timeline
    blobs = BytesIO()
    pickler = _pickler(blobs)
    previous = stored.blobs if stored is not None else {}
    names = [segment.name for segment in plan.table]
    summaries: list[Any] = []
    ends: list[int] = []  # where each entry's pickle ends, from the start of the blobs
    moves: list[int] = []
    keys: list[tuple[str, int]] = []
    lines: list[int] = []
    from .schedule import follows_moves, needed_for_reminders

    needed = {entry.key for entry in needed_for_reminders(timeline)}
    index = timeline.index
    for position, entry in enumerate(timeline.entries):
        if entry.key not in needed:
            continue
        key = (names[plan.segment[position]], plan.place[position])
        copied = previous.get(key)
        # whether news may move it through its bases depends on other entries: asked anew
        moving = entry.relative is not None and follows_moves(entry, index)
        if copied is not None:
            blob, summary, line = copied
            blobs.write(blob)
            if moving:
                summary = ALWAYS
        else:
            pickler.dump(entry)
            pickler.clear_memo()  # each entry must load on its own
            summary, line = summarize(entry, moving), _line(entry)
        summaries.append(summary)
        ends.append(blobs.tell())
        moves.append(_line(entry) - line)
        keys.append(key)
        lines.append(line)
    head = _dumps(
        _Reminded(timeline.files, result.problems, summaries, ends, moves)
    )
    reminded = b"".join((_LENGTH.pack(len(head)), head, blobs.getvalue()))
    return reminded, _dumps(_Trailer(keys, lines))


def _write_index(
    folder: str, found: Lookup, digests: Sequence[str], payload: str, code: str
) -> None:
    """Record each file's stat; trusted only when the record is clearly newer than the file.

    The record's time is the file system's own clock (the mtime of what we write),
    the same clock that stamps the timeline files.
    """
    try:
        probe = _write_atomically(folder, ".clock", [b""])
        records = []
        for path, digest in zip(found.paths, digests, strict=True):
            stat = found.stats[path]
            last_change = max(stat.st_mtime_ns, stat.st_ctime_ns)
            records.append((_stat_key(stat), digest, probe - last_change > RACY_NS))
        paths = [os.path.abspath(path) for path in found.paths]
        data = pickle.dumps((records, payload, paths), protocol=pickle.HIGHEST_PROTOCOL)
        _write_atomically(folder, _index_name(found.paths, code), [data])
    except Exception:  # a cache that cannot be written is only slower
        return


def store(
    found: Lookup, result: LoadResult, hashes: dict[str, str], stored: _Stored | None = None
) -> None:
    """Remember an error-free load of exactly the bytes whose SHA-256 are `hashes`;
    `stored` is what the previous payload of these files held, when it was read."""
    folder = _usable()
    if folder is None or result.errors or set(hashes) != set(found.paths):
        return
    code = _code_key()
    digests = [hashes[path] for path in found.paths]
    payload = _payload_name(found.paths, digests, code)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        previous = _read_index(folder, _index_name(found.paths, code))
        used = _write_payload(folder, payload, result, stored)
        _write_index(folder, found, digests, payload, code)
        if previous is not None and previous.payload != payload:
            with contextlib.suppress(FileNotFoundError):  # the content it described is gone
                os.unlink(os.path.join(folder, previous.payload))
        if stored is not None and stored.name != payload:
            keep = {segment.name for segment in used}
            for segment in stored.table:
                if segment.name not in keep:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(os.path.join(folder, segment.name))
        elif stored is None:
            sweep(folder)  # a load from scratch is slow anyway: the time to tidy up
    except Exception:  # a cache that cannot be written is only slower
        return


MAX_TIMELINES = 32  # lists of files remembered at once; the least recently used go first
REFRESH_NS = 3600 * 10**9  # a hit marks its index as used at most this often


def sweep(folder: str, grace_ns: int = SWEEP_GRACE_NS) -> None:
    """Bound the cache: forget the lists of files of which one no longer exists, and all
    but the `MAX_TIMELINES` most recently used; then delete every file that no index leads
    to any more. A file nothing leads to that is younger than `grace_ns` is left alone
    (another process may be writing it), unless what led to it was just forgotten."""
    names = os.listdir(folder)
    live: list[tuple[int, str, _Index]] = []
    forgotten: set[str] = set()
    for name in names:
        if not name.startswith("index-"):
            continue
        index = _read_index(folder, name)
        if index is None or not all(os.path.exists(path) for path in index.paths):
            if index is not None:
                forgotten.add(index.payload)
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))
            continue
        live.append((index.used_ns, name, index))
    live.sort(reverse=True)
    for _, name, index in live[MAX_TIMELINES:]:
        forgotten.add(index.payload)
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(folder, name))
    payloads = {index.payload for _, _, index in live[:MAX_TIMELINES]}
    segments = _segments_of(folder, payloads)
    forgotten_segments = _segments_of(folder, forgotten - payloads) - segments
    cutoff = time.time_ns() - grace_ns
    for name in names:
        unused = (
            (name.startswith("segment-") and name not in segments)
            or (name.startswith("timeline-") and name not in payloads)
            or name.startswith(".tmp-")
        )
        if not unused:
            continue
        path = os.path.join(folder, name)
        gone = name in forgotten or name in forgotten_segments
        with contextlib.suppress(OSError):
            if gone or os.stat(path).st_mtime_ns < cutoff:
                os.unlink(path)


def _segments_of(folder: str, payloads: set[str]) -> set[str]:
    segments: set[str] = set()
    for name in payloads:
        try:
            full = _loads(_read_section(folder, name, FULL))
            segments.update(segment.name for segment in full.table)
        except Exception:  # unreadable: what it refers to may go (it is a miss anyway)
            continue
    return segments


def load(
    paths: Sequence[str],
    *,
    reminded_only: bool = False,
    keep: Keep | None = None,
    sources: bool = True,
) -> LoadResult:
    """Like `loader.load`, through the cache: the same result, faster when nothing changed.

    `reminded_only`, `keep` and `sources`: see `lookup`."""
    found = lookup(paths, reminded_only=reminded_only, keep=keep, sources=sources)
    if found.result is not None:
        return found.result
    result = _load_and_store(found)
    if reminded_only and not result.errors:
        return LoadResult(reminded_subset(result.timeline), list(result.problems))
    if not sources:  # as a hit gives it
        result = LoadResult(Timeline(result.timeline.files, result.timeline.entries),
                            result.problems)
    return result


def _load_and_store(found: Lookup) -> LoadResult:
    from .loader import load as load_files

    missing = [path for path in found.paths if path not in found.contents]
    for path in missing:
        try:
            stat = os.stat(path)
            if _regular(stat):
                with open(path, "rb") as stream:
                    found.contents[path] = stream.read()
                found.stats[path] = stat
        except OSError:
            pass  # the loader reports it, located
    digests = {path: _digest(data) for path, data in found.contents.items()}
    contents, found.contents = found.contents, {}
    previous = _previous(found)
    chunks, stored = previous if previous is not None else (None, None)
    # the files whose bytes, as read now, are those the previous load read
    unchanged = {path for path, digest in digests.items() if found.recorded.get(path) == digest}
    result = load_files(found.paths, contents, chunks, unchanged)
    del contents  # the files' bytes: not needed while storing, the biggest thing then
    store(found, result, digests, stored)
    return result
