"""Shared fixtures: files written into a temporary folder, and the CLI run in-process."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from notify_servers import Hook, webhook
from policy_timeline.filters import Selection, select
from policy_timeline.loader import load
from policy_timeline.schedule import AsOf, Effective
from policy_timeline.timeline import Timeline

# Property tests have no time limit per example: on a shared machine a limit measures the
# machine, not the code (speed is measured by the scripts in benchmarks/).
settings.register_profile("policy-timeline", deadline=None)
settings.load_profile("policy-timeline")

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "timeline.yaml"
EXAMPLE = ROOT / "examples" / "truce-extended.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"


def process_env(**changes: str | None) -> dict[str, str]:
    """The environment for `timeline` in a child process: this checkout's code, with
    `changes` set (or removed, for None)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def loaded(path: Path, day: date) -> tuple[Timeline, AsOf, list[Effective]]:
    """A file as the exporters get it at `day`: every entry known then, unfiltered."""
    result = load([path])
    assert not result.errors, result.errors
    timeline = result.timeline
    as_of = AsOf.of_day(day, timeline.timezone)
    return timeline, as_of, select(timeline, as_of, Selection())


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def _write(text: str, name: str = "t.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test caches loaded timelines in a folder of its own, never the user's."""
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("TIMELINE_NO_CACHE", raising=False)


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run `timeline ARGS` in-process, with no colour and a fixed width."""
    from policy_timeline.cli import main

    def _run(*args: str, env: dict[str, str] | None = None) -> Run:
        for name in ("TIMELINE_FILE", "TIMELINE_AS_OF", "NO_COLOR"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("COLUMNS", "100")
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        return Run(code, out.getvalue(), err.getvalue())

    return _run


def _compare_golden(name: str, actual: str, update: bool) -> None:
    path = GOLDEN / name
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"golden file {name} did not exist; written, check it in and rerun")
    assert actual == path.read_text(encoding="utf-8"), f"differs from tests/golden/{name}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden files")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """`golden(NAME, text)` compares with tests/golden/NAME; `--update-golden` rewrites it."""
    update = bool(request.config.getoption("--update-golden"))
    # documents name the story files they cover: the checkout's place is not part of it
    return lambda name, actual: _compare_golden(
        name, actual.replace(str(ROOT), "<checkout>"), update
    )


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk only to receivers on 127.0.0.1: a proxy from the environment must not
    get between."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                 "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def hook() -> Iterator[Hook]:
    """A webhook receiver on 127.0.0.1 (tests/notify_servers.py)."""
    with webhook() as receiver:
        yield receiver


def khal_runner(home: Path, calendar: str, zone: str) -> Callable[..., str]:
    """khal (the calendar client) with a private config, calendar `calendar` (local zone
    `zone`) and database under `home`: each call runs `khal ARGS` and returns what it
    printed, failing on an exit code or an error it reports; skipped without khal."""
    beside = Path(sys.executable).with_name("khal")  # the venv's, from the 'test' extra
    found = str(beside) if beside.exists() else shutil.which("khal")
    if found is None:
        pytest.skip("khal is not installed (pip install khal; it is in the 'test' extra)")
    folder = home / "calendar"
    folder.mkdir(parents=True)
    config = home / "khal.conf"
    config.write_text(
        f"[calendars]\n[[{calendar}]]\npath = {folder}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        f"local_timezone = {zone}\ndefault_timezone = {zone}\n"
        f"[sqlite]\npath = {home / 'khal.db'}\n",
        encoding="utf-8",
    )
    environment = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home),
                   "XDG_DATA_HOME": str(home), "LC_ALL": "C.UTF-8", "TZ": "UTC"}

    def khal(*args: str) -> str:
        done = subprocess.run([found, "-c", str(config), *args], capture_output=True,
                              text=True, env=environment, timeout=120, check=False,
                              stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"khal {' '.join(args)}: {done.stderr}"
        assert "error" not in done.stderr.lower(), done.stderr
        return done.stdout

    return khal
