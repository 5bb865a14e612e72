"""Stories: one file is one story, named by a key (SPEC section 1).

The key, never the title, is what calendar UIDs, notification state and cross-story
references use, so retitling a story changes nothing for the people who follow it.
It is `key:` at the top of the file when present, else the file name's stem made into
an id (`US China.yaml` → `us-china`); the loader sets it on `FileInfo` and every `Entry`.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from .timeline import Entry, FileInfo, Timeline

_NOT_KEY = re.compile(r"[^a-z0-9]+")


def key_from_path(path: str) -> str:
    """The key a file gets from its name: its stem, lowercased, other runs made '-'."""
    key = _NOT_KEY.sub("-", PurePath(path).stem.lower()).strip("-")
    return key or "story"


def story_key(info: FileInfo) -> str:
    return info.key or key_from_path(info.path)


def story_of(timeline: Timeline, entry: Entry) -> FileInfo | None:
    """The loaded file an entry was written in (None for an entry with no location)."""
    if entry.location is None:
        return None
    for info in timeline.files:
        if info.path == entry.location.path:
            return info
    return None


def entry_story_key(timeline: Timeline, entry: Entry) -> str:
    if entry.story:
        return entry.story
    info = story_of(timeline, entry)
    return story_key(info) if info is not None else "story"
