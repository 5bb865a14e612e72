"""`export -o`: atomic replace for regular files only; devices, pipes and standard output
are written, never replaced; a full disk or a full standard output is a message, exit 1."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BUNDLED, Run, process_env

AS_OF = ("--as-of", "2025-07-28")


def _timeline(*args: str, stdout: int | object = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "policy_timeline", "-f", str(BUNDLED), *AS_OF, *args],
        stdout=stdout, stderr=subprocess.PIPE, timeout=60,  # type: ignore[arg-type]
        env=process_env(TIMELINE_NO_CACHE="1"),
    )


def test_a_regular_file_is_replaced(tmp_path: Path, run: Callable[..., Run]) -> None:
    target = tmp_path / "out.ics"
    target.write_text("old")
    result = run("-f", str(BUNDLED), *AS_OF, "export", "ics", "-o", str(target))
    assert result.code == 0
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_a_link_to_a_regular_file_replaces_its_target(tmp_path: Path,
                                                      run: Callable[..., Run]) -> None:
    target = tmp_path / "real.ics"
    target.write_text("old")
    link = tmp_path / "link.ics"
    link.symlink_to(target)
    assert run("-f", str(BUNDLED), *AS_OF, "export", "ics", "-o", str(link)).code == 0
    assert link.is_symlink()
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_dev_stdout_appended_to_a_log_appends(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_bytes(b"earlier line\n")
    with open(log, "ab") as appending:
        done = _timeline("export", "ics", "-o", "/dev/stdout", stdout=appending)
    assert done.returncode == 0, done.stderr
    data = log.read_bytes()
    assert data.startswith(b"earlier line\nBEGIN:VCALENDAR\r\n")
    assert stat.S_ISREG(os.stat(log).st_mode)


def test_dev_stdout_to_a_pipe(tmp_path: Path) -> None:
    done = _timeline("export", "json", "-o", "/dev/stdout")
    assert done.returncode == 0
    assert done.stdout.startswith(b"{")


def test_a_named_pipe_is_written_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "feed"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = _timeline("export", "ics", "-o", str(fifo))
    reader.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert received and received[0].startswith(b"BEGIN:VCALENDAR")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_device_is_a_message_and_stays_a_device() -> None:
    done = _timeline("export", "ics", "-o", "/dev/full")
    assert done.returncode == 1
    assert b"/dev/full: cannot write: No space left on device" in done.stderr
    assert b"internal error" not in done.stderr
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", [
    ("export", "ics"), ("export", "html"), ("remind",), ("show",), ("--format", "json", "show"),
])
def test_a_full_standard_output_is_a_message(command: tuple[str, ...]) -> None:
    with open("/dev/full", "wb") as full:
        done = _timeline(*command, stdout=full)
    assert done.returncode == 1, done.stderr
    assert b"cannot write to standard output: No space left on device" in done.stderr
    assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr


def test_a_folder_that_cannot_be_written_is_a_message(tmp_path: Path,
                                                      run: Callable[..., Run]) -> None:
    result = run("-f", str(BUNDLED), *AS_OF, "export", "ics", "-o",
                 str(tmp_path / "missing" / "out.ics"))
    assert result.code == 1
    assert f"{tmp_path / 'missing' / 'out.ics'}: cannot write: No such file or directory" in (
        result.err)


def test_a_directory_is_refused(tmp_path: Path, run: Callable[..., Run]) -> None:
    result = run("-f", str(BUNDLED), *AS_OF, "export", "ics", "-o", str(tmp_path))
    assert result.code == 1 and "is a directory" in result.err
