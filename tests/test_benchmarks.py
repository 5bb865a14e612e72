"""The benchmark scripts keep working: a tiny workspace run end to end (figures are not
checked here, only that every case runs and is reported against its target)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_edit
import bench_workspace


def test_the_program_is_timed_with_bytecode_kept_and_no_timeline_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("TIMELINE_FILE", "elsewhere.yaml")
    monkeypatch.setenv("TIMELINE_NO_CACHE", "1")
    env = bench_edit.program_env(NO_COLOR="1")
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert not [name for name in env if name.startswith("TIMELINE_")]
    assert env["NO_COLOR"] == "1"


def test_the_workspace_benchmark_runs_every_case_against_its_target() -> None:
    startup, figures = bench_workspace.measure(stories=2, entries=5, runs=1)
    assert [name for name, _, _ in figures] == [
        "remind, cache warm",
        "agenda, cache warm",
        "remind, one story changed",
        "remind, no cache",
    ]
    assert all(wall > startup[0] * 0.5 and cpu > 0 for _, (wall, cpu), _ in figures)
    lines = bench_workspace.verdicts(startup, figures)
    assert len(lines) == 4
    assert all("over python -c pass (target" in line for line in lines)
