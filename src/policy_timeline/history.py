"""A workspace at two git revisions, loaded story by story and compared (`timeline diff`).

Each story is loaded on its own, so that one that does not load at a revision is reported
(every problem located, with the path as the user knows it) while the others are still
compared. Git contents are loaded straight from their bytes and never enter the cache:
only a side whose bytes are exactly the working-tree file's is loaded through the cache,
as any command loads that file.

Speed on a long story: the second side of a story is loaded with the first side's
`chunks` as `previous`, so only the entries whose text differs are parsed. That load
reuses the first side's unchanged entries (records are immutable: a moved one is a new
record), and neither side's entry locations are used by the diff.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from .diff import Revision, StoryDiff, Version, WorkspaceDiff, story_diff
from .gitfiles import GitError, commit_of, files_at, files_on_disk, relative_to_root, toplevel
from .result import LoadResult
from .schedule import AsOf
from .stories import key_from_path


def _load(path: str, data: bytes, on_disk: bytes | None) -> LoadResult:
    if on_disk is not None and data == on_disk:
        from .cache import load as load_through_cache

        return load_through_cache([path])  # the user's own file, as every command loads it
    from .loader import load

    return load([path], {path: data})


def _version(path: str, result: LoadResult) -> Version:
    if result.errors:
        return Version(path, None, tuple(result.errors))
    return Version(path, result.timeline)


def _pair(
    path: str, old: bytes | None, new: bytes | None, on_disk: bytes | None
) -> tuple[Version | None, Version | None]:
    """The story at both sides (None where a side does not have it)."""
    if old is None or new is None or old == new:
        present = new if new is not None else old
        assert present is not None
        version = _version(path, _load(path, present, on_disk))
        if old == new:
            return version, version
        return (version, None) if new is None else (None, version)
    from .loader import load

    new_first = new == on_disk or old != on_disk  # the side the cache may hold, else the newer
    first_bytes, second_bytes = (new, old) if new_first else (old, new)
    first = _load(path, first_bytes, on_disk)
    # the other side reuses the entries of the first whose text did not change (records
    # are immutable: reusing them changes nothing of the first side)
    second = load([path], {path: second_bytes}, first.chunks or None)
    first_version, second_version = _version(path, first), _version(path, second)
    if new_first:
        return second_version, first_version
    return first_version, second_version


def diff_workspace(
    paths: Sequence[str],
    old_revision: str | None,
    new_revision: str | None,
    as_of: Callable[[str], AsOf],
) -> WorkspaceDiff:
    """The workspace `paths` (files or folders, as given) at `old_revision` (default HEAD)
    and at `new_revision` (default: the working tree), compared as of `as_of(zone)` (the
    zone of the first story loaded). Paths are read from the current folder. GitError when
    git cannot answer."""
    root = toplevel()
    old = Revision(old_revision or "HEAD")
    old = Revision(old.name, commit_of(old.label, root))
    new = Revision(new_revision, commit_of(new_revision, root) if new_revision else None)
    wanted = [(path, relative_to_root(path, root)) for path in paths]
    assert old.commit is not None
    old_files = files_at(old.commit, root, wanted)
    found_on_disk = files_on_disk(wanted)
    on_disk = {path: data for path, data in found_on_disk.items() if data is not None}
    unreadable = [path for path, data in found_on_disk.items() if data is None]
    new_files = files_at(new.commit, root, wanted) if new.commit is not None else on_disk
    if new.commit is not None:
        unreadable = []  # the working tree is not compared: its files need not be readable
    if not old_files and not new_files and not unreadable:
        given = ", ".join(paths)
        raise GitError(
            f"no story file at {given} in {old.label} or {new.label}; "
            "name the files with -f (a folder means every *.yaml file in it)"
        )
    order = list(new_files) + [path for path in old_files if path not in new_files]
    pairs = {path: _pair(path, old_files.get(path), new_files.get(path), on_disk.get(path))
             for path in order}
    for path in unreadable:  # there, but not readable: the loader says why, located
        from .loader import load

        data = old_files.get(path)
        before = _version(path, _load(path, data, None)) if data is not None else None
        pairs[path] = before, _version(path, load([path]))
    for path, (before, after) in pairs.items():
        # a story that counts from another story is read beside the others of its side
        if before is not None and _needs_others(before):
            before = _with_others(path, old_files)
        if after is not None and _needs_others(after):
            after = _with_others(path, new_files if new.commit is not None else on_disk)
        pairs[path] = before, after
    zone = next(
        (
            version.timeline.timezone
            for pair in pairs.values()
            for version in pair
            if version is not None and version.timeline is not None
        ),
        "UTC",
    )
    moment = as_of(zone)
    stories: list[StoryDiff] = [
        story_diff(_key(path, before, after), before, after, moment)
        for path, (before, after) in pairs.items()
    ]
    return WorkspaceDiff(old, new, moment, tuple(stories))


def _needs_others(version: Version) -> bool:
    """Whether a story loaded alone failed only for want of the stories it names."""
    return bool(version.problems) and all(
        problem.code == "unknown-reference" and problem.message.startswith("unknown story")
        for problem in version.problems
    )


def _with_others(path: str, files: Mapping[str, bytes]) -> Version:
    """The story at `path` loaded with every other story of the same side (so that
    `story:id + 30d` resolves), and only its own entries and problems kept."""
    from .loader import load
    from .timeline import Timeline

    order = [other for other in files if other != path] + [path]
    result = load(order, files)
    mine = tuple(problem for problem in result.errors if problem.location.path == path)
    info = next((info for info in result.timeline.files if info.path == path), None)
    if mine or info is None:
        return Version(path, None, mine or tuple(result.errors))
    entries = tuple(
        entry for entry in result.timeline.entries
        if entry.location is not None and entry.location.path == path
    )
    sources = {info.key: result.timeline.sources.get(info.key, {})}  # its own, not the others'
    return Version(path, Timeline((info,), entries, sources))


def _key(path: str, before: Version | None, after: Version | None) -> str:
    """The story's key: its `key:` as the newer side has it, else its file name's."""
    for version in (after, before):
        if version is not None and version.info is not None and version.info.key:
            return version.info.key
    return key_from_path(path)
