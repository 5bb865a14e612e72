"""Workspaces of several stories (SPEC §1 "Stories and workspaces"): files and folders,
story keys, ids per story, references across stories, and one bad story never silencing
the others."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run
from policy_timeline.loader import load
from policy_timeline.workspace import WorkspaceError, default_paths, expand

RunCli = Callable[..., Run]
AS_OF = "2025-07-28"


def story(title: str, *entries: str, key: str | None = None) -> str:
    head = f"key: {key}\n" if key else ""
    return f"{head}title: {title}\nevents:\n" + "".join(entries)


def deadline(entry_id: str, title: str, date: str) -> str:
    return f"  - id: {entry_id}\n    title: {title}\n    kind: deadline\n    date: {date}\n"


def event(entry_id: str, title: str, date: str) -> str:
    return f"  - id: {entry_id}\n    title: {title}\n    date: {date}\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three stories in a folder: two share the id `expiry`; `chips` counts from `trade`."""
    stories = tmp_path / "stories"
    stories.mkdir()
    (stories / "trade.yaml").write_text(
        story("Trade truce", event("truce", "Truce signed", "2025-05-12"),
              deadline("expiry", "Truce expires", "truce + 90d")),
        encoding="utf-8",
    )
    (stories / "ai-act.yml").write_text(
        story("AI Act", deadline("expiry", "GPAI obligations apply", "2025-08-02")),
        encoding="utf-8",
    )
    (stories / "chips.yaml").write_text(
        story("Chip controls", deadline("review", "Review of the controls", "trade:expiry + 3d")),
        encoding="utf-8",
    )
    (stories / ".hidden.yaml").write_text("not: a story\n", encoding="utf-8")
    (stories / "notes.txt").write_text("not a story either\n", encoding="utf-8")
    return stories


# ------------------------------------------------------------------- the files


def test_a_folder_is_its_story_files_in_name_order(folder: Path) -> None:
    assert expand([str(folder)]) == [
        str(folder / name) for name in ("ai-act.yml", "chips.yaml", "trade.yaml")
    ]
    # a file named twice (directly and through its folder) is loaded once
    assert expand([str(folder / "trade.yaml"), str(folder)])[0] == str(folder / "trade.yaml")
    assert len(expand([str(folder / "trade.yaml"), str(folder)])) == 3


def test_an_empty_folder_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no story files"):
        expand([str(tmp_path)])


def test_the_default_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkspaceError, match="timeline init"):
        default_paths(None)
    (tmp_path / "timelines").mkdir()
    assert default_paths(None) == ["timelines"]
    (tmp_path / "timeline.yaml").write_text("events: []\n", encoding="utf-8")
    assert default_paths(None) == ["timeline.yaml"]
    assert default_paths("a.yaml:b.yaml") == ["a.yaml", "b.yaml"]


def test_with_no_workspace_the_command_says_how_to_start(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("remind", "--as-of", AS_OF)
    assert result.code == 1
    assert "timeline init" in result.err and "-f" in result.err
    assert "Traceback" not in result.err


def test_the_timelines_folder_is_the_default_after_timeline_yaml(
    run: RunCli, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder.rename(folder.parent / "timelines")
    monkeypatch.chdir(folder.parent)
    result = run("show", "--format", "json", "--as-of", AS_OF)
    assert result.code == 0, result.err
    assert [s["key"] for s in json.loads(result.out)["stories"]] == ["ai-act", "chips", "trade"]


# ------------------------------------------------------------------ the stories


def test_same_ids_in_two_stories_and_a_date_across_stories(run: RunCli, folder: Path) -> None:
    result = run("-f", str(folder), "show", "--format", "json", "--as-of", AS_OF)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["stories"] == [
        {"key": "ai-act", "title": "AI Act", "path": str(folder / "ai-act.yml")},
        {"key": "chips", "title": "Chip controls", "path": str(folder / "chips.yaml")},
        {"key": "trade", "title": "Trade truce", "path": str(folder / "trade.yaml")},
    ]
    named = {f"{e['story']}:{e['id']}": e["effective"]["start"] for e in document["entries"]}
    assert named == {
        "trade:truce": "2025-05-12",
        "trade:expiry": "2025-08-10",  # its own story's `truce`
        "ai-act:expiry": "2025-08-02",
        "chips:review": "2025-08-13",  # trade:expiry + 3d
    }


def test_remind_names_each_story(run: RunCli, folder: Path) -> None:
    result = run("-f", str(folder), "remind", "--as-of", AS_OF)
    assert result.code == 0, result.err
    assert "[ai-act:expiry]" in result.out and "[trade:expiry]" in result.out
    assert "[chips:review]" in result.out
    document = json.loads(
        run("-f", str(folder), "remind", "--as-of", AS_OF, "--format", "json").out
    )
    assert {(r["story"], r["id"]) for r in document["reminders"]} == {
        ("ai-act", "expiry"), ("trade", "expiry"), ("chips", "review"),
    }


def test_remind_narrowed_to_one_story_still_names_entries_story_id(
    run: RunCli, folder: Path
) -> None:
    """In a workspace of several stories an id alone may name two entries (`expiry` is in
    two stories here): `--story` narrows what is shown, and each reminder still carries
    the name that `show`, `done` and `change` take without a question."""
    narrowed = run("-f", str(folder), "remind", "--as-of", AS_OF, "--story", "trade")
    assert narrowed.code == 0, narrowed.err
    assert "[trade:expiry]" in narrowed.out and "ai-act" not in narrowed.out
    assert run("-f", str(folder), "done", "expiry", "--dry-run").code == 2  # ambiguous
    assert run("-f", str(folder), "show", "trade:expiry", "--as-of", AS_OF).code == 0
    alone = run("-f", str(folder / "trade.yaml"), "remind", "--as-of", AS_OF)
    assert "[expiry]" in alone.out  # a story on its own: ids are names


def test_show_has_a_workspace_heading_and_story_labels(run: RunCli, folder: Path) -> None:
    result = run("-f", str(folder), "show", "--as-of", AS_OF, "--format", "plain")
    assert result.code == 0, result.err
    first = result.out.splitlines()[0]
    assert first == "3 stories: ai-act, chips, trade"
    assert "Truce expires [trade]" in result.out
    assert "GPAI obligations apply [ai-act]" in result.out


def test_a_one_story_workspace_looks_as_before(run: RunCli, folder: Path) -> None:
    result = run("-f", str(folder / "ai-act.yml"), "remind", "--as-of", AS_OF)
    assert "[expiry]" in result.out and "[ai-act:" not in result.out
    shown = run("-f", str(folder / "ai-act.yml"), "show", "--as-of", AS_OF, "--format", "plain")
    assert shown.out.splitlines()[0] == "AI Act" and "[ai-act]" not in shown.out


def test_key_in_the_file_names_the_story(write: Callable[..., Path]) -> None:
    path = write(story("T", event("a", "A", "2025-01-01"), key="us-china"), "whatever.yaml")
    result = load([path])
    assert not result.problems
    assert result.timeline.files[0].key == "us-china"
    assert result.timeline.entries[0].key == "us-china:a"


def test_a_bad_key_is_located(write: Callable[..., Path]) -> None:
    path = write(story("T", event("a", "A", "2025-01-01"), key="Not A Key"), "t.yaml")
    [problem] = load([path]).errors
    assert (problem.location.line, problem.location.column, problem.code) == (1, 6, "bad-key")


def test_two_stories_with_one_key_is_an_error_naming_both(
    run: RunCli, write: Callable[..., Path]
) -> None:
    first = write(story("First", deadline("a", "A", "2025-08-01")), "trade.yaml")
    second = write(story("Second", deadline("b", "B", "2025-08-01"), key="trade"), "other.yaml")
    result = run("-f", str(first), "-f", str(second), "remind", "--as-of", AS_OF)
    assert result.code == 1
    assert f"{second}:1:6: error: story key 'trade'" in result.err
    assert str(first) in result.err
    assert "[trade:a]" in result.out and ":b]" not in result.out  # the first story reminds


# ----------------------------------------------------------- one bad story of many


@pytest.fixture
def broken(folder: Path) -> Path:
    """`ai-act` gets an error; `trade` and `chips` stay good."""
    (folder / "ai-act.yml").write_text(
        story("AI Act", deadline("expiry", "GPAI obligations apply", "2025-08-02"),
              "  - id: typo\n    title: Typo\n    date: 2025-02-30\n"),
        encoding="utf-8",
    )
    return folder


def test_a_broken_story_is_reported_and_the_others_still_remind(
    run: RunCli, broken: Path
) -> None:
    result = run("-f", str(broken), "remind", "--as-of", AS_OF)
    assert result.code == 1
    assert "[trade:expiry]" in result.out and "[chips:review]" in result.out
    assert "ai-act" not in result.out
    assert f"{broken / 'ai-act.yml'}:9:19: error: bad date" in result.err
    assert "story left out" in result.err and "Traceback" not in result.err
    # errors win over --exit-code's 3
    assert run("-f", str(broken), "remind", "--as-of", AS_OF, "--exit-code").code == 1


@pytest.mark.parametrize(
    "command",
    [
        ("show", "--format", "json"),
        ("export", "json"),
        ("remind", "--format", "json"),
    ],
)
def test_a_broken_story_never_silences_a_command(
    run: RunCli, broken: Path, command: tuple[str, ...]
) -> None:
    result = run("-f", str(broken), *command, "--as-of", AS_OF)
    assert result.code == 1
    assert "ai-act.yml:9:19: error: bad date" in result.err
    document = json.loads(result.out)
    assert [s["key"] for s in document["stories"]] == ["chips", "trade"]


def test_check_reports_every_problem_and_checks_the_others(run: RunCli, broken: Path) -> None:
    result = run("-f", str(broken), "check", "--as-of", AS_OF, "--format", "json")
    assert result.code == 1
    document = json.loads(result.out)
    assert [e["path"] for e in document["errors"]] == [str(broken / "ai-act.yml")]


def test_news_and_notify_carry_on_too(
    run: RunCli, broken: Path, tmp_path: Path
) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    news = run("-f", str(broken), "news", "--since", "30d", "--as-of", AS_OF, env=env)
    assert news.code == 1 and "ai-act.yml:9:19" in news.err
    notify = run("-f", str(broken), "notify", "--dry-run", "--to", "json://127.0.0.1:9/x",
                 "--as-of", AS_OF, env=env)
    assert notify.code == 1 and "ai-act.yml:9:19" in notify.err
    assert "trade:expiry" in notify.out or "Truce expires" in notify.out


def test_an_entry_counting_from_a_story_left_out_is_reported(
    run: RunCli, broken: Path
) -> None:
    (broken / "chips.yaml").write_text(
        story("Chip controls", deadline("review", "Review", "ai-act:expiry + 3d"),
              deadline("follow-up", "Follow-up", "review + 7d"),
              deadline("own", "Own deadline", "2025-08-05")),
        encoding="utf-8",
    )
    result = run("-f", str(broken), "remind", "--as-of", AS_OF)
    assert result.code == 1
    chips = broken / "chips.yaml"
    assert (
        f"{chips}:6:11: error: 'review' is left out: its date counts from 'ai-act:expiry', "
        "and story 'ai-act' has errors and is left out" in result.err
    )
    # and what counts from it in turn: never dropped silently
    assert f"{chips}:10:11: error: 'follow-up' is left out" in result.err
    assert "[chips:own]" in result.out and "[trade:expiry]" in result.out


def test_a_story_that_cannot_be_read_at_all(run: RunCli, folder: Path) -> None:
    (folder / "ai-act.yml").write_text("events: [unclosed\n", encoding="utf-8")
    result = run("-f", str(folder), "remind", "--as-of", AS_OF)
    assert result.code == 1 and "YAML syntax" in result.err
    assert "[trade:expiry]" in result.out


def test_only_broken_stories_means_no_output(run: RunCli, write: Callable[..., Path]) -> None:
    path = write(story("T", "  - id: x\n    title: X\n    date: 2025-02-30\n"), "t.yaml")
    result = run("-f", str(path), "show", "--as-of", AS_OF)
    assert result.code == 1 and result.out == ""


def test_unknown_story_and_an_id_in_another_story(write: Callable[..., Path]) -> None:
    a = write(story("A", event("start", "Start", "2025-01-01")), "a.yaml")
    b = write(story("B", event("x", "X", "start + 1d"), event("y", "Y", "nope:start + 1d")),
              "b.yaml")
    messages = [p.message for p in load([a, b]).errors]
    assert messages == [
        "unknown id 'start' in relative date (story 'a' has it: write 'a:start')",
        "unknown story 'nope' in relative date",
    ]


def test_a_cycle_across_stories_names_it(write: Callable[..., Path]) -> None:
    a = write(story("A", event("x", "X", "b:y + 1d")), "a.yaml")
    b = write(story("B", event("y", "Y", "a:x + 1d")), "b.yaml")
    problems = load([a, b]).errors
    assert {p.code for p in problems} == {"cycle"}
    assert [p.message for p in problems] == ["relative dates form a cycle: a:x → b:y → a:x"] * 2


# -------------------------------------------------------------- a story at a time


def test_a_change_to_one_story_reads_only_that_one(
    write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from policy_timeline import loader

    a = write(story("A", event("x", "X", "2025-01-01"), event("y", "Y", "x + 1d")), "a.yaml")
    b = write(story("B", event("x", "X", "2025-02-01"), event("z", "Z", "a:y + 1d")), "b.yaml")
    first = load([a, b])
    assert not first.problems and set(first.chunks) == {str(a), str(b)}
    composed: list[int] = []
    real = loader.compose

    def counting(text: str, path: str) -> object:
        composed.append(text.count("\n"))
        return real(text, path)

    monkeypatch.setattr(loader, "compose", counting)
    b.write_text(b.read_text(encoding="utf-8").replace("title: Z", "title: Zed"),
                 encoding="utf-8")
    second = loader.load([a, b], previous=first.chunks)
    assert len(composed) == 1  # b's changed entry: neither file's own keys, nor a's entries
    assert second.timeline.by_key()["b:z"].title == "Zed"
    assert second.timeline.by_key()["b:z"].date == first.timeline.by_key()["b:z"].date
    # a retitled story: its head is read again, and says so
    b.write_text(b.read_text(encoding="utf-8").replace("title: B", "title: Bee"),
                 encoding="utf-8")
    third = loader.load([a, b], previous=second.chunks)
    assert [info.title for info in third.timeline.files] == ["A", "Bee"]
    assert len(composed) == 2


def test_init_writes_the_story_key(run: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "US China.yaml"
    assert run("-f", str(path), "init").code == 0
    text = path.read_text(encoding="utf-8")
    assert text.count("\nkey: us-china ") == 1
    result = load([path])
    assert not result.errors and result.timeline.files[0].key == "us-china"


def test_exports_name_the_workspace_and_each_story(run: RunCli, folder: Path) -> None:
    markdown = run("-f", str(folder), "export", "markdown", "--as-of", AS_OF).out
    assert markdown.startswith("# 3 stories: ai-act, chips, trade\n")
    assert "`trade:expiry`" in markdown and "`ai-act:expiry`" in markdown
    html = run("-f", str(folder), "export", "html", "--as-of", AS_OF).out
    assert "<h1>3 stories: ai-act, chips, trade</h1>" in html
    assert '<span class="badge story">chips</span>' in html
    assert 'id="entry-trade-expiry"' in html and 'id="entry-ai-act-expiry"' in html
    svg = run("-f", str(folder), "export", "svg", "--as-of", AS_OF).out
    assert "3 stories: ai-act, chips, trade" in svg
    assert "[chips] Review of the controls" in svg
    ics = run("-f", str(folder), "export", "ics", "--as-of", AS_OF).out
    assert "X-WR-CALNAME:3 stories: ai-act\\, chips\\, trade" in ics
    uids = [line for line in ics.splitlines() if line.startswith("UID:expiry-")]
    assert len(uids) == len(set(uids)) == 2  # the same id in two stories: two UIDs
    timelinejs = json.loads(run("-f", str(folder), "export", "timelinejs", "--as-of", AS_OF).out)
    ids = [event["unique_id"] for event in timelinejs["events"]]
    assert len(ids) == len(set(ids)) and "trade-expiry" in ids and "ai-act-expiry" in ids
    single = run("-f", str(folder / "ai-act.yml"), "export", "markdown", "--as-of", AS_OF).out
    assert single.startswith("# AI Act\n") and "`ai-act:" not in single


def _git_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    import os
    import subprocess

    env = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], check=True, capture_output=True)

    return git


def test_diff_names_a_story_by_its_key(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git = _git_here(tmp_path, monkeypatch)
    path = tmp_path / "file.yaml"
    path.write_text(story("T", event("a", "A", "2025-01-01"), key="trade-deal"), encoding="utf-8")
    git("init", "-q", "-b", "main")
    git("add", "file.yaml")
    git("commit", "-q", "-m", "one")
    path.write_text(story("T", event("a", "A2", "2025-01-01"), key="trade-deal"),
                    encoding="utf-8")
    result = run("-f", "file.yaml", "diff", "--format", "json", "--as-of", AS_OF)
    assert result.code == 0, result.err
    assert "trade-deal" in result.out and '"file"' not in result.out


def test_stories_load_together_as_they_load_alone(folder: Path) -> None:
    """Without references across stories, a workspace is its stories side by side."""
    paths = [folder / "ai-act.yml", folder / "trade.yaml"]
    together = load(paths).timeline
    alone = [entry for path in paths for entry in load([path]).timeline.entries]
    assert sorted(together.entries, key=lambda e: e.key) == sorted(alone, key=lambda e: e.key)
    assert [info.key for info in together.files] == ["ai-act", "trade"]


def test_diff_of_a_story_counting_from_another(
    run: RunCli, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git = _git_here(folder, monkeypatch)
    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-q", "-m", "three stories")
    trade = folder / "trade.yaml"
    trade.write_text(trade.read_text(encoding="utf-8").replace("2025-05-12", "2025-05-14"),
                     encoding="utf-8")
    result = run("-f", ".", "diff", "--format", "json", "--as-of", AS_OF)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["problems"] == []
    changed = {(e["story"], e["id"]) for e in document["entries"]}
    assert ("chips", "review") in changed  # it counts from trade:expiry, which moved


def test_entry_commands_name_entries_by_story_when_ids_repeat(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    """`show ID`, `rm` and `change` with the same id in two stories, and `story:id`."""
    folder = tmp_path / "stories"
    folder.mkdir()
    for key in ("alpha", "beta"):
        (folder / f"{key}.yaml").write_text(
            "events:\n"
            "  - id: base\n    title: Base\n    kind: deadline\n    date: 2025-08-10\n"
            "  - id: follow\n    title: Follow\n    date: base + 7d\n",
            encoding="utf-8",
        )
    args = ("-f", str(folder), "--as-of", "2025-08-01")
    ambiguous = run(*args, "show", "base")
    assert ambiguous.code == 2 and "alpha:base, beta:base" in ambiguous.err  # a usage error
    shown = run(*args, "show", "beta:base")
    assert shown.code == 0, shown.err
    assert "counted from by\n    follow: base + 7d (Follow)\n" in shown.out
    beta = folder / "beta.yaml"
    before = beta.read_bytes()
    refused = run(*args, "rm", "beta:base")
    assert refused.code == 1 and "'follow'" in refused.err
    assert beta.read_bytes() == before
    extended = run(*args, "change", "beta:base", "--announced", "2025-08-01", "--extend", "30d")
    assert extended.code == 0, extended.err
    assert "2025-09-09" in beta.read_text(encoding="utf-8")
    assert "2025-09-09" not in (folder / "alpha.yaml").read_text(encoding="utf-8")


def test_the_files_a_shell_glob_gives_after_one_f(run: RunCli, folder: Path) -> None:
    """`-f stories/*.yaml` as the shell expands it: every .yaml/.yml word after `-f PATH`
    is one more story; the first other word ends the list."""
    paths = sorted(str(p) for p in folder.iterdir() if p.suffix in (".yaml", ".yml")
                   and not p.name.startswith("."))  # what `stories/*.y*ml` gives
    assert len(paths) == 3
    expected = run("-f", str(folder), "remind", "--as-of", AS_OF, "--format", "json")
    assert expected.code == 0, expected.err
    for argv in (
        ("-f", *paths, "remind", "--as-of", AS_OF, "--format", "json"),
        ("remind", "--as-of", AS_OF, "--format", "json", "-f", *paths),
        (f"--file={paths[0]}", *paths[1:], "remind", "--as-of", AS_OF, "--format", "json"),
    ):
        given = run(*argv)
        assert (given.code, given.out) == (0, expected.out), argv
    # a word that is not a story file is not taken: here it is still the command's
    searched = run("-f", *paths, "show", "notes.txt", "--as-of", AS_OF)
    assert searched.code == 1 and "no entry with id 'notes.txt'" in searched.err
