"""A content-addressed cache of loaded timelines, so an unchanged file is parsed once.

Where: `$TIMELINE_CACHE_DIR`, else `$XDG_CACHE_HOME/policy-timeline`, else
`~/.cache/policy-timeline`; `TIMELINE_NO_CACHE=1` turns it off.

Two kinds of files live there:

- an *index* per list of files as given (`-f a.yaml -f b.yaml`), recording for each file
  its `stat` (device, inode, size, mtime, ctime) and the SHA-256 of its bytes, and the
  name of the payload;
- a *payload* per content: the name is a hash of the package's code and version, the
  Python version, and every file's path and content hash. It holds two sections: the
  entries that can ever be reminded (what `timeline remind` needs, a tenth of a typical
  file), each pickled on its own beside a `prefilter` summary so that `remind` unpickles
  only those that might be due at T; and the whole `LoadResult`.

Never stale: a file whose `stat` differs from the record is hashed, and only its content
decides. `stat` alone is trusted only when the record was written well after the file's
last change (a change within the same clock tick as the record could keep size, mtime and
ctime: git's "racy clean" problem), otherwise the file is hashed too. Only error-free loads
are stored. Files are written to a temporary name and renamed, so readers see a whole file
or none; anything unreadable, truncated or corrupt is a miss and a normal load follows.
Nothing here imports PyYAML, pydantic or rich: a warm `timeline remind` needs none of them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import operator
import os
import pickle
import re
import struct
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from . import __version__
from .result import Chunks, LoadResult
from .timeline import Entry, Timeline

#: Given the timeline's zone, which reminded entries to read (by their `prefilter`
#: summary); the others are left pickled. Only for `reminded_only` reads.
Keep = Callable[[str], Callable[[Any], bool]]

FORMAT = 3
MAX_BYTES = 256 * 1024 * 1024  # the loader's own limit; larger files are never cached
RACY_NS = 2_000_000_000  # stat is trusted once the record is this much newer than the file
_MAGIC = b"PTLCACHE"
_PAYLOAD_NAME = re.compile(r"timeline-[0-9a-f]{40}")
_LENGTH = struct.Struct("<Q")
_HEADER = struct.Struct("<8sQQII")  # magic, reminded length, full length, their CRC-32s
_CODE = (
    "prefilter.py",
    "__init__.py",
    "cache.py",
    "dates.py",
    "loader.py",
    "model.py",
    "result.py",
    "scan.py",
    "timeline.py",
)


def directory() -> str | None:
    """The cache folder, or None when caching is turned off.

    Paths here are plain strings (`os.path`): pathlib costs a warm `remind` 3 ms to import.
    """
    if os.environ.get("TIMELINE_NO_CACHE", "") not in ("", "0"):
        return None
    override = os.environ.get("TIMELINE_CACHE_DIR")
    if override:
        return override
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "policy-timeline")


# ----------------------------------------------------------------------- keys


def _stat_key(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _code_key() -> str:
    """The package version, Python, and the loader's code as installed (size and mtime)."""
    here = os.path.dirname(__file__)
    parts = [__version__, sys.version, str(FORMAT)]
    for name in _CODE:
        try:
            stat = os.stat(os.path.join(here, name))
            parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:-")
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


@dataclass
class _Record:
    """What the index holds for one file."""

    stat: tuple[int, ...]
    digest: str
    trusted: bool  # stat alone may vouch for the content (not racy)


@dataclass
class Lookup:
    """What was found for a list of files: the result on a hit, what to store on a miss."""

    result: LoadResult | None
    paths: list[str]
    contents: dict[str, bytes]  # bytes read while looking (parse exactly these on a miss)
    stats: dict[str, os.stat_result]
    previous: str | None = None  # on a miss: the payload of these paths' last error-free load


# -------------------------------------------------------------------- pickling


def _reducer(cls: type) -> Callable[[Any], tuple[Any, tuple[Any, ...]]]:
    """Rebuild a frozen dataclass through its constructor: far faster to load than the
    `__setstate__` that dataclasses give frozen slotted classes (it calls `fields()` per
    object); its fields are read by one `attrgetter`, the quickest way to dump them."""
    names = [f.name for f in fields(cls) if f.init]
    if len(names) == 1:
        name = names[0]
        return lambda obj: (cls, (getattr(obj, name),))
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


class _Counted:
    """A file being written that keeps the length and CRC-32 of what goes through it, so
    that a pickle can go straight to the file (no copy of it in memory)."""

    def __init__(self, stream: Any) -> None:
        self.stream, self.length, self.crc = stream, 0, 0

    def write(self, data: bytes) -> int:
        self.stream.write(data)
        self.length += len(data)
        self.crc = zlib.crc32(data, self.crc)
        return len(data)


def _loads(data: bytes) -> Any:
    # unpickling makes many objects at once, which would run the collector over and over
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if was_enabled:
            gc.enable()


# ---------------------------------------------------------------------- reading


def _read_index(folder: str, name: str) -> tuple[list[_Record], str] | None:
    try:
        with open(os.path.join(folder, name), "rb") as stream:
            data = stream.read()
        records, payload = pickle.loads(data)
        if not isinstance(payload, str) or not isinstance(records, list):
            return None
        return [_Record(*record) for record in records], payload
    except Exception:  # a broken index is a miss, whatever broke it
        return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_payload(path: str, reminded_only: bool, keep: Keep | None = None) -> LoadResult | None:
    try:
        with open(path, "rb") as stream:
            header = stream.read(_HEADER.size)
            if len(header) != _HEADER.size:
                return None
            magic, small_length, full_length, small_crc, full_crc = _HEADER.unpack(header)
            if magic != _MAGIC:
                return None
            if reminded_only:
                data, crc = stream.read(small_length), small_crc
                expected = small_length
            else:
                stream.seek(_HEADER.size + small_length)
                data, crc = stream.read(full_length), full_crc
                expected = full_length
        if len(data) != expected or zlib.crc32(data) != crc:
            return None
        result = _read_reminded(data, keep) if reminded_only else _loads(data)
        if not isinstance(result, LoadResult) or not isinstance(result.timeline, Timeline):
            return None
        return result
    except Exception:  # a broken payload is a miss, whatever broke it
        return None


def _read_reminded(data: bytes, keep: Keep | None) -> LoadResult:
    """The reminded section: a small pickle of what every entry needs (files, sources,
    problems, one `prefilter` summary per entry), then each entry pickled on its own, so
    that only those `keep` asks for are unpickled."""
    (meta_length,) = _LENGTH.unpack_from(data)
    start = _LENGTH.size + meta_length
    files, sources, problems, summaries, ends = _loads(data[_LENGTH.size : start])
    wanted = keep(files[0].timezone if files else "UTC") if keep is not None else None
    view = memoryview(data)[start:]
    entries: list[Entry] = []
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        begin = 0
        for summary, end in zip(summaries, ends, strict=True):
            if wanted is None or wanted(summary):
                entries.append(pickle.loads(view[begin:end]))
            begin = end
    finally:
        if was_enabled:
            gc.enable()
    return LoadResult(Timeline(files, tuple(entries), sources), problems)


def lookup(
    paths: Sequence[str], *, reminded_only: bool = False, keep: Keep | None = None
) -> Lookup:
    """The cached result for these files when every file is unchanged, else a miss.

    With `reminded_only`, the timeline holds only the entries that can be reminded
    (deadlines and entries with their own lead times): all that `remind` looks at; with
    `keep` too, only those of them that it keeps (see `prefilter`).
    """
    found = Lookup(None, [os.fspath(p) for p in paths], {}, {})
    folder = directory()
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
        record = index[0][position] if index is not None and position < len(index[0]) else None
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
    if index is None or len(index[0]) != len(found.paths):
        return found
    if [r.digest for r in index[0]] != digests:
        found.previous = index[1]
        return found
    payload = _payload_name(found.paths, digests, code)
    if payload != index[1]:
        return found
    result = _read_payload(os.path.join(folder, payload), reminded_only, keep)
    if result is not None and found.contents:
        # the files were hashed (touched, or recorded too soon after a change): record
        # their stat again, so that the next run can trust it
        _write_index(folder, found, digests, payload, code)
    found.result = result
    return found


def _previous_chunks(found: Lookup) -> dict[str, Chunks] | None:
    """What the last error-free load of these files kept of each entry, to parse only the
    entries that changed since; None when there is none (or it is unreadable)."""
    folder = directory()
    name = found.previous
    if folder is None or name is None or not _PAYLOAD_NAME.fullmatch(name):
        return None
    result = _read_payload(os.path.join(folder, name), reminded_only=False)
    if result is None:
        return None
    chunks = getattr(result, "chunks", None)
    if not isinstance(chunks, dict):
        return None
    return {
        path: table
        for path, table in chunks.items()
        if isinstance(table, Chunks)
        and isinstance(table.relative, dict)
        and len(table.digests) == 16 * len(table.entries)
        and len(table.lines) == len(table.entries) == len(table.ranks)
    }


def _regular(stat: os.stat_result) -> bool:
    import stat as stat_module

    return stat_module.S_ISREG(stat.st_mode) and stat.st_size <= MAX_BYTES


# ---------------------------------------------------------------------- writing


def reminded_subset(timeline: Timeline) -> Timeline:
    """The timeline with only the entries that `remind` can ever report."""
    return Timeline(
        timeline.files, tuple(e for e in timeline.entries if e.reminded), timeline.sources
    )


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


def _write_payload(folder: str, name: str, small: LoadResult, full: LoadResult) -> None:
    """The payload: a header with the sections' lengths and CRCs, then the two sections."""
    import tempfile

    descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(bytes(_HEADER.size))
            sections = _Counted(stream), _Counted(stream)
            _write_reminded(sections[0], small)
            _pickler(sections[1]).dump(full)
            stream.seek(0)
            lengths = [section.length for section in sections]
            crcs = [section.crc for section in sections]
            stream.write(_HEADER.pack(_MAGIC, *lengths, *crcs))
        os.replace(temporary, os.path.join(folder, name))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _write_reminded(section: _Counted, small: LoadResult) -> None:
    """See `_read_reminded`."""
    from io import BytesIO

    from .prefilter import summarize

    timeline = small.timeline
    blobs = BytesIO()
    pickler = _pickler(blobs)
    ends: list[int] = []  # where each entry's pickle ends, from the start of the blobs
    for entry in timeline.entries:
        pickler.dump(entry)
        pickler.clear_memo()  # each entry must load on its own
        ends.append(blobs.tell())
    summaries = [summarize(entry) for entry in timeline.entries]
    meta = BytesIO()
    _pickler(meta).dump((timeline.files, timeline.sources, small.problems, summaries, ends))
    section.write(_LENGTH.pack(meta.tell()))
    section.write(meta.getvalue())
    section.write(blobs.getvalue())


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
        data = pickle.dumps((records, payload), protocol=pickle.HIGHEST_PROTOCOL)
        _write_atomically(folder, _index_name(found.paths, code), [data])
    except Exception:  # a cache that cannot be written is only slower
        return


def store(
    found: Lookup, result: LoadResult, hashes: dict[str, str], small: LoadResult | None = None
) -> None:
    """Remember an error-free load of exactly the bytes whose SHA-256 are `hashes`;
    `small` is the same with only the reminded entries, when already made."""
    folder = directory()
    if folder is None or result.errors or set(hashes) != set(found.paths):
        return
    code = _code_key()
    digests = [hashes[path] for path in found.paths]
    payload = _payload_name(found.paths, digests, code)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        previous = _read_index(folder, _index_name(found.paths, code))
        if small is None:
            small = LoadResult(reminded_subset(result.timeline), list(result.problems))
        _write_payload(folder, payload, small, result)
        _write_index(folder, found, digests, payload, code)
        if previous is not None and previous[1] != payload:
            with contextlib.suppress(FileNotFoundError):  # the content it described is gone
                os.unlink(os.path.join(folder, previous[1]))
    except Exception:  # a cache that cannot be written is only slower
        return
    finally:
        if was_enabled:
            gc.enable()


def load(
    paths: Sequence[str], *, reminded_only: bool = False, keep: Keep | None = None
) -> LoadResult:
    """Like `loader.load`, through the cache: the same result, faster when nothing changed.

    `reminded_only` and `keep`: see `lookup`; a miss returns every reminded entry."""
    found = lookup(paths, reminded_only=reminded_only, keep=keep)
    if found.result is not None:
        return found.result
    # reading the previous load, loading and storing make many objects and no cycles
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_and_store(found, reminded_only)
    finally:
        if was_enabled:
            gc.enable()


def _load_and_store(found: Lookup, reminded_only: bool) -> LoadResult:
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
    result = load_files(found.paths, contents, _previous_chunks(found))
    del contents  # the files' bytes: not needed while storing, the biggest thing then
    small = LoadResult(reminded_subset(result.timeline), list(result.problems))
    store(found, result, digests, small)
    if reminded_only and not result.errors:
        return small
    return result
