"""Writing a built site into a folder: only the files whose bytes changed, atomically.

An unchanged file is not touched (its mtime stays, so `rsync`, web servers and caches see
nothing new). A file the previous build made and this one did not (a story removed) is
deleted; it is known by the list of files the last build wrote, kept in the folder as
`.timeline-site`. Anything else in the folder (a CNAME, a README) is left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .editing import write_atomic

MANIFEST = ".timeline-site"


@dataclass
class Written:
    """What a write did, each list of paths relative to the folder, sorted."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class SiteError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _safe(relative: str) -> PurePosixPath:
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"not a path inside the site: {relative!r}")
    return path


def write_site(folder: Path, files: Mapping[str, bytes]) -> Written:
    """Make `folder` hold `files`; see the module's docstring for what is kept."""
    done = Written()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        previous = _previous(folder)
        for relative in sorted(files):
            target = folder.joinpath(*_safe(relative).parts)
            data = files[relative]
            try:
                if target.is_file() and target.stat().st_size == len(data) \
                        and target.read_bytes() == data:
                    done.unchanged.append(relative)
                    continue
            except OSError:
                pass  # unreadable: write it again
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, data)
            done.changed.append(relative)
        for relative in sorted(previous - set(files)):
            target = folder.joinpath(*_safe(relative).parts)
            if target.is_file():
                target.unlink()
                done.removed.append(relative)
                _remove_empty_parents(folder, target.parent)
        manifest = "".join(f"{relative}\n" for relative in sorted(files)).encode("utf-8")
        path = folder / MANIFEST
        if not (path.is_file() and path.read_bytes() == manifest):
            write_atomic(path, manifest)
    except OSError as error:
        where = error.filename or folder
        raise SiteError(f"{where}: cannot write: {error.strerror or error}") from None
    return done


def _previous(folder: Path) -> set[str]:
    try:
        text = (folder / MANIFEST).read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return set()
    found = set()
    for line in text.splitlines():
        try:
            found.add(str(_safe(line.strip())))
        except ValueError:
            continue  # a line that does not name a file inside: never followed
    return found


def _remove_empty_parents(folder: Path, start: Path) -> None:
    current = start
    while current != folder and folder in current.parents:
        try:
            current.rmdir()
        except OSError:
            return  # not empty
        current = current.parent


__all__ = ["MANIFEST", "SiteError", "Written", "write_site"]
