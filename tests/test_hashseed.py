"""Same inputs, same bytes: no output may depend on the order of a set (PYTHONHASHSEED)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import process_env

TEXT = """\
title: Seeds
timezone: America/New_York
warn: [30d, 1mo, 7d, 1w]
events:
  - id: d
    title: D
    kind: deadline
    date: 2025-08-10
    warn: [28d, 4w, 1d, 12mo, 1y]
    tags: [b, a, c]
  - id: e
    title: E
    kind: deadline
    date: 2025-08-31
  - id: f
    title: F
    kind: notice
    date: d + 2d
    warn: [2d, 48d, 1mo]
"""


@pytest.mark.slow
@pytest.mark.parametrize("command", [
    ("export", "ics"),
    ("remind", "--format", "json"),
    ("--format", "plain", "remind"),
    ("--format", "json", "show"),
    ("export", "markdown"),
    ("export", "html"),
    ("export", "svg"),
    ("export", "mermaid", "--diagram", "gantt"),
    ("export", "timelinejs"),
    ("--format", "json", "check"),
])
def test_output_does_not_depend_on_the_hash_seed(
    write: Callable[..., Path], tmp_path: Path, command: tuple[str, ...]
) -> None:
    path = write(TEXT)
    outputs = set()
    for seed in ("0", "1", "2", "3", "12345"):
        done = subprocess.run(
            [sys.executable, "-m", "policy_timeline", "-f", str(path), "--as-of", "2025-07-20",
             *command],
            capture_output=True, timeout=60,
            env=process_env(PYTHONHASHSEED=seed, TIMELINE_NO_CACHE="1"),
        )
        assert done.returncode in (0, 3), done.stderr.decode()
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_equal_lead_times_give_one_alarm(write: Callable[..., Path],
                                         run: Callable[..., object]) -> None:
    path = write(TEXT)
    result = run("-f", str(path), "--as-of", "2025-07-20", "export", "ics")
    text = result.out  # type: ignore[attr-defined]
    event = text.split("BEGIN:VEVENT")[1].split("END:VEVENT")[0]
    triggers = [line for line in event.splitlines() if line.startswith("TRIGGER")]
    assert len(triggers) == len(set(triggers)) == 3  # 28d (4w), 1d, 12mo (1y)
