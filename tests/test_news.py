"""`timeline news` (SPEC §7): what became known between two moments, and claims that carry
`announced` (a claim is not known before it). Goldens under tests/golden/news-*."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import BUNDLED, EXAMPLE, Run
from policy_timeline.loader import load
from policy_timeline.news import (
    BROUGHT_FORWARD,
    CLAIM,
    EXTENDED,
    MOVED,
    NEW,
    NOTE,
    REOPENED,
    news,
)
from policy_timeline.schedule import AsOf, effective, reminders

RunCli = Callable[..., Run]
Golden = Callable[[str, str], None]

KINDS = Path(__file__).resolve().parent / "fixtures" / "news" / "kinds.yaml"
ZONE = "America/New_York"


def day(text: str) -> AsOf:
    return AsOf.of_day(date.fromisoformat(text), ZONE)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with copies of the stories (stable relative paths in output) and a private
    state folder; the tests run in it."""
    for source in (BUNDLED, EXAMPLE, KINDS):
        shutil.copy(source, tmp_path / source.name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path


def news_of(path: Path, since: str, as_of: str) -> list[tuple[str, str, str]]:
    result = load([path])
    assert not result.errors, result.errors
    found = news(result.timeline, day(since), day(as_of))
    return [
        (item.announced.text, item.entry.id, item.what)
        for story in found.stories
        for item in story.items
    ]


# ------------------------------------------------------------------- claims announced


def test_a_claim_is_not_known_before_it_is_announced() -> None:
    entry = next(e for e in load([KINDS]).timeline.entries if e.id == "quota-deadline")
    before, on = effective(entry, day("2025-05-09"), None), effective(entry, day("2025-05-10"), None)
    assert before.claims == ()
    assert [claim.date.text for claim in on.claims] == ["2025-06-15"]
    # the reading moves the due day: the earliest of the date and the known claims
    assert before.due_day == date(2025, 6, 30)
    assert on.due_day == date(2025, 6, 15)
    # a change's own claims too
    report = next(e for e in load([KINDS]).timeline.entries if e.id == "report-due")
    assert effective(report, day("2025-07-27"), None).claims == ()
    assert effective(report, day("2025-07-28"), None).due_day == date(2025, 8, 1)


def test_remind_travels_in_time_with_claims(run: RunCli) -> None:
    def due(as_of: str) -> list[str]:
        result = run("-f", str(KINDS), "remind", "--as-of", as_of, "--within", "40d",
                     "--format", "json")
        assert result.code == 0, result.err
        return [r["due"] for r in json.loads(result.out)["reminders"] if r["id"] == "quota-deadline"]

    # Jun 30 is 52 days after May 9; the leaked Jun 15, within 40 days, is not known yet
    assert due("2025-05-09") == []
    assert due("2025-05-10") == ["2025-06-15"]
    timeline = load([KINDS]).timeline
    found = [r.due_day for r in reminders(timeline, day("2025-05-16")) if r.entry.id == "quota-deadline"]
    assert found == [date(2025, 6, 15)]  # 30 days: within the file's 30-day lead time


def test_a_bad_announced_on_a_claim_is_located(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "events:\n"
        "  - id: a\n"
        "    title: A\n"
        "    date: 2025-06-01\n"
        "    claims:\n"
        "      - date: 2025-06-02\n"
        "        announced: 2025-02-30\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in load([path]).errors]
    assert len(problems) == 1
    assert problems[0] == f"{path}:7:28: error: bad date '2025-02-30': February 2025 has 28 days"


# ------------------------------------------------------------------------ the records


def test_every_kind_of_news() -> None:
    assert news_of(KINDS, "2025-01-01", "2025-12-31") == [
        ("2025-05-10", "quota-deadline", CLAIM),
        ("2025-05-15", "report-due", NEW),
        ("2025-05-20", "quota-deadline", EXTENDED),
        ("2025-06-02", "quota-deadline", BROUGHT_FORWARD),
        ("2025-06-03", "quota-deadline", MOVED),
        ("2025-06-04", "quota-deadline", NOTE),
        ("2025-06-05", "quota-deadline", "met"),
        ("2025-07-20", "report-due", "missed"),
        ("2025-07-25", "report-due", REOPENED),
        ("2025-07-28", "report-due", CLAIM),
        ("2025-08-20", "report-due", "superseded"),
        ("2025-09-01", "plan", "cancelled"),
    ]


def test_old_and_new_dates_of_a_move() -> None:
    timeline = load([KINDS]).timeline
    found = news(timeline, day("2025-05-19"), day("2025-06-02"))
    moves = [(i.what, i.old_date and i.old_date.text, i.new_date.text) for i in found.stories[0].items]
    assert moves == [
        (EXTENDED, "2025-06-30", "2025-09-30"),
        (BROUGHT_FORWARD, "2025-09-30", "2025-08-31"),
    ]


def test_the_window_is_after_since_and_through_t() -> None:
    # announced on the `since` day: not news any more; on T's day: news
    assert news_of(KINDS, "2025-05-20", "2025-06-02") == [
        ("2025-06-02", "quota-deadline", BROUGHT_FORWARD)
    ]
    assert news_of(KINDS, "2025-05-19", "2025-05-20") == [
        ("2025-05-20", "quota-deadline", EXTENDED)
    ]
    assert news_of(KINDS, "2025-05-20", "2025-05-20") == []


def test_news_announced_after_t_is_not_known_yet() -> None:
    # the entry announced on May 15 is hidden before then, and so are its changes
    assert news_of(KINDS, "2025-01-01", "2025-05-14") == [("2025-05-10", "quota-deadline", CLAIM)]


@pytest.mark.parametrize("as_of", ["2025-06-01", "2025-07-28", "2025-08-12", "2026-11-28"])
def test_entries_without_announced_are_never_news(as_of: str) -> None:
    # the bundled story writes no `announced:` anywhere: nothing is ever news there
    assert news_of(BUNDLED, "2000-01-01", as_of) == []


@pytest.mark.parametrize(
    ("since", "as_of", "expected"),
    [
        ("2025-05-01", "2025-06-30", []),
        ("2025-06-24", "2025-07-01", [("2025-07-01", "rare-earth-licences", NEW)]),
        ("2025-08-05", "2025-08-12", [("2025-08-11", "truce-expiry", EXTENDED)]),
        ("2025-08-11", "2025-09-15", [("2025-09-15", "chip-rule-review", "cancelled")]),
        ("2025-10-29", "2025-11-05", [("2025-11-04", "truce-expiry", EXTENDED)]),
        ("2025-11-05", "2026-11-28", []),
    ],
)
def test_news_of_the_example_across_as_of_dates(
    since: str, as_of: str, expected: list[tuple[str, str, str]]
) -> None:
    assert news_of(EXAMPLE, since, as_of) == expected


# ------------------------------------------------------------------------- the command


NEWS_GOLDENS = [
    ("extended", "truce-extended.yaml", "2025-08-12", "7d"),
    ("extended", "truce-extended.yaml", "2026-11-28", "2025-01-01"),
    ("kinds", "kinds.yaml", "2025-12-31", "2025-01-01"),
    ("bundled", "timeline.yaml", "2025-08-12", "30d"),
]


@pytest.mark.parametrize(("name", "file", "as_of", "since"), NEWS_GOLDENS)
def test_news_goldens(
    run: RunCli, golden: Golden, workspace: Path, name: str, file: str, as_of: str, since: str
) -> None:
    for fmt, suffix in (("json", "json"), ("markdown", "md"), ("plain", "txt")):
        result = run("-f", file, "news", "--as-of", as_of, "--since", since, "--format", fmt)
        assert result.code == 0, result.err
        assert result.err == ""
        golden(f"news-{name}-{as_of}.{suffix}", result.out)


def test_news_json_shape(run: RunCli, workspace: Path) -> None:
    result = run("-f", "kinds.yaml", "news", "--as-of", "2025-12-31", "--since", "2025-05-19",
                 "--format", "json")
    document = json.loads(result.out)
    assert list(document) == ["as_of", "since", "since_from", "stories", "news"]
    assert document["stories"] == [{"key": "kinds", "title": "Every kind of news",
                                     "path": "kinds.yaml"}]
    extension = document["news"][0]
    assert extension["story"] == "kinds" and extension["name"] == "kinds:quota-deadline"
    assert extension["what"] == "extended"
    assert (extension["old_date"]["start"], extension["new_date"]["start"]) == (
        "2025-06-30", "2025-09-30")
    # a source by its title and URL, not only its id
    assert extension["sources"] == [{"id": "order", "title": "The quota order",
                                     "publisher": "Gazette", "url": "https://example.org/order"}]


def test_a_duration_counts_back_from_t(run: RunCli, workspace: Path) -> None:
    result = run("-f", "kinds.yaml", "news", "--as-of", "2025-06-05", "--since", "2w",
                 "--format", "json")
    document = json.loads(result.out)
    assert (document["since"], document["since_from"]) == ("2025-05-22", "option")
    assert [item["announced"] for item in document["news"]] == [
        "2025-06-02", "2025-06-03", "2025-06-04", "2025-06-05"]


def test_without_since_news_starts_where_the_last_run_ended(run: RunCli, workspace: Path) -> None:
    def since(as_of: str) -> tuple[str, str, int]:
        result = run("-f", "kinds.yaml", "news", "--as-of", as_of, "--format", "json")
        assert result.code == 0, result.err
        document = json.loads(result.out)
        return document["since"], document["since_from"], len(document["news"])

    assert since("2025-05-25") == ("2025-05-18", "default", 1)  # nothing remembered: 7 days
    assert since("2025-06-30") == ("2025-05-25", "last-run", 4)  # the Jun 2-5 news
    assert since("2025-06-30") == ("2025-06-30", "last-run", 0)  # nothing new since
    # travelling back before the last run: that run says nothing about this window
    assert since("2025-05-12") == ("2025-05-05", "default", 1)
    state = list((workspace / "state" / "policy-timeline" / "news").glob("*.json"))
    assert len(state) == 1
    assert json.loads(state[0].read_text())["text"] == "2025-05-12"
    # another workspace has its own memory
    assert json.loads(run("-f", "truce-extended.yaml", "news", "--as-of", "2025-08-12",
                          "--format", "json").out)["since_from"] == "default"


def test_a_refused_state_folder_falls_back_to_seven_days(run: RunCli, workspace: Path) -> None:
    folder = workspace / "state" / "policy-timeline"
    folder.mkdir(parents=True)
    os.chmod(folder, 0o777)
    result = run("-f", "kinds.yaml", "news", "--as-of", "2025-06-05", "--format", "json")
    assert result.code == 0
    assert "can be written by other users" in result.err
    assert "showing the last 7 days" in result.err
    assert json.loads(result.out)["since"] == "2025-05-29"


def test_a_corrupt_state_file_is_reported_not_trusted(run: RunCli, workspace: Path) -> None:
    run("-f", "kinds.yaml", "news", "--as-of", "2025-06-05")
    (state,) = (workspace / "state" / "policy-timeline" / "news").glob("*.json")
    state.write_text("{not json", encoding="utf-8")
    result = run("-f", "kinds.yaml", "news", "--as-of", "2025-06-30", "--format", "json")
    assert result.code == 0
    assert "not valid JSON" in result.err
    assert json.loads(result.out)["since_from"] == "default"


@pytest.mark.parametrize(
    ("since", "message"),
    [("2025-07-01", "is not before the as-of moment"), ("someday", "--since:"),
     ("+2w", "is not before")],
)
def test_bad_since_is_a_usage_error(run: RunCli, workspace: Path, since: str, message: str) -> None:
    result = run("-f", "kinds.yaml", "news", "--as-of", "2025-06-05", "--since", since)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_text_from_the_file_is_shown_as_text(run: RunCli, workspace: Path) -> None:
    (workspace / "evil.yaml").write_text(
        "events:\n"
        "  - id: evil\n"
        "    title: \"[red]x[/red] \\e[31m <b>*bold*</b> | `code`\"\n"
        "    date: 2025-06-01\n"
        "    announced: 2025-06-01\n"
        "    sources: ['javascript:alert(1)']\n",
        encoding="utf-8",
    )
    plain = run("-f", "evil.yaml", "news", "--as-of", "2025-06-02", "--since", "7d")
    assert "\x1b" not in plain.out and "\\x1b[31m" in plain.out
    assert "[red]x[/red]" in plain.out
    rich = run("-f", "evil.yaml", "news", "--as-of", "2025-06-02", "--since", "7d",
               "--format", "rich")
    assert "[red]x[/red]" in rich.out and "\x1b[31m" not in rich.out
    markdown = run("-f", "evil.yaml", "news", "--as-of", "2025-06-02", "--since", "7d",
                   "--format", "markdown").out
    assert "<b>" not in markdown and "&lt;b&gt;" in markdown
    assert r"\*bold\*" in markdown and r"\`code\`" in markdown and r"\|" in markdown
    assert "](<javascript" not in markdown


def test_news_help_lists_markdown(run: RunCli) -> None:
    result = run("news", "--help")
    assert result.code == 0
    assert "markdown" in result.out and "--since" in result.out


def test_the_documented_json_is_what_news_prints(run: RunCli, workspace: Path) -> None:
    """docs/news-and-diff.md shows the document of this very command: they cannot drift."""
    import re

    docs = (Path(__file__).resolve().parent.parent / "docs" / "news-and-diff.md").read_text()
    blocks = re.findall(r"```json\n(.*?)```", docs, re.S)
    documented = json.loads(blocks[0])
    result = run("-f", "truce-extended.yaml", "news", "--as-of", documented["as_of"],
                 "--since", "7d", "--format", "json")
    assert json.loads(result.out) == documented


def test_news_is_grouped_by_story(run: RunCli, workspace: Path) -> None:
    (workspace / "other.yaml").write_text(
        "title: Another story\n"
        "events:\n"
        "  - id: other-deadline\n"
        "    title: Another deadline\n"
        "    kind: deadline\n"
        "    date: 2025-09-01\n"
        "    changes:\n"
        "      - announced: 2025-08-11\n"
        "        status: met\n",
        encoding="utf-8",
    )
    result = run("-f", "truce-extended.yaml", "-f", "other.yaml", "news", "--as-of",
                 "2025-08-12", "--since", "7d", "--format", "json")
    document = json.loads(result.out)
    assert [story["key"] for story in document["stories"]] == ["truce-extended", "other"]
    assert [(item["story"], item["what"]) for item in document["news"]] == [
        ("truce-extended", "extended"), ("other", "met")]
    plain = run("-f", "truce-extended.yaml", "-f", "other.yaml", "news", "--as-of",
                "2025-08-12", "--since", "7d").out
    assert plain.index("[truce-extended]") < plain.index("Aug 11, 2025  extended")
    assert plain.index("[other]") < plain.index("Aug 11, 2025  met")
    assert "2 items in 2 stories" in plain
