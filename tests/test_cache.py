"""The cache of loaded timelines: same answers as a cold load, never stale, never fatal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BUNDLED, EXAMPLE, Run, process_env
from policy_timeline import cache
from policy_timeline.loader import load as cold_load
from policy_timeline.schedule import needed_for_reminders

AS_OF_DATES = ("2025-05-01", "2025-07-28", "2025-08-09", "2025-08-11", "2025-12-01")
SMALL = """\
title: T
timezone: America/New_York
events:
  - id: a
    title: Deadline A
    kind: deadline
    date: 2025-08-10
    warn: [14d]
  - id: b
    title: Event B
    date: a + 2d
"""


def cache_dir() -> Path:
    folder = cache.directory()
    assert folder is not None
    return Path(folder)


def payloads() -> list[Path]:
    folder = cache_dir()
    return sorted(folder.glob("timeline-*")) if folder.exists() else []


# ------------------------------------------------------------------ same answers


@pytest.mark.parametrize("path", [BUNDLED, EXAMPLE], ids=["bundled", "example"])
@pytest.mark.parametrize(
    "command",
    [
        ("remind", "--format", "json"),
        ("remind",),
        ("remind", "--within", "60d", "--format", "json"),
        ("show", "--format", "json"),
        ("show", "--all"),
        ("check",),
        ("check", "--format", "json"),
        ("agenda", "--days", "120"),
        ("agenda", "--days", "120", "--format", "json"),
    ],
    ids=lambda c: " ".join(c),
)
def test_warm_answers_equal_cold(
    run: Callable[..., Run], path: Path, command: tuple[str, ...]
) -> None:
    for as_of in AS_OF_DATES:
        argv = ("-f", str(path), "--as-of", as_of, *command)
        cold = run(*argv, env={"TIMELINE_NO_CACHE": "1"})
        first = run(*argv, env={"TIMELINE_NO_CACHE": "0"})  # fills the cache
        assert payloads(), "nothing was cached"
        assert cache.lookup([str(path)]).result is not None
        warm = run(*argv)
        assert (cold.code, cold.out, cold.err) == (first.code, first.out, first.err)
        assert (cold.code, cold.out, cold.err) == (warm.code, warm.out, warm.err)


def test_cached_result_equals_loaded_result() -> None:
    path = str(BUNDLED)
    cold = cold_load([path])
    cache.load([path])
    found = cache.lookup([path])
    assert found.result is not None
    assert found.result.timeline == cold.timeline
    assert found.result.problems == cold.problems
    reminded = cache.lookup([path], reminded_only=True).result
    assert reminded is not None
    assert reminded.timeline.entries == needed_for_reminders(cold.timeline)


def test_cached_entries_are_the_same_frozen_records() -> None:
    """Entries read from the cache are equal to the loaded ones, of the same classes,
    hash alike, and cannot be changed."""
    from dataclasses import FrozenInstanceError

    path = str(EXAMPLE)
    entries = cold_load([path]).timeline.entries
    assert any(e.changes for e in entries) and any(e.claims for e in entries)
    assert any(e.relative is not None for e in entries)
    cache.load([path])
    found = cache.lookup([path]).result
    assert found is not None
    loaded = found.timeline.entries
    assert loaded == entries
    assert all(type(a) is type(b) for a, b in zip(loaded, entries, strict=True))
    assert [hash(e.date) for e in loaded] == [hash(e.date) for e in entries]
    with pytest.raises(FrozenInstanceError):
        loaded[0].title = "changed"  # type: ignore[misc]


def test_reminded_only_gives_the_same_reminders() -> None:
    from policy_timeline.dates import parse_edtf
    from policy_timeline.schedule import AsOf, reminders

    full = cold_load([EXAMPLE]).timeline
    part = cache.load([str(EXAMPLE)], reminded_only=True).timeline
    assert len(part.entries) < len(full.entries)
    for text in AS_OF_DATES:
        as_of = AsOf.of_interval(parse_edtf(text, full.timezone), full.timezone)
        assert reminders(part, as_of) == reminders(full, as_of)


def test_a_read_without_sources_leaves_them_for_the_next_command(
    run: Callable[..., Run]
) -> None:
    """`agenda` cites no sources and reads none; `show` on the same cache still gives each
    entry its sources, as a run without cache does."""
    argv = ("-f", str(EXAMPLE), "--as-of", "2025-08-12")
    cold = run(*argv, "show", "--format", "json", env={"TIMELINE_NO_CACHE": "1"})
    assert '"url": "https://' in cold.out
    assert run(*argv, "agenda", env={"TIMELINE_NO_CACHE": "0"}).code == 0  # fills the cache
    assert cache.lookup([str(EXAMPLE)], sources=False).result is not None
    assert cache.load([str(EXAMPLE)], sources=False).timeline.sources == {}
    assert cache.load([str(EXAMPLE)]).timeline.sources == cold_load([EXAMPLE]).timeline.sources
    warm = run(*argv, "show", "--format", "json")
    assert (warm.code, warm.out) == (cold.code, cold.out)


def test_a_broken_sources_section_is_a_miss(run: Callable[..., Run]) -> None:
    """The sources come last in a payload: a byte flipped there fails its checksum, and
    the command loads the file again rather than show entries without their sources."""
    argv = ("-f", str(EXAMPLE), "--as-of", "2025-08-12", "show", "--format", "json")
    expected = run(*argv)
    [payload] = payloads()
    data = bytearray(payload.read_bytes())
    data[-3] ^= 0xFF
    payload.write_bytes(bytes(data))
    assert cache.lookup([str(EXAMPLE)]).result is None
    assert cache.lookup([str(EXAMPLE)], sources=False).result is not None  # agenda's read
    again = run(*argv)
    assert (again.code, again.out) == (expected.code, expected.out)


# ----------------------------------------------------------------- never stale


def _forge_same_size_edit(path: Path, old: str, new: str) -> None:
    """Change the content, keep the size, and put the old mtime back."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert len(old) == len(new) and old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


@pytest.mark.parametrize("trust_stat", [False, True], ids=["racy record", "trusted record"])
def test_same_size_same_mtime_edit_is_never_served_stale(
    write: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, trust_stat: bool
) -> None:
    if trust_stat:
        monkeypatch.setattr(cache, "RACY_NS", -(10**18))  # stat alone vouches for the content
    path = write(SMALL)
    assert cache.load([str(path)]).timeline.by_id()["a"].title == "Deadline A"
    assert cache.lookup([str(path)]).result is not None
    _forge_same_size_edit(path, "Deadline A", "Deadline Z")
    assert cache.lookup([str(path)]).result is None
    assert cache.load([str(path)]).timeline.by_id()["a"].title == "Deadline Z"
    # the date moved, and what depends on it moved too
    _forge_same_size_edit(path, "2025-08-10", "2025-08-20")
    entries = cache.load([str(path)]).timeline.by_id()
    assert str(entries["b"].date) == "2025-08-22"


def test_an_edit_back_to_old_content_is_served_correctly(write: Callable[[str], Path]) -> None:
    path = write(SMALL)
    cache.load([str(path)])
    path.write_text(SMALL.replace("Event B", "Event C"), encoding="utf-8")
    assert cache.load([str(path)]).timeline.by_id()["b"].title == "Event C"
    path.write_text(SMALL, encoding="utf-8")
    assert cache.load([str(path)]).timeline.by_id()["b"].title == "Event B"


def test_touch_without_change_is_still_a_hit(write: Callable[[str], Path]) -> None:
    path = write(SMALL)
    cache.load([str(path)])
    os.utime(path, ns=(1, 1))
    found = cache.lookup([str(path)])
    assert found.result is not None
    assert str(path) in found.contents  # it was hashed, not trusted


def test_files_are_keyed_as_a_list(write: Callable[[str, str], Path]) -> None:
    a = write(SMALL, "a.yaml")
    b = write("events:\n  - id: c\n    title: C\n    date: a:a + 1d\n", "b.yaml")
    both = cache.load([str(a), str(b)]).timeline
    assert [e.id for e in both.entries] == ["a", "c", "b"]
    assert [e.id for e in cache.load([str(a)]).timeline.entries] == ["a", "b"]
    b.write_text("events:\n  - id: c\n    title: C\n    date: a:a + 9d\n", encoding="utf-8")
    assert str(cache.load([str(a), str(b)]).timeline.by_id()["c"].date) == "2025-08-19"


def test_errors_are_not_cached(write: Callable[[str], Path]) -> None:
    path = write(SMALL.replace("a + 2d", "nope + 2d"))
    first = cache.load([str(path)])
    assert [p.code for p in first.errors] == ["unknown-reference"]
    assert payloads() == []
    assert cache.load([str(path)]).problems == first.problems


def test_missing_file_is_reported_not_cached(tmp_path: Path) -> None:
    result = cache.load([str(tmp_path / "nope.yaml")])
    assert "no such file" in str(result.errors[0])
    assert payloads() == []


# ------------------------------------------------------------ broken caches


def _corruptions() -> list[tuple[str, Callable[[Path], None]]]:
    def truncate(path: Path) -> None:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])

    def flip(path: Path) -> None:
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))

    def garbage(path: Path) -> None:
        path.write_bytes(b"\x80\x05not a pickle at all" * 10)

    def empty(path: Path) -> None:
        path.write_bytes(b"")

    def directory(path: Path) -> None:
        path.unlink()
        path.mkdir()

    return [
        ("truncated", truncate),
        ("flipped", flip),
        ("garbage", garbage),
        ("empty", empty),
        ("dir", directory),
    ]


@pytest.mark.parametrize("which", ["index", "timeline"])
@pytest.mark.parametrize(("how", "corrupt"), _corruptions(), ids=[c[0] for c in _corruptions()])
def test_corrupt_cache_files_fall_back_to_a_load(
    run: Callable[..., Run],
    write: Callable[[str], Path],
    which: str,
    how: str,
    corrupt: Callable[[Path], None],
) -> None:
    path = write(SMALL)
    argv = ("-f", str(path), "--as-of", "2025-07-28", "remind", "--format", "json")
    expected = run(*argv)
    assert expected.code == 0 and json.loads(expected.out)["reminders"]
    [target] = cache_dir().glob(f"{which}-*")
    corrupt(target)
    again = run(*argv)
    assert (again.code, again.out, again.err) == (expected.code, expected.out, expected.err)
    for flag in ((), ("--format", "json")):
        checked = run("-f", str(path), "--as-of", "2025-07-28", "check", *flag)
        assert checked.code == 0


def test_unwritable_cache_folder_only_slows_down(
    run: Callable[..., Run], write: Callable[[str], Path], tmp_path: Path
) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x", encoding="utf-8")
    path = write(SMALL)
    result = run(
        "-f",
        str(path),
        "--as-of",
        "2025-07-28",
        "remind",
        env={"TIMELINE_CACHE_DIR": str(blocker / "sub")},
    )
    assert result.code == 0 and "Deadline A" in result.out


def test_concurrent_writers(write: Callable[[str], Path]) -> None:
    """Eight processes fill the same cache at once; every one answers right, and so does the next."""
    text = SMALL + "".join(
        f"  - id: d{i}\n    title: Deadline {i}\n    kind: deadline\n    date: 2025-08-{1 + i % 28:02d}\n"
        for i in range(300)
    )
    path = write(text)
    env = process_env(TIMELINE_CACHE_DIR=str(cache_dir()))
    argv = [
        sys.executable,
        "-m",
        "policy_timeline",
        "-f",
        str(path),
        "--as-of",
        "2025-07-28",
        "remind",
        "--format",
        "json",
    ]
    cold = subprocess.run(
        argv, env={**env, "TIMELINE_NO_CACHE": "1"}, capture_output=True, text=True, check=True
    )
    processes = [
        subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert out == cold.stdout
    assert cache.lookup([str(path)], reminded_only=True).result is not None
    warm = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    assert warm.stdout == cold.stdout
    assert not list(cache_dir().glob(".tmp-*")), "temporary files left behind"


# --------------------------------------------------------------- switches


def test_no_cache_switch(run: Callable[..., Run]) -> None:
    folder = cache_dir()
    result = run(
        "-f", str(BUNDLED), "--as-of", "2025-07-28", "remind", env={"TIMELINE_NO_CACHE": "1"}
    )
    assert result.code == 0 and "truce-expiry" in result.out
    assert not folder.exists() or not any(folder.iterdir())


def test_cache_folder_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TIMELINE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.directory() == str(tmp_path / "xdg" / "policy-timeline")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.directory() == str(tmp_path / "home" / ".cache" / "policy-timeline")
    monkeypatch.setenv("TIMELINE_NO_CACHE", "1")
    assert cache.directory() is None
    monkeypatch.setenv("TIMELINE_NO_CACHE", "0")
    assert cache.directory() is not None


def test_warm_remind_imports_no_heavy_package(tmp_path: Path) -> None:
    """The hot path: a warm `timeline remind` needs neither pydantic, PyYAML nor rich, nor
    the code of the other commands."""
    env = process_env(TIMELINE_CACHE_DIR=str(cache_dir()), NO_COLOR="1")
    script = (
        "import sys\nfrom policy_timeline.cli import main\n"
        f"code = main(['-f', {str(BUNDLED)!r}, '--as-of', '2025-07-28', 'remind'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'yaml', 'rich', 'ruamel', 'icalendar'})\n"
        "ours = {'policy_timeline.cli.edit', 'policy_timeline.cli.share', 'policy_timeline.exporters',"
        " 'policy_timeline.editing', 'policy_timeline.filters', 'policy_timeline.loader'}\n"
        "heavy += sorted(ours & set(sys.modules))\n"
        "print('HEAVY', heavy, code)\n"
    )
    for _ in range(2):  # the first run fills the cache
        completed = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
    assert "HEAVY [] 0" in completed.stdout, completed.stdout


# ------------------------------------------------ a convenience, never an authority

FAR_DEADLINE = """\
title: T
events:
  - id: far
    title: Far deadline
    kind: deadline
    date: 2026-01-10
    warn: [14d]
"""
# the due-date rule changed in the program: every deadline is due a year earlier
CHANGED_RULE = """

def due_instant(interval):
    return interval.start.replace(year=interval.start.year - 1)
"""


def _copy_of_the_program(tmp_path: Path) -> Path:
    """This checkout's package copied under `tmp_path`, to be edited like an upgrade would."""
    import shutil

    import policy_timeline

    root = tmp_path / "program"
    shutil.copytree(
        Path(policy_timeline.__file__).parent,
        root / "policy_timeline",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return root


def test_a_change_to_any_module_of_the_program_is_never_served_stale(
    write: Callable[[str], Path], tmp_path: Path
) -> None:
    """The hole of issue 12: `schedule.py` was not in the cache's code fingerprint, so a
    changed due-date rule was answered from the cache with the old rule."""
    program = _copy_of_the_program(tmp_path)
    path = write(FAR_DEADLINE)
    env = process_env(PYTHONPATH=str(program), TIMELINE_CACHE_DIR=str(tmp_path / "c"))
    argv = [sys.executable, "-m", "policy_timeline", "-f", str(path), "--as-of", "2025-07-28"]

    def remind(**extra: str) -> str:
        done = subprocess.run(
            [*argv, "remind"], env={**env, **extra}, capture_output=True, text=True, check=True
        )
        return done.stdout

    assert remind() == "" and remind() == ""  # cached, and served warm
    with (program / "policy_timeline" / "schedule.py").open("a", encoding="utf-8") as module:
        module.write(CHANGED_RULE)
    uncached = remind(TIMELINE_NO_CACHE="1")
    assert "Far deadline" in uncached and "overdue" in uncached
    assert remind() == uncached


class _Hostile:
    """A pickle that, when loaded without restriction, creates the file `marker`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_cache_file_is_never_executed(
    run: Callable[..., Run], write: Callable[[str], Path], tmp_path: Path
) -> None:
    """The other hole of issue 12: every file of the cache folder replaced by a pickle
    that runs a command when loaded. The command never runs; the answers stay right."""
    import pickle

    path = write(SMALL)
    argv = ("-f", str(path), "--as-of", "2025-07-28", "remind", "--format", "json")
    expected = run(*argv)
    assert json.loads(expected.out)["reminders"]
    marker = tmp_path / "executed"
    planted = pickle.dumps(_Hostile(marker))
    files = [p for p in cache_dir().rglob("*") if p.is_file()]
    assert files
    for target in files:
        target.write_bytes(planted)
    for command in (argv, argv[:-2], ("-f", str(path), "check")):
        again = run(*command)
        assert again.code == 0
    again = run(*argv)
    assert not marker.exists(), "a cache file ran code"
    assert (again.code, again.out) == (expected.code, expected.out)


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722], ids=["others", "group", "write-only"])
def test_a_cache_folder_others_can_write_is_refused(
    run: Callable[..., Run], write: Callable[[str], Path], mode: int
) -> None:
    folder = cache_dir()
    folder.mkdir(exist_ok=True)
    folder.chmod(mode)
    path = write(SMALL)
    argv = ("-f", str(path), "--as-of", "2025-07-28", "remind")
    cold = run(*argv, env={"TIMELINE_NO_CACHE": "1"})
    for _ in range(2):
        result = run(*argv, env={"TIMELINE_NO_CACHE": "0"})
        assert (result.code, result.out) == (cold.code, cold.out)
        [line] = result.err.splitlines()
        assert line.startswith("timeline: warning: not using the cache: ")
        assert "group or others" in line and str(folder) in line
    assert not any(folder.iterdir()), "the refused folder was written"
    folder.chmod(0o700)
    assert run(*argv).err == ""


def test_a_cache_folder_of_another_user_is_refused(
    run: Callable[..., Run], write: Callable[[str], Path]
) -> None:
    if os.getuid() != 0:
        pytest.skip("only root can give a folder to another user")
    folder = cache_dir()
    folder.mkdir(exist_ok=True)
    os.chown(folder, 4321, -1)
    result = run("-f", str(write(SMALL)), "--as-of", "2025-07-28", "remind")
    assert "belongs to another user" in result.err and "Deadline A" in result.out
    assert not any(folder.iterdir())


def test_deleted_timelines_leave_nothing_behind(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    """40 temporary timelines, each loaded then deleted, once left 120 cache files."""
    for number in range(40):
        path = tmp_path / f"temporary-{number}.yaml"
        path.write_text(SMALL.replace("Deadline A", f"Deadline {number}"), encoding="utf-8")
        assert run("-f", str(path), "--as-of", "2025-07-28", "remind").code == 0
        path.unlink()
    kept = tmp_path / "kept.yaml"
    kept.write_text(SMALL, encoding="utf-8")
    assert run("-f", str(kept), "--as-of", "2025-07-28", "remind").code == 0
    left = sorted(p.name for p in cache_dir().iterdir() if not p.name.startswith("."))
    assert len(left) == 3, left  # the kept timeline's index, payload and segment
    assert cache.lookup([str(kept)]).result is not None


def test_the_cache_remembers_a_bounded_number_of_timelines(
    run: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "MAX_TIMELINES", 5)
    paths = []
    for number in range(12):
        path = tmp_path / f"t{number}.yaml"
        path.write_text(SMALL.replace("Deadline A", f"Deadline {number}"), encoding="utf-8")
        paths.append(path)
        assert run("-f", str(path), "--as-of", "2025-07-28", "remind").code == 0
    files = [p for p in cache_dir().iterdir() if not p.name.startswith(".")]
    assert len(files) <= 3 * (5 + 1), sorted(p.name for p in files)
    assert cache.lookup([str(paths[-1])]).result is not None  # the latest is still there
    assert cache.lookup([str(paths[0])]).result is None  # the oldest went


def test_a_well_formed_payload_that_names_a_function_is_never_run(
    run: Callable[..., Run], write: Callable[[str], Path], tmp_path: Path
) -> None:
    """A planted payload with the right magic, lengths and checksums, whose sections are
    pickles that call `os.system`: the checksums pass, the unpickler still refuses."""
    import pickle
    import zlib

    path = write(SMALL)
    argv = ("-f", str(path), "--as-of", "2025-07-28", "remind", "--format", "json")
    expected = run(*argv)
    marker = tmp_path / "executed"
    planted = pickle.dumps(_Hostile(marker))
    reminded = cache._LENGTH.pack(len(planted)) + planted
    sections = [reminded, planted, planted, planted]
    header = cache._HEADER.pack(
        cache._MAGIC, *(len(s) for s in sections), *(zlib.crc32(s) for s in sections)
    )
    [payload] = cache_dir().glob("timeline-*")
    payload.write_bytes(header + b"".join(sections))
    for command in (argv, ("-f", str(path), "--as-of", "2025-07-28", "show", "--all")):
        again = run(*command)
        assert again.code == 0
    again = run(*argv)
    assert not marker.exists(), "a cache file ran code"
    assert (again.code, again.out) == (expected.code, expected.out)
