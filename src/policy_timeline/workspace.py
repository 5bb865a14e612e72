"""A workspace: everything one command loads, as a list of story files (SPEC section 1).

`-f PATH` (repeatable) names files or folders; a folder means every `*.yaml` / `*.yml`
file directly in it, in name order, hidden files skipped. With no `-f`: `$TIMELINE_FILE`
(paths separated by ':'), else `./timeline.yaml`, else the folder `./timelines/`.
Pure functions of what they are given and the file system: no clock, no printing.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from .timeline import Timeline

if TYPE_CHECKING:
    from .result import LoadResult

LEFT_OUT = "left-out-dependency"  # the problem code of an entry left out with a story

DEFAULT_FILE = "timeline.yaml"
DEFAULT_FOLDER = "timelines"
STORY_SUFFIXES = (".yaml", ".yml")


class WorkspaceError(Exception):
    """No story file to load: the message says what was looked for and how to start."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_story_file(name: str) -> bool:
    return not name.startswith(".") and name.endswith(STORY_SUFFIXES)


def folder_files(folder: str) -> list[str]:
    """The story files directly in `folder`, in name order (hidden files skipped)."""
    try:
        names = sorted(
            entry.name
            for entry in os.scandir(folder)
            if is_story_file(entry.name)
        )
    except OSError:
        return []
    return [os.path.join(folder, name) for name in names]


def expand(paths: Sequence[str]) -> list[str]:
    """Files as given, folders as the story files in them; each path once.

    A path that does not exist stays, so that loading reports it, located. An empty
    folder is an error: it names the folder.
    """
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            inside = folder_files(path)
            if not inside:
                raise WorkspaceError(
                    f"{path}: no story files (*.yaml, *.yml) in this folder; "
                    f"create one with 'timeline -f {os.path.join(path, 'story.yaml')} init'"
                )
            found.extend(inside)
        else:
            found.append(path)
    seen: set[str] = set()
    unique: list[str] = []
    for path in found:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            unique.append(path)
    return unique


def default_paths(environment: str | None) -> list[str]:
    """What a command loads with no `-f`: `$TIMELINE_FILE` (given as `environment`, paths
    separated like PATH), else ./timeline.yaml, else ./timelines/."""
    if environment:
        given = [path for path in environment.split(os.pathsep) if path]
        if given:
            return given
    if os.path.exists(DEFAULT_FILE):
        return [DEFAULT_FILE]
    if os.path.isdir(DEFAULT_FOLDER):
        return [DEFAULT_FOLDER]
    raise WorkspaceError(
        f"no timeline here: neither ./{DEFAULT_FILE} nor a folder ./{DEFAULT_FOLDER}/ exists; "
        f"start one with 'timeline init', or name files or folders with -f PATH "
        f"(or $TIMELINE_FILE)"
    )


def resolve(given: Sequence[str] | None, environment: str | None) -> list[str]:
    """The story files of a workspace: `-f` paths when given, else the defaults; folders
    expanded."""
    return expand(list(given) if given else default_paths(environment))


def left_out(result: LoadResult) -> list[str]:
    """The files of the stories a load left out for their errors, in the order given."""
    loaded = {info.path for info in result.timeline.files}
    paths: list[str] = []
    for problem in result.errors:
        path = problem.location.path
        if problem.code != LEFT_OUT and path not in loaded and path not in paths:
            paths.append(path)
    return paths


def only_stories(timeline: Timeline, keys: Collection[str]) -> Timeline:
    """The timeline with only the stories whose keys are in `keys`."""
    return Timeline(
        tuple(info for info in timeline.files if info.key in keys),
        tuple(entry for entry in timeline.entries if entry.story in keys),
        {key: table for key, table in timeline.sources.items() if key in keys},
    )
