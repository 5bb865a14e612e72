"""Story files as git has them at a revision, read with the real `git`.

Every call runs `git` with a list of arguments (never a shell) in the repository's top
folder, with paths relative to it. A revision is checked to name a commit before it is
used, and one that looks like an option is refused, so nothing the user types can become
an option of git. Errors are `GitError`s with a message the user can act on.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

STORY_SUFFIXES = (".yaml", ".yml")


class GitError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _git(arguments: Sequence[str], cwd: str | Path, stdin: bytes | None = None) -> bytes:
    """`git ARGUMENTS` in `cwd`: its standard output; GitError with git's message on failure."""
    try:
        done = subprocess.run(
            ["git", *arguments], cwd=cwd, input=stdin, capture_output=True, check=False,
            env={**os.environ, "GIT_LITERAL_PATHSPECS": "1"},  # a path is a name, not a pattern
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH); 'timeline diff' needs it") from None
    except OSError as error:
        raise GitError(f"cannot run git: {error.strerror or error}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {arguments[0]} failed")
    return done.stdout


def toplevel(cwd: str | Path = ".") -> Path:
    """The top folder of the git repository that holds `cwd`."""
    try:
        out = _git(["rev-parse", "--show-toplevel"], cwd)
    except GitError:
        where = os.path.abspath(cwd)
        raise GitError(
            f"{where} is not in a git repository; 'timeline diff' compares the story files "
            "between git revisions (use 'timeline news' for what was announced when)"
        ) from None
    return Path(os.fsdecode(out.rstrip(b"\n")))


def commit_of(revision: str, root: Path) -> str:
    """The commit `revision` names (`HEAD`, `main`, `HEAD~1`, a hash, `origin/main`...)."""
    if not revision or revision.startswith("-") or "\0" in revision:
        raise GitError(f"{revision!r} is not a revision")
    try:
        out = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root)
    except GitError:
        raise GitError(f"unknown revision {revision!r}: not a commit in {root}") from None
    return out.decode("ascii").strip()


def relative_to_root(path: str, root: Path, cwd: str | Path = ".") -> str:
    """`path` (as the user wrote it, from `cwd`) as git names it: relative to `root`, '/'."""
    absolute = os.path.realpath(os.path.join(cwd, path))
    relative = os.path.relpath(absolute, os.path.realpath(root))
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        raise GitError(f"{path} is outside the git repository at {root}")
    return "" if relative == os.curdir else relative.replace(os.sep, "/")


@dataclass(frozen=True, slots=True)
class TreeEntry:
    path: str  # relative to the root
    kind: str  # blob | tree | commit
    object_id: str


def tree_entries(commit: str, root: Path, paths: Sequence[str] | None) -> dict[str, TreeEntry]:
    """What the commit has at each of `paths` (root-relative; a folder ending in '/' lists
    what is directly in it; None: the top folder's contents); a path it lacks is missing."""
    if paths is not None and not paths:
        return {}
    out = _git(["ls-tree", "-z", "--full-tree", commit, "--", *(paths or ())], root)
    found: dict[str, TreeEntry] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        _mode, kind, object_id = meta.decode("ascii").split(" ")
        path = os.fsdecode(name)
        found[path] = TreeEntry(path, kind, object_id)
    return found


def read_blobs(object_ids: Sequence[str], root: Path) -> dict[str, bytes]:
    """The contents of blobs by id, in one `git cat-file --batch`."""
    unique = list(dict.fromkeys(object_ids))
    if not unique:
        return {}
    out = _git(["cat-file", "--batch"], root, stdin="".join(f"{o}\n" for o in unique).encode())
    blobs: dict[str, bytes] = {}
    at = 0
    for object_id in unique:
        end = out.index(b"\n", at)
        header = out[at:end].decode("ascii").split(" ")
        if len(header) != 3 or header[1] != "blob":
            raise GitError(f"git could not read object {object_id}")
        size = int(header[2])
        blobs[object_id] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1  # the content, then a newline
    return blobs


def is_story_name(name: str) -> bool:
    """A file a folder contributes to a workspace: `*.yaml` / `*.yml`, not hidden."""
    return not name.startswith(".") and name.endswith(STORY_SUFFIXES)


def files_at(commit: str, root: Path, wanted: Sequence[tuple[str, str]]) -> dict[str, bytes]:
    """The story files a commit has, by display path, in workspace order.

    `wanted` holds (path as the user gave it, the same relative to the root): a folder
    gives every story file directly in it (in name order), a file itself; a path the
    commit does not have gives nothing.
    """
    listed = tree_entries(commit, root, [rel for _, rel in wanted if rel])
    found: list[tuple[str, str]] = []  # (display path, object id)
    for display, rel in wanted:
        entry = listed.get(rel) if rel else None
        if entry is not None and entry.kind == "blob":
            found.append((display, entry.object_id))
            continue
        if rel and (entry is None or entry.kind != "tree"):
            continue
        inside = tree_entries(commit, root, [rel + "/"] if rel else None)
        prefix = rel + "/" if rel else ""
        found += [
            (os.path.normpath(os.path.join(display, item.path[len(prefix):])), item.object_id)
            for item in sorted(inside.values(), key=lambda item: item.path)
            if item.kind == "blob" and is_story_name(item.path[len(prefix):])
        ]
    blobs = read_blobs([object_id for _, object_id in found], root)
    return {display: blobs[object_id] for display, object_id in found}


def files_on_disk(wanted: Sequence[tuple[str, str]]) -> dict[str, bytes | None]:
    """The same as `files_at`, from the working tree; None for a file that is there but
    cannot be read (loading it then says why, located)."""
    found: dict[str, bytes | None] = {}
    for display, _rel in wanted:
        paths = [display]
        if os.path.isdir(display):
            try:
                names = sorted(os.listdir(display))
            except OSError:
                names = []
                found[display] = None
            paths = [os.path.normpath(os.path.join(display, name))
                     for name in names if is_story_name(name)]
        for path in paths:
            try:
                found[path] = Path(path).read_bytes()
            except FileNotFoundError:
                continue
            except OSError:
                found[path] = None
    return found
