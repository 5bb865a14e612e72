"""The editing commands on the command line: add, change, import, init, schema."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BUNDLED, Run, process_env
from policy_timeline.loader import load

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
AS_OF = ("--as-of", "2025-07-28")


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    path = tmp_path / "timeline.yaml"
    path.write_bytes(BUNDLED.read_bytes())
    return path


def ids(path: Path) -> list[str]:
    result = load([path])
    assert not result.errors, [str(p) for p in result.errors]
    return [e.id for e in result.timeline.entries]


# ------------------------------------------------------------------------ add


def test_add_derives_an_id_and_reads_human_dates(run: Callable[..., Run], seed: Path) -> None:
    result = run("-f", str(seed), *AS_OF, "add", "--title", "Tariff freeze expires", "--date", "+2w",
                 "--kind", "deadline", "--warn", "14 days,3d", "--tag", "tariffs", "--announced", "today")
    assert result.code == 0, result.err
    assert result.out.startswith(f"added tariff-freeze-expires to {seed}:")
    entry = load([seed]).timeline.by_id()["tariff-freeze-expires"]
    assert entry.date_text == "2025-08-11"  # two weeks after --as-of
    assert [w.text for w in entry.warn] == ["14d", "3d"]
    assert entry.announced is not None and entry.announced.text == "2025-07-28"
    again = run("-f", str(seed), *AS_OF, "--format", "json", "add", "--title", "Tariff freeze expires",
                "--date", "tariff-freeze-expires + 90d")
    assert json.loads(again.out)["added"][0]["id"] == "tariff-freeze-expires-2"


def test_add_refuses_invalid_with_located_message(run: Callable[..., Run], seed: Path) -> None:
    before = seed.read_bytes()
    result = run("-f", str(seed), *AS_OF, "add", "--title", "X", "--date", "nobody + 3d")
    assert result.code == 1
    assert f"{seed}:" in result.err and "error: unknown id 'nobody'" in result.err
    assert "not changed" in result.err
    assert seed.read_bytes() == before
    result = run("-f", str(seed), *AS_OF, "add", "--title", "X", "--date", "2025-02-30")
    assert result.code == 2 and "February 2025 has 28 days" in result.err
    result = run("-f", str(seed), *AS_OF, "add", "--title", "X", "--date", "2025", "--id", "Bad Id")
    assert result.code == 1 and "bad id 'Bad Id'" in result.err
    assert seed.read_bytes() == before


def test_add_without_a_terminal_needs_title_and_date(run: Callable[..., Run], seed: Path) -> None:
    result = run("-f", str(seed), *AS_OF, "add", "--title", "X")
    assert result.code == 2 and "add needs --date" in result.err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_add_asks_in_a_terminal(run: Callable[..., Run], seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("Asked title\naug 10 2025\n"))
    result = run("-f", str(seed), *AS_OF, "add")
    assert result.code == 0, result.err
    assert load([seed]).timeline.by_id()["asked-title"].date_text == "2025-08-10"


def test_add_to_a_missing_file(run: Callable[..., Run], tmp_path: Path) -> None:
    result = run("-f", str(tmp_path / "none.yaml"), *AS_OF, "add", "--title", "X", "--date", "2025")
    assert result.code == 1 and "no such file" in result.err and "timeline init" in result.err


# --------------------------------------------------------------------- change


def test_change_appends_to_changes(run: Callable[..., Run], seed: Path) -> None:
    result = run("-f", str(seed), *AS_OF, "change", "truce-expiry", "--announced", "aug 11 2025",
                 "--date", "2025-11-10", "--note", "Extended 90 days", "--source", "https://example.org/eo")
    assert result.code == 0, result.err
    entry = load([seed]).timeline.by_id()["truce-expiry"]
    last = entry.changes[-1]
    assert (last.announced.text, last.date and last.date.text, last.note, last.sources) == (
        "2025-08-11", "2025-11-10", "Extended 90 days", ("https://example.org/eo",)
    )
    result = run("-f", str(seed), *AS_OF, "change", "truce-expiry", "--announced", "2025-11-04",
                 "--status", "met")
    assert result.code == 0
    assert load([seed]).timeline.by_id()["truce-expiry"].changes[-1].status == "met"


def test_change_usage_and_refusals(run: Callable[..., Run], seed: Path) -> None:
    before = seed.read_bytes()
    assert run("-f", str(seed), *AS_OF, "change", "truce-expiry", "--announced", "today").code == 2
    assert run("-f", str(seed), *AS_OF, "change", "truce-expiry", "--note", "x").code == 2
    assert run("-f", str(seed), *AS_OF, "change", "truce-expiry", "--announced", "x y z",
               "--note", "n").code == 2
    result = run("-f", str(seed), *AS_OF, "change", "nothing-here", "--announced", "today", "--note", "n")
    assert result.code == 1 and "no entry with id 'nothing-here'" in result.err
    assert seed.read_bytes() == before


def test_change_finds_the_entry_in_any_loaded_file(run: Callable[..., Run], tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("events:\n  - id: a\n    title: A\n    date: 2025\n")
    second.write_text("events:\n  - id: b\n    title: B\n    date: 2025\n")
    result = run("-f", str(first), "-f", str(second), *AS_OF, "change", "b", "--announced", "today",
                 "--status", "met")
    assert result.code == 0, result.err
    assert "status: met" in second.read_text() and "changes" not in first.read_text()


# --------------------------------------------------------------------- import


def test_import_dry_run_changes_nothing(run: Callable[..., Run], seed: Path) -> None:
    before = seed.read_bytes()
    result = run("-f", str(seed), *AS_OF, "import", str(FIXTURES / "calendar.ics"), "--dry-run")
    assert result.code == 0, result.err
    assert result.out.startswith(f"would add 6 entries to {seed}\n  tariff-freeze-expires at {seed}:149: "
                                 "Tariff freeze expires (date: 2025-08-12)\n")
    assert "  149 |   - id: tariff-freeze-expires\n" in result.out
    assert "  157 |     warn: [2w, 3d]\n" in result.out
    assert "15 minutes" in result.err  # the alarm that cannot be a lead time
    assert seed.read_bytes() == before


@pytest.mark.parametrize("name", ["calendar.ics", "timeline.json", "sheet.csv"])
def test_import_then_again_adds_nothing(run: Callable[..., Run], seed: Path, name: str) -> None:
    before = seed.read_bytes()
    first = run("-f", str(seed), *AS_OF, "import", str(FIXTURES / name))
    assert first.code == 0, first.err
    assert seed.read_bytes().startswith(before)  # appended, nothing else touched
    count = len(ids(seed))
    second = run("-f", str(seed), *AS_OF, "--format", "json", "import", str(FIXTURES / name))
    report = json.loads(second.out)
    assert report["added"] == [] and report["skipped"]
    assert len(ids(seed)) == count


def test_import_of_our_own_ics_export_is_skipped_by_uid(
    run: Callable[..., Run], seed: Path, tmp_path: Path
) -> None:
    exported = run("-f", str(seed), *AS_OF, "export", "ics")
    if exported.code != 0:
        pytest.skip("the ICS exporter is not available")
    feed = tmp_path / "feed.ics"
    feed.write_text(exported.out)
    result = run("-f", str(seed), *AS_OF, "--format", "json", "import", str(feed))
    report = json.loads(result.out)
    assert report["added"] == []
    assert all(s["reason"].startswith("same UID") for s in report["skipped"])


def test_import_with_errors_changes_nothing(run: Callable[..., Run], seed: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Year,Month,Headline\n2025,5,Good\n2025,13,Bad month\n")
    before = seed.read_bytes()
    result = run("-f", str(seed), *AS_OF, "import", str(bad))
    assert result.code == 1
    assert f"{bad}:3:1: error: 'Bad month': bad date: month 13" in result.err
    assert seed.read_bytes() == before


# ---------------------------------------------------------------- init, schema


def test_init_writes_a_valid_starter_and_never_overwrites(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    path = tmp_path / "timeline.yaml"
    result = run("-f", str(path), *AS_OF, "init", "--title", "Export controls", "--timezone", "Europe/Brussels")
    assert result.code == 0, result.err
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=timeline.schema.json\n")
    assert json.loads((tmp_path / "timeline.schema.json").read_text())["title"] == "policy-timeline file"
    assert run("-f", str(path), *AS_OF, "check").code == 0
    assert run("-f", str(path), *AS_OF, "add", "--title", "First", "--date", "2025-08-01").code == 0
    assert ids(path) == ["first"]
    before = path.read_bytes()
    again = run("-f", str(path), *AS_OF, "init")
    assert again.code == 1 and "already exists" in again.err
    assert path.read_bytes() == before
    assert run("-f", str(tmp_path / "x.yaml"), "init", "--timezone", "Mars/Olympus").code == 2


def test_init_with_a_schema_url(run: Callable[..., Run], tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    assert run("-f", str(path), "init", "--schema", "https://example.org/s.json").code == 0
    assert path.read_text().startswith("# yaml-language-server: $schema=https://example.org/s.json\n")
    assert not (tmp_path / "timeline.schema.json").exists()


def test_schema_is_the_models_json_schema(run: Callable[..., Run]) -> None:
    result = run("schema")
    assert result.code == 0
    schema = json.loads(result.out)
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"key", "title", "timezone", "warn", "sources", "events"}
    entry = schema["$defs"]["EntryModel"]
    assert {"id", "title", "date"} <= set(entry["required"])
    assert "examples" in entry["properties"]["date"]


@pytest.mark.parametrize("command", ["add", "change", "done", "rm", "edit", "import", "init", "schema", "completion"])
def test_every_command_has_help_with_examples(run: Callable[..., Run], command: str) -> None:
    result = run(command, "--help")
    assert result.code == 0
    assert "examples:" in result.out and f"timeline {command}" in result.out


# ---------------------------------------------------------------- concurrency


@pytest.mark.slow  # 20 Python processes: 3-10 s
def test_twenty_concurrent_adds_all_land(seed: Path) -> None:
    env = process_env(TIMELINE_FILE=None)
    before = set(ids(seed))
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "policy_timeline", "-f", str(seed), *AS_OF, "add",
             "--title", "Same title", "--date", f"2025-09-{number + 1:02d}"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for number in range(20)
    ]  # fmt: skip
    results = [(p.wait(60), p.stderr.read() if p.stderr else "") for p in processes]
    for process in processes:
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()
    assert all(code == 0 for code, _ in results), results
    added = set(ids(seed)) - before
    assert added == {"same-title", *(f"same-title-{n}" for n in range(2, 21))}
    assert seed.read_bytes().startswith(BUNDLED.read_bytes())
