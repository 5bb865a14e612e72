"""`timeline diff` (SPEC §7) on real git repositories built in a temporary folder: each kind
of difference in every format (goldens under tests/golden/diff-*), workspaces with stories
added and removed, stories that do not load, and what happens outside a repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLE, Run
from policy_timeline.diff import Version, story_diff
from policy_timeline.history import _pair
from policy_timeline.loader import load
from policy_timeline.schedule import AsOf

RunCli = Callable[..., Run]
Golden = Callable[[str, str], None]

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.org",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.org",
    "GIT_AUTHOR_DATE": "2025-08-12T10:00:00+00:00",
    "GIT_COMMITTER_DATE": "2025-08-12T10:00:00+00:00",
}
AS_OF = "2025-08-12"

BASE = """\
title: Trade truce
timezone: America/New_York
warn: [14d, 3d]

sources:
  ibn:
    title: Inter Bellum News
    url: https://interbellumnews.com/

events:
  - id: geneva-truce
    title: Geneva trade truce
    date: 2025-05-12
    kind: agreement
    sources: [ibn]

  - id: truce-expiry
    title: 90-day tariff freeze expires
    kind: deadline
    date: geneva-truce + 90d

  - id: london-talks
    title: London talks
    date: 2025-06-09/2025-06-10
    kind: meeting

  - id: chip-review
    title: Review of chip rules
    kind: deadline
    date: 2025-09-30
"""

# commit 2: an extension (a change), a new entry, a claim and a source on an entry
EXTENDED = BASE.replace("    sources: [ibn]\n", "    sources: [ibn, https://example.org/geneva-text]\n").replace(
    "    date: geneva-truce + 90d\n",
    "    date: geneva-truce + 90d\n"
    "    claims:\n"
    "      - date: 2025-08-12\n"
    "        sources: [https://example.org/other-report]\n"
    "    changes:\n"
    "      - announced: 2025-08-11\n"
    "        date: 2025-11-10\n"
    "        note: Extended 90 days by executive order\n"
    "        sources: [eo]\n",
).replace(
    "  ibn:\n",
    "  eo:\n    title: Executive order\n    url: https://example.org/eo\n  ibn:\n",
) + """
  - id: magnets-easing
    title: China eases magnet exports
    date: 2025-06~
    kind: concession
    sources: [https://example.org/magnets]
"""

# commit 3: a retitle, a removed entry, a status change, a date changed as written
RETITLED = (
    EXTENDED.replace("title: London talks", "title: London talks on a framework")
    .replace(
        "  - id: chip-review\n    title: Review of chip rules\n    kind: deadline\n"
        "    date: 2025-09-30\n",
        "",
    )
    .replace("    title: Geneva trade truce\n    date: 2025-05-12\n",
             "    title: Geneva trade truce\n    date: 2025-05-11\n")
    .replace("    kind: concession\n",
             "    kind: concession\n    changes:\n      - announced: 2025-08-01\n"
             "        status: met\n")
)

SECOND = """\
title: Export controls
events:
  - id: rule
    title: Chip export rule
    date: 2025-10-01
    kind: deadline
"""


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=folder, env={**os.environ, **GIT_ENV}, check=True,
        capture_output=True, text=True,
    )
    return done.stdout


def commit(folder: Path, message: str, files: dict[str, str | None]) -> None:
    for name, text in files.items():
        path = folder / name
        if text is None:
            git(folder, "rm", "-q", name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        git(folder, "add", name)
    git(folder, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with a known history of one story, then a second story:

    1. the base story; 2. an extension, a new entry, a claim, a source; 3. a retitle, a
    removed entry, a status change, a date changed as written, and a new story file.
    """
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    commit(folder, "base", {"trade.yaml": BASE})
    commit(folder, "extension", {"trade.yaml": EXTENDED})
    commit(folder, "retitle", {"trade.yaml": RETITLED, "controls.yaml": SECOND})
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(folder)
    return folder


def diff(run: RunCli, *args: str, files: tuple[str, ...] = ("trade.yaml", "controls.yaml"),
         fmt: str = "json") -> Run:
    options = [item for name in files for item in ("-f", name)]
    return run(*options, "diff", *args, "--as-of", AS_OF, "--format", fmt)


def differences(document: dict[str, object], entry_id: str) -> list[str]:
    entries = document["entries"]
    assert isinstance(entries, list)
    (found,) = [e for e in entries if e["id"] == entry_id]
    return [d["what"] for d in found["differences"]]


# ------------------------------------------------------------------------ the kinds


def test_an_extension_a_new_entry_a_claim_and_a_source(run: RunCli, repo: Path) -> None:
    result = diff(run, "HEAD~2", "HEAD~1", files=("trade.yaml",))
    assert result.code == 0, result.err
    document = json.loads(result.out)
    changes = {e["id"]: e["change"] for e in document["entries"]}
    assert changes == {"truce-expiry": "changed", "magnets-easing": "added",
                       "geneva-truce": "changed"}
    assert differences(document, "geneva-truce") == ["source-added"]
    assert differences(document, "truce-expiry") == [
        "effective", "change-added", "claim-added"]
    (expiry,) = [e for e in document["entries"] if e["id"] == "truce-expiry"]
    effective = expiry["differences"][0]
    assert (effective["old"]["start"], effective["new"]["start"]) == ("2025-08-10", "2025-11-10")
    change = expiry["differences"][1]["change"]
    assert change["announced"] == "2025-08-11" and change["date"]["start"] == "2025-11-10"
    assert change["sources"] == [{"id": "eo", "title": "Executive order", "publisher": None,
                                  "url": "https://example.org/eo"}]
    (story,) = document["stories"]
    assert story["change"] == "changed"
    assert [s["id"] for s in story["sources_added"]] == ["eo"]


def test_a_retitle_a_removal_a_status_and_a_date_as_written(run: RunCli, repo: Path) -> None:
    document = json.loads(diff(run, "HEAD~1", "HEAD", files=("trade.yaml",)).out)
    changes = {e["id"]: e["change"] for e in document["entries"]}
    assert changes == {"geneva-truce": "changed", "london-talks": "changed",
                       "chip-review": "removed", "magnets-easing": "changed",
                       "truce-expiry": "changed"}
    assert differences(document, "london-talks") == ["title"]
    # `geneva-truce + 90d` is written the same but now falls a day earlier; as of T the
    # extension decides its effective date, which did not change
    assert differences(document, "truce-expiry") == ["date"]
    assert differences(document, "magnets-easing") == ["status", "change-added"]
    assert differences(document, "geneva-truce") == ["date"]
    (truce,) = [e for e in document["entries"] if e["id"] == "geneva-truce"]
    assert [truce["differences"][0][side]["text"] for side in ("old", "new")] == [
        "2025-05-12", "2025-05-11"]


def test_a_date_that_counts_from_a_moved_entry_changes_too(run: RunCli, repo: Path) -> None:
    # truce-expiry is `geneva-truce + 90d`: written the same, it now reads a day earlier
    (repo / "trade.yaml").write_text(BASE.replace("date: 2025-05-12", "date: 2025-05-11"))
    document = json.loads(diff(run, "HEAD~2", files=("trade.yaml",)).out)
    assert differences(document, "geneva-truce") == ["date"]
    assert differences(document, "truce-expiry") == ["date"]  # not also "effective": the same
    (expiry,) = [e for e in document["entries"] if e["id"] == "truce-expiry"]
    date_difference = expiry["differences"][0]
    assert (date_difference["old"]["text"], date_difference["new"]["text"]) == (
        "geneva-truce + 90d", "geneva-truce + 90d")
    assert (date_difference["old"]["start"], date_difference["new"]["start"]) == (
        "2025-08-10", "2025-08-09")
    plain = diff(run, "HEAD~2", files=("trade.yaml",), fmt="plain").out
    assert "date geneva-truce + 90d now falls on: Aug 10, 2025 → Aug 9, 2025" in plain


def test_stories_added_and_removed(run: RunCli, repo: Path) -> None:
    document = json.loads(diff(run, "HEAD~1", "HEAD").out)
    states = {story["key"]: story["change"] for story in document["stories"]}
    assert states == {"trade": "changed", "controls": "added"}
    assert [e["id"] for e in document["entries"] if e["story"] == "controls"] == ["rule"]
    (repo / "controls.yaml").unlink()
    document = json.loads(diff(run).out)
    assert {story["key"]: story["change"] for story in document["stories"]} == {
        "trade": "unchanged", "controls": "removed"}
    assert [(e["id"], e["change"]) for e in document["entries"]] == [("rule", "removed")]


def test_a_folder_is_a_workspace(run: RunCli, repo: Path) -> None:
    commit(repo, "move into a folder", {"trade.yaml": None, "controls.yaml": None,
                                        "timelines/trade.yaml": RETITLED,
                                        "timelines/notes.txt": "not a story\n"})
    (repo / "timelines" / "new.yml").write_text(SECOND.replace("rule", "other"))
    document = json.loads(diff(run, files=("timelines",)).out)
    assert [(s["key"], s["path"], s["change"]) for s in document["stories"]] == [
        ("new", "timelines/new.yml", "added"), ("trade", "timelines/trade.yaml", "unchanged")]


def test_the_defaults_head_and_the_working_tree(run: RunCli, repo: Path) -> None:
    assert json.loads(diff(run).out)["entries"] == []
    assert "No changes to the stories from HEAD to the working tree." in diff(run, fmt="plain").out
    (repo / "trade.yaml").write_text(RETITLED.replace("London talks on a framework", "London"))
    document = json.loads(diff(run).out)
    assert document["from"] == {"revision": "HEAD", "commit": git(repo, "rev-parse", "HEAD").strip()}
    assert document["to"] == {"revision": None, "commit": None}
    assert differences(document, "london-talks") == ["title"]
    # one revision: it and the working tree
    one = json.loads(diff(run, "HEAD~1").out)
    assert differences(one, "london-talks") == ["title"]
    assert "chip-review" in [e["id"] for e in one["entries"]]


# ------------------------------------------------------------------------ every format


@pytest.mark.parametrize(
    ("name", "revisions"),
    [("extension", ("HEAD~2", "HEAD~1")), ("retitle", ("HEAD~1", "HEAD")),
     ("history", ("HEAD~2", "HEAD"))],
)
def test_diff_goldens(run: RunCli, golden: Golden, repo: Path, name: str,
                      revisions: tuple[str, str]) -> None:
    for fmt, suffix in (("json", "json"), ("markdown", "md"), ("plain", "txt")):
        result = diff(run, *revisions, fmt=fmt)
        assert result.code == 0, result.err
        text = result.out
        for revision in revisions:  # commit ids depend on nothing but the pinned history
            text = text.replace(git(repo, "rev-parse", revision).strip(), f"<{revision}>")
        golden(f"diff-{name}.{suffix}", text)


def test_every_kind_is_in_every_format(run: RunCli, repo: Path) -> None:
    plain = diff(run, "HEAD~2", "HEAD", fmt="plain").out + diff(run, "HEAD~1", "HEAD", fmt="plain").out
    markdown = diff(run, "HEAD~2", "HEAD", fmt="markdown").out
    for words in ("title: London talks → London talks on a framework",
                  "date as written: 2025-05-12 → 2025-05-11",
                  "effective as of 2025-08-12: Aug 10, 2025 → Nov 10, 2025",
                  "status as of 2025-08-12: open → met",
                  "change added: announced Aug 11, 2025, date Nov 10, 2025",
                  "claim added: Aug 12, 2025", "source added: https://example.org/geneva-text"):
        assert words in plain
    for words in ("title: London talks → London talks on a framework",
                  "**Added** `magnets-easing`", "**Removed** `chip-review`",
                  "(`controls`) (new story)", "source added: [https&#58;//example.org/geneva-text](<https://example.org/geneva-text>)",
                  "Source defined: [Executive order](<https://example.org/eo>)"):
        assert words in markdown, words
    assert "- removed  Review of chip rules (chip-review)" in plain


def test_a_removed_source_and_other_details(run: RunCli, repo: Path) -> None:
    text = RETITLED.replace("    sources: [ibn, https://example.org/geneva-text]\n",
                            "    sources: [ibn]\n    tags: [truce]\n")
    (repo / "trade.yaml").write_text(text)
    document = json.loads(diff(run, files=("trade.yaml",)).out)
    assert differences(document, "geneva-truce") == ["source-removed", "details"]
    (truce,) = [e for e in document["entries"] if e["id"] == "geneva-truce"]
    assert truce["differences"][1] == {"what": "details", "fields": ["tags"]}


# ---------------------------------------------------------------------- failures


def test_outside_a_repository(run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    shutil.copy(EXAMPLE, outside / "timeline.yaml")
    monkeypatch.chdir(outside)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    result = run("diff")
    assert result.code == 1
    assert "is not in a git repository" in result.err
    assert "Traceback" not in result.err and result.out == ""


def test_an_unknown_revision(run: RunCli, repo: Path) -> None:
    result = diff(run, "no-such-branch")
    assert result.code == 1
    assert "unknown revision 'no-such-branch'" in result.err


def test_too_many_revisions(run: RunCli, repo: Path) -> None:
    assert diff(run, "HEAD~2", "HEAD~1", "HEAD").code == 2


def test_a_story_that_does_not_load_at_one_revision(run: RunCli, repo: Path) -> None:
    commit(repo, "break it", {"controls.yaml": SECOND.replace("title: Chip", "tittle: Chip")})
    (repo / "controls.yaml").write_text(SECOND)  # mended in the working tree
    (repo / "trade.yaml").write_text(RETITLED.replace("London talks on a framework", "London"))
    for fmt in ("json", "plain", "markdown"):
        result = diff(run, fmt=fmt)
        assert result.code == 1
        # located, with the path as the user knows it, and which revision it was
        assert result.err.splitlines() == [
            "controls.yaml:3:5: error: missing required field 'title' (in HEAD)",
            "controls.yaml:4:5: error: unknown key 'tittle' (did you mean 'title'?) (in HEAD)",
        ]
        if fmt == "json":
            document = json.loads(result.out)
            assert {s["key"]: s["change"] for s in document["stories"]} == {
                "trade": "changed", "controls": "unreadable"}
            assert differences(document, "london-talks") == ["title"]
            assert [(p["story"], p["path"], p["line"], p["revisions"])
                    for p in document["problems"]] == [
                ("controls", "controls.yaml", 3, ["HEAD"]), ("controls", "controls.yaml", 4, ["HEAD"])]
        elif fmt == "markdown":
            assert "(`controls`) (does not load)" in result.out
            assert "controls.yaml:4:5: error: unknown key" in result.out


def test_a_story_broken_at_both_sides_is_reported_once(run: RunCli, repo: Path) -> None:
    commit(repo, "break it", {"controls.yaml": SECOND.replace("title: Chip", "tittle: Chip")})
    result = diff(run, fmt="plain")
    assert result.code == 1
    assert len(result.err.splitlines()) == 2
    assert result.err.splitlines()[1].endswith("(in HEAD and the working tree)")


def test_no_story_at_either_side(run: RunCli, repo: Path) -> None:
    result = diff(run, files=("missing.yaml",))
    assert result.code == 1
    assert "no story file at missing.yaml" in result.err


def test_text_from_the_files_is_shown_as_text(run: RunCli, repo: Path) -> None:
    (repo / "trade.yaml").write_text(
        RETITLED.replace("London talks on a framework", "\\e[31m[red]*x*[/red] <b>|"))
    # a double-quoted YAML escape is needed for ESC; the title is single-line
    text = (repo / "trade.yaml").read_text().replace(
        "title: \\e[31m[red]*x*[/red] <b>|", 'title: "\\e[31m[red]*x*[/red] <b>|"')
    (repo / "trade.yaml").write_text(text)
    plain = diff(run, fmt="plain", files=("trade.yaml",))
    assert plain.code == 0, plain.err
    assert "\x1b" not in plain.out and "\\x1b[31m[red]*x*[/red]" in plain.out
    rich = diff(run, fmt="rich", files=("trade.yaml",)).out
    assert "[red]*x*[/red]" in rich and "\x1b[31m[red]" not in rich
    markdown = diff(run, fmt="markdown", files=("trade.yaml",)).out
    assert r"\[red\]\*x\*\[/red\] &lt;b&gt;\|" in markdown


# ------------------------------------------------------------ the quick way is exact


@pytest.mark.parametrize(
    ("old", "new"),
    [(BASE, EXTENDED), (EXTENDED, RETITLED), (BASE, RETITLED), (RETITLED, BASE),
     (BASE, BASE.replace("date: 2025-05-12", "date: 2025-05-01"))],
)
@pytest.mark.parametrize("on_disk", ["old", "new", "neither"])
def test_loading_one_side_from_the_other_gives_the_plain_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, on_disk: str
) -> None:
    """`history._pair` parses only what differs and may use the cache for the side that is
    on disk; the diff must be what loading each side on its own gives."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text({"old": old, "new": new, "neither": SECOND}[on_disk])
    as_of = AsOf.of_day(date(2025, 8, 12), "America/New_York")
    disk = (tmp_path / "t.yaml").read_bytes()
    for _ in range(2):  # a cold cache, then a warm one
        quick = story_diff("t", *_pair("t.yaml", old.encode(), new.encode(), disk), as_of)
        plain = story_diff(
            "t",
            Version("t.yaml", load(["t.yaml"], {"t.yaml": old.encode()}).timeline),
            Version("t.yaml", load(["t.yaml"], {"t.yaml": new.encode()}).timeline),
            as_of,
        )
        assert quick.state == plain.state
        assert [(e.id, e.state, e.current.date, e.differences) for e in quick.entries] == [
            (e.id, e.state, e.current.date, e.differences) for e in plain.entries]


# ------------------------------------------------------------- the GitHub workflows

WORKFLOWS = Path(__file__).resolve().parent.parent / "examples" / "github"


def workflow_steps(name: str) -> list[dict[str, object]]:
    import yaml

    document = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    triggers = document.get("on", document.get(True))  # YAML 1.1 reads a bare `on` as True
    assert triggers, f"{name} has no trigger"
    (job,) = document["jobs"].values()
    steps = job["steps"]
    assert isinstance(steps, list)
    return steps


def timeline_commands(step: dict[str, object], values: dict[str, str]) -> list[list[str]]:
    """The `timeline ...` command lines of a step's script, with its variables replaced by
    what the step's `env` gives them (GitHub expressions replaced by `values`)."""
    import re
    import shlex

    env = {name: str(value) for name, value in dict(step.get("env") or {}).items()}
    for name, value in env.items():
        for expression, replacement in values.items():
            value = value.replace("${{ " + expression + " }}", replacement)
        env[name] = value
    commands = []
    for line in str(step.get("run", "")).splitlines():
        line = line.strip()
        if not line.startswith("timeline "):
            continue
        words = shlex.split(line, comments=True)
        cut = next((at for at, word in enumerate(words) if word in (">", ">>", "|")), len(words))
        expanded = [re.sub(r"\$\{?(\w+)\}?", lambda m: env[m.group(1)], word)
                    for word in words[1:cut]]
        commands.append(expanded)
    return commands


@pytest.mark.parametrize("name", ["timeline-diff.yml", "timeline-news.yml"])
def test_the_workflow_scripts_are_valid_shell(name: str) -> None:
    for step in workflow_steps(name):
        if "run" in step:
            subprocess.run(["bash", "-n"], input=str(step["run"]), text=True, check=True)


def test_the_pull_request_workflow_runs_its_diff(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fnmatch

    import yaml

    folder = tmp_path / "stories"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    commit(folder, "base", {"timeline.yaml": BASE})
    commit(folder, "extension", {"timeline.yaml": EXTENDED})
    monkeypatch.chdir(folder)
    document = yaml.safe_load((WORKFLOWS / "timeline-diff.yml").read_text(encoding="utf-8"))
    paths = document.get("on", document.get(True))["pull_request"]["paths"]
    assert any(fnmatch.fnmatch("timeline.yaml", pattern) for pattern in paths)
    assert any(fnmatch.fnmatch("timelines/us-china.yaml", pattern) for pattern in paths)
    values = {"github.event.pull_request.base.sha": git(folder, "rev-parse", "HEAD~1").strip(),
              "github.event.pull_request.head.sha": git(folder, "rev-parse", "HEAD").strip(),
              "github.event.pull_request.number": "1", "github.token": "unused"}
    commands = [c for step in workflow_steps("timeline-diff.yml")
                for c in timeline_commands(step, values)]
    assert commands == [["diff", values["github.event.pull_request.base.sha"],
                         values["github.event.pull_request.head.sha"], "--format", "markdown"]]
    result = run(*commands[0], env={"TIMELINE_AS_OF": AS_OF})
    assert result.code == 0, result.err
    assert result.out.startswith("## Timeline changes: ")
    assert "**Changed** `truce-expiry`" in result.out
    assert "change added: announced Aug 11, 2025, date Nov 10, 2025" in result.out


def test_the_weekly_workflow_runs_its_news(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "timeline.yaml").write_text(EXTENDED, encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    commands = [c for step in workflow_steps("timeline-news.yml")
                for c in timeline_commands(step, {"github.token": "unused"})]
    assert commands == [["news", "--since", "7d", "--format", "markdown"]]
    result = run(*commands[0], env={"TIMELINE_AS_OF": AS_OF})
    assert result.code == 0, result.err
    assert "### Trade truce (`timeline`)" in result.out  # what the issue step looks for
    assert "**Aug 11, 2025 · extended**: 90-day tariff freeze expires" in result.out
    quiet = run(*commands[0], env={"TIMELINE_AS_OF": "2025-10-01"})
    assert "### " not in quiet.out  # no news: no issue


def test_the_documented_json_has_the_keys_diff_prints(run: RunCli, repo: Path) -> None:
    """docs/news-and-diff.md shows `diff --format json` for a retitle: the same keys, the
    same difference, as the command prints for the same change."""
    import re

    docs = (Path(__file__).resolve().parent.parent / "docs" / "news-and-diff.md").read_text()
    documented = json.loads(re.findall(r"```json\n(.*?)```", docs, re.S)[1])
    actual = json.loads(diff(run, "HEAD~1", files=("trade.yaml",)).out)

    def shape(value: object) -> object:
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items()}
        if isinstance(value, list):
            return [shape(value[0])] if value else []
        return type(value).__name__

    assert shape(documented["stories"]) == shape(actual["stories"])
    (entry,) = documented["entries"]
    (london,) = [e for e in actual["entries"] if e["id"] == entry["id"]]
    assert london == entry
    assert list(documented) == list(actual)


def test_a_story_file_that_cannot_be_read_is_reported_not_dropped(run: RunCli, repo: Path) -> None:
    commit(repo, "a folder", {"timelines/trade.yaml": RETITLED})
    (repo / "timelines" / "odd.yaml").mkdir()  # named like a story, cannot be read as one
    result = diff(run, files=("timelines",))
    assert result.code == 1
    assert result.err.splitlines() == [
        "timelines/odd.yaml:1:1: error: is a directory, not a timeline file (in the working tree)"]
    document = json.loads(result.out)
    assert [(s["key"], s["change"]) for s in document["stories"]] == [
        ("trade", "unchanged"), ("odd", "unreadable")]


def _story(entries: list[tuple[str, str, str]]) -> str:
    lines = ["title: Generated", "timezone: UTC", "events:"]
    for entry_id, title, when in entries:
        lines += [f"  - id: {entry_id}", f"    title: {title}", f"    date: {when}",
                  "    kind: deadline"]
    return "\n".join(lines) + "\n"


def _entries(size: int) -> list[tuple[str, str, str]]:
    # every third entry counts from the one before it, so moving one moves others
    return [
        (f"e{n}", f"Entry {n}", f"e{n - 1} + {n}d" if n % 3 == 2 else f"2025-{n % 12 + 1:02d}-10")
        for n in range(size)
    ]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 11), st.sampled_from(["retitle", "move", "drop", "add"])),
        max_size=4,
    ),
    on_disk=st.sampled_from(["old", "new", "neither"]),
)
def test_any_edit_gives_the_plain_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edits: list[tuple[int, str]], on_disk: str
) -> None:
    monkeypatch.chdir(tmp_path)
    before = _entries(12)
    after = list(before)
    for step, (index, edit) in enumerate(edits):
        index %= len(after) or 1
        if not after:
            break
        entry_id, title, when = after[index]
        if edit == "retitle":
            after[index] = (entry_id, title + " (revised)", when)
        elif edit == "move" and "+" not in when:
            after[index] = (entry_id, title, when[:-2] + "20")  # the day: 10 → 20
        elif edit == "drop" and not any(f"{entry_id} +" in other[2] for other in after):
            del after[index]
        elif edit == "add":
            after.insert(index, (f"new{step}", "Added", "2026-01-01"))
    old, new = _story(before).encode(), _story(after).encode()
    assert not load(["t.yaml"], {"t.yaml": new}).errors
    disk = {"old": old, "new": new, "neither": b"title: x\nevents: []\n"}[on_disk]
    (tmp_path / "t.yaml").write_bytes(disk)
    as_of = AsOf.of_day(date(2025, 8, 12), "UTC")
    quick = story_diff("t", *_pair("t.yaml", old, new, disk), as_of)
    plain = story_diff(
        "t",
        Version("t.yaml", load(["t.yaml"], {"t.yaml": old}).timeline),
        Version("t.yaml", load(["t.yaml"], {"t.yaml": new}).timeline),
        as_of,
    )
    assert [(e.id, e.state, e.current.date, e.differences) for e in quick.entries] == [
        (e.id, e.state, e.current.date, e.differences) for e in plain.entries]


def test_from_a_folder_inside_the_repository(
    run: RunCli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit(repo, "a folder", {"stories/trade.yaml": BASE})
    monkeypatch.chdir(repo / "stories")
    (repo / "stories" / "trade.yaml").write_text(BASE.replace("London talks", "London"))
    document = json.loads(diff(run, files=(".",)).out)
    assert [(s["path"], s["change"]) for s in document["stories"]] == [("trade.yaml", "changed")]
    assert differences(document, "london-talks") == ["title"]
    outside = diff(run, files=("../../elsewhere.yaml",))
    assert outside.code == 1 and "is outside the git repository" in outside.err
