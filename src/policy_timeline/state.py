"""Small files the program keeps for itself: where they live, and how they are written.

State (what `news` last showed, what `notify` delivered) lives under
`$XDG_STATE_HOME/policy-timeline/` (default `~/.local/state/policy-timeline/`). It is
plain JSON, never anything that runs when read; it is written to a temporary file and
renamed, so a reader sees the old or the new document, never half; and a folder that
other users can write is refused, because whoever can write it decides what we read.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

APP = "policy-timeline"


class StateError(Exception):
    """A state folder or file that cannot be used safely; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def state_home(environ: Mapping[str, str] = os.environ) -> Path:
    """`$XDG_STATE_HOME/policy-timeline`, else `~/.local/state/policy-timeline` (not created)."""
    base = environ.get("XDG_STATE_HOME", "")
    # the XDG spec: a relative path in the variable is invalid and must be ignored
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / APP


def config_home(environ: Mapping[str, str] = os.environ) -> Path:
    """`$XDG_CONFIG_HOME/policy-timeline`, else `~/.config/policy-timeline` (not created)."""
    base = environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".config"
    return root / APP


def unsafe_reason(path: Path) -> str | None:
    """Why `path` (an existing folder or file) must not be trusted, or None when it may.

    Refused: group- or world-writable, or owned by another user than the one running us.
    """
    try:
        info = path.stat()
    except OSError as error:
        return f"cannot read {path}: {error.strerror or error}"
    if info.st_uid != os.geteuid():
        return f"{path} belongs to another user (uid {info.st_uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"{path} can be written by other users (mode {stat.filemode(info.st_mode)})"
    return None


def private_folder(path: Path) -> Path:
    """`path`, created with mode 0700 when missing; StateError when it is not private."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise StateError(f"cannot create {path}: {error.strerror or error}") from None
    reason = unsafe_reason(path)
    if reason is not None:
        raise StateError(f"{reason}; refusing to keep state there")
    return path


def workspace_id(paths: Sequence[str]) -> str:
    """A short stable name for a set of loaded paths (order and spelling do not matter)."""
    resolved = sorted({os.path.realpath(path) for path in paths})
    return hashlib.sha256("\0".join(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:16]


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` + '.lock' (created beside it) while inside."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise StateError(f"cannot lock {path}: {error.strerror or error}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def read_json(path: Path) -> Any:
    """The JSON document at `path`; None when there is none. StateError when unreadable."""
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StateError(f"cannot read {path}: {error.strerror or error}") from None
    reason = unsafe_reason(path)
    if reason is not None:
        raise StateError(f"{reason}; refusing to read it")
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise StateError(f"{path} is not valid JSON; move it away to start afresh") from None


def write_json(path: Path, document: Any) -> None:
    """Write `document` to `path` atomically (temporary file, fsync, rename), mode 0600."""
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise StateError(f"cannot write in {path.parent}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise StateError(f"cannot write {path}: {error.strerror or error}") from None
