"""`timeline agenda` (SPEC §4) and `--story` (SPEC §4, global options)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import Run
from policy_timeline.agenda import agenda
from policy_timeline.loader import load
from policy_timeline.schedule import AsOf, known_entries
from policy_timeline.timeline import Entry, Timeline

RunCli = Callable[..., Run]
Golden = Callable[[str, str], None]
ROOT = Path(__file__).resolve().parent.parent
WORKSPACE = ROOT / "tests" / "fixtures" / "workspace"
AS_OF = "2025-07-28"


@pytest.mark.parametrize(("fmt", "suffix"), [("plain", "txt"), ("json", "json"),
                                             ("markdown", "md")])
def test_agenda_goldens(run: RunCli, golden: Golden, fmt: str, suffix: str) -> None:
    result = run("-f", str(WORKSPACE), "agenda", "--as-of", AS_OF, "--format", fmt)
    assert result.code == 0, result.err
    golden(f"agenda-workspace-{AS_OF}.{suffix}", result.out)


def test_agenda_items_by_iso_week_each_with_its_story() -> None:
    timeline = load(sorted(WORKSPACE.glob("*.y*ml"))).timeline
    found = agenda(timeline, AsOf.of_day(date(2025, 7, 28), "UTC"), 30)
    assert [week.label for week in found.weeks] == ["2025-W31", "2025-W32", "2025-W33"]
    assert all(week.start.weekday() == 0 for week in found.weeks)  # Monday first
    named = [(i.day.isoformat(), f"{i.story}:{i.effective.entry.id}", i.due)
             for week in found.weeks for i in week.items]
    assert named == [
        ("2025-07-28", "trade:talks", False),  # a span under way: on T's day
        ("2025-08-01", "eu-ai-act:codes", False),  # `2025-08`: its first day
        ("2025-08-02", "eu-ai-act:expiry", True),
        ("2025-08-10", "trade:expiry", True),
        ("2025-08-13", "chips:review", True),  # trade:expiry + 3d
    ]
    # the met deadline is not due; the leak is not known yet on Jul 28
    assert "tariff-notice" not in str(named) and "leak" not in str(named)


def test_days_sets_the_window(run: RunCli) -> None:
    result = run("-f", str(WORKSPACE), "agenda", "--as-of", AS_OF, "--days", "5",
                 "--format", "json")
    document = json.loads(result.out)
    assert (document["from"], document["to"]) == ("2025-07-28", "2025-08-01")
    items = [i["id"] for week in document["weeks"] for i in week["items"]]
    assert items == ["talks", "codes"]
    later = run("-f", str(WORKSPACE), "agenda", "--as-of", "2025-08-02", "--days", "7",
                "--format", "json")
    items = [i["id"] for week in json.loads(later.out)["weeks"] for i in week["items"]]
    assert items == ["expiry", "codes", "leak"]  # `2025-08` under way; the leak known by then
    assert run("-f", str(WORKSPACE), "agenda", "--days", "0").code == 2
    assert run("-f", str(WORKSPACE), "agenda", "--days", "soon").code == 2


def test_an_empty_agenda_says_so(run: RunCli) -> None:
    result = run("-f", str(WORKSPACE), "agenda", "--as-of", "2030-01-01", "--format", "plain")
    assert result.code == 0
    assert "Nothing falls due or happens in these days." in result.out


def test_agenda_with_a_broken_story(run: RunCli, tmp_path: Path) -> None:
    for path in WORKSPACE.iterdir():
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "ai-act.yml").write_text("title: [unclosed\n", encoding="utf-8")
    result = run("-f", str(tmp_path), "agenda", "--as-of", AS_OF, "--format", "plain")
    assert result.code == 1
    assert f"{tmp_path / 'ai-act.yml'}:" in result.err and "YAML syntax" in result.err
    assert "[trade:expiry]" in result.out and "[chips:review]" in result.out


# ------------------------------------------------------------------------ --story


def test_story_selects_stories_on_every_command_that_shows(run: RunCli) -> None:
    def keys(*args: str) -> list[str]:
        result = run("-f", str(WORKSPACE), *args, "--as-of", AS_OF, "--format", "json")
        assert result.code == 0, result.err
        return [s["key"] for s in json.loads(result.out)["stories"]]

    assert keys("show", "--story", "trade") == ["trade"]
    assert keys("remind", "--story", "trade,chips") == ["chips", "trade"]
    assert keys("agenda", "--story", "chips", "--story", "eu-ai-act") == ["eu-ai-act", "chips"]
    assert keys("export", "json", "--story", "eu-ai-act") == ["eu-ai-act"]
    shown = run("-f", str(WORKSPACE), "remind", "--story", "trade", "--as-of", AS_OF)
    assert "[trade:expiry]" in shown.out and "eu-ai-act" not in shown.out


def test_an_unknown_story_is_a_usage_error_naming_the_known_ones(run: RunCli) -> None:
    result = run("-f", str(WORKSPACE), "remind", "--story", "ai-act", "--as-of", AS_OF)
    assert result.code == 2
    assert "no story 'ai-act'" in result.err
    assert "chips, eu-ai-act, trade" in result.err


def test_story_on_a_command_that_does_not_take_it(run: RunCli) -> None:
    result = run("-f", str(WORKSPACE), "check", "--story", "trade")
    assert result.code == 2 and "--story is not available for 'check'" in result.err


def test_story_on_news_and_notify(run: RunCli, tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    notify = run("-f", str(WORKSPACE), "notify", "--dry-run", "--to", "json://127.0.0.1:9/x",
                 "--story", "eu-ai-act,trade", "--as-of", AS_OF, env=env)
    assert notify.code == 0, notify.err
    assert "[eu-ai-act:expiry]" in notify.out and "[trade:expiry]" in notify.out
    assert "chips" not in notify.out
    news = run("-f", str(WORKSPACE), "news", "--since", "30d", "--story", "trade",
               "--as-of", "2025-08-02", "--format", "json", env=env)
    assert news.code == 0, news.err
    document = json.loads(news.out)
    assert [s["key"] for s in document["stories"]] == ["trade"]
    assert {item["story"] for item in document["news"]} == {"trade"}


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
def test_entries_at_the_edges_of_the_window_in_far_zones(tmp_path: Path, zone: str) -> None:
    """Days are each entry's own calendar days (UTC+14 and UTC-11 included): an entry on
    the window's first or last day is in it, one a day outside is not, whatever the zone
    of the story and of the workspace."""
    days = ["2025-07-26", "2025-07-27", "2025-07-28", "2025-08-26", "2025-08-27",
            "2025-08-28", "2025-07-27T23:30", "2025-08-26T23:30", "2025-07-28T00:30"]
    events = "".join(
        f"  - id: e{n}\n    title: On {day}\n    date: {day}\n" for n, day in enumerate(days)
    )
    path = tmp_path / "far.yaml"
    path.write_text(f"timezone: {zone}\nevents:\n{events}", encoding="utf-8")
    timeline = load([path]).timeline
    for workspace_zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        found = agenda(timeline, AsOf.of_day(date(2025, 7, 28), workspace_zone), 30)
        listed = {i.effective.entry.id: i.day.isoformat()
                  for week in found.weeks for i in week.items}
        assert listed == {"e2": "2025-07-28", "e3": "2025-08-26", "e7": "2025-08-26",
                          "e8": "2025-07-28"}


def _reference(timeline: Timeline, as_of: AsOf, days: int) -> list[tuple[str, str, bool]]:
    """The agenda by its definition, entry by entry: what `agenda` must give, however it
    skips the entries it need not look at."""
    first, last = as_of.day, as_of.day + timedelta(days=days - 1)
    found = []
    for item in known_entries(timeline, as_of):
        if item.entry.reminded:
            if item.status == "open" and first <= item.due_day <= last:
                found.append((item.due_day.isoformat(), item.entry.key, True))
        elif item.date.first_day <= last and item.date.last_day >= first:
            found.append((max(item.date.first_day, first).isoformat(), item.entry.key, False))
    return sorted(found, key=lambda f: (f[0], not f[2], f[1]))


def test_the_agenda_is_what_its_definition_gives_on_every_day(tmp_path: Path) -> None:
    """Bundled, example, fixture and generated stories (changes, claims, relative dates
    across stories, spans, zones), every fourth day of 2025 and 2026, windows of 1 to 90
    days."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import SEED, generate, timeline_yaml

    timelines = [load([ROOT / "timeline.yaml"]).timeline,
                 load([ROOT / "examples" / "truce-extended.yaml"]).timeline,
                 load(sorted(WORKSPACE.glob("*.y*ml"))).timeline]
    for number in range(3):
        (tmp_path / f"g{number}.yaml").write_text(
            timeline_yaml(generate(150, SEED + number), 150), encoding="utf-8")
    timelines.append(load(sorted(tmp_path.glob("*.yaml"))).timeline)
    checked = 0
    for timeline in timelines:
        assert timeline.entries
        for offset in range(0, 730, 4):
            day = date(2025, 1, 1) + timedelta(days=offset)
            as_of = AsOf.of_day(day, timeline.timezone)
            days = 1 + offset % 90
            found = agenda(timeline, as_of, days)
            listed = [(i.day.isoformat(), i.effective.entry.key, i.due)
                      for week in found.weeks for i in week.items]
            assert listed == _reference(timeline, as_of, days), (day, days)
            checked += len(listed)
    assert checked > 1000  # the windows are not all empty


def test_a_deadline_another_source_puts_earlier_is_due_on_that_day(tmp_path: Path) -> None:
    """A claim (another reading of the date) can bring a deadline into the window though
    its written date lies far outside: it is due on its earliest reading."""
    path = tmp_path / "claims.yaml"
    path.write_text(
        "events:\n"
        "  - id: review\n    title: Review\n    kind: deadline\n    date: 2025-09-30\n"
        "    claims:\n      - date: 2025-08-10\n        sources: [https://example.org/a]\n",
        encoding="utf-8",
    )
    timeline = load([path]).timeline
    as_of = AsOf.of_day(date(2025, 7, 28), "UTC")
    found = agenda(timeline, as_of, 30)
    assert [(i.day.isoformat(), i.due) for w in found.weeks for i in w.items] == [
        ("2025-08-10", True)
    ]
    assert _reference(timeline, as_of, 30) == [("2025-08-10", "claims:review", True)]


def test_a_long_chain_of_relative_dates_is_followed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """600 entries each counting from the one before: each link of the chain is worked
    out once for the whole agenda, not once per entry that follows it (which made a chain
    of 3,000 take seconds)."""
    from policy_timeline import schedule

    links = "".join(f"  - id: e{n}\n    title: E{n}\n    date: e{n - 1} + 1d\n"
                    for n in range(1, 600))
    path = tmp_path / "chain.yaml"
    path.write_text(f"events:\n  - id: e0\n    title: E0\n    date: 2025-01-01\n{links}",
                    encoding="utf-8")
    timeline = load([path]).timeline
    worked: list[str] = []
    own_date = schedule._own_date

    def counted(entry: Entry, as_of: AsOf) -> object:
        worked.append(entry.key)
        return own_date(entry, as_of)

    monkeypatch.setattr(schedule, "_own_date", counted)
    found = agenda(timeline, AsOf.of_day(date(2025, 3, 1), "UTC"), 3)
    assert [i.effective.entry.id for w in found.weeks for i in w.items] == ["e59", "e60", "e61"]
    assert len(worked) == len(set(worked)) == 599
