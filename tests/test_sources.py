"""Sources are per story (SPEC §1: ids are unique within a story; source ids too): two
stories may define the same source id differently, and each entry cites its own story's.
JSON gives every source with its title and URL, not only its id (SPEC §5)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from icalendar import Calendar

from conftest import Run
from test_diff import GIT_ENV, commit, git

RunCli = Callable[..., Run]
AS_OF = "2025-07-28"

#: story key → (title, publisher, URL) of the source `wire` it defines, and its deadline
WIRES = {
    "a": ("Alpha wire report", "Alpha Press", "https://a.example/wire", "2025-08-10"),
    "b": ("Beta wire report", "Beta Press", "https://b.example/wire", "2025-09-10"),
}


def story(key: str, sources: bool = True, cited: str = "wire", more: str = "") -> str:
    title, publisher, url, due = WIRES[key]
    name = title.split()[0]
    defined = (f"sources:\n  wire:\n    title: {title}\n    publisher: {publisher}\n"
               f"    url: {url}\n") if sources else ""
    return (
        f"title: Story {name}\n{defined}events:\n"
        f"  - id: expiry\n    title: {name} deadline\n    kind: deadline\n    date: {due}\n"
        f"    confidence: disputed\n    sources: [{cited}]\n"
        f"    claims:\n      - date: {due[:-2]}20\n        sources: [{cited}]\n"
        f"    changes:\n      - announced: 2025-07-01\n        note: {name} note\n"
        f"        sources: [{cited}]\n{more}"
    )


@pytest.fixture
def stories(tmp_path: Path) -> Path:
    """Stories `a` and `b`, each defining `wire` as its own source, cited by its entry
    `expiry` (the same id in both), by a claim of it and by a change of it."""
    folder = tmp_path / "stories"
    folder.mkdir()
    for key in WIRES:
        (folder / f"{key}.yaml").write_text(story(key), encoding="utf-8")
    return folder


def shown(run: RunCli, folder: Path, *args: str) -> str:
    done = run("-f", str(folder), "--as-of", AS_OF, *args)
    assert done.code == 0, done.err
    assert done.err == ""
    return done.out


def own_json(key: str) -> dict[str, object]:
    title, publisher, url, _ = WIRES[key]
    return {"id": "wire", "title": title, "publisher": publisher, "url": url}


# ------------------------------------------------------------------ each its own


def test_check_finds_nothing_to_say_about_one_id_in_two_stories(
    run: RunCli, stories: Path
) -> None:
    done = run("-f", str(stories), "--as-of", AS_OF, "check", "--strict")
    assert done.code == 0, done.out + done.err
    assert done.out == ""
    assert done.err.endswith(": 2 entries, 0 errors, 0 warnings\n")


def test_show_numbers_each_storys_source_apart(run: RunCli, stories: Path) -> None:
    out = shown(run, stories, "show", "--format", "plain")
    notes = dict(re.findall(r"^\s+\[(\d+)\] (.+)$", out, re.MULTILINE))
    for key, (title, publisher, url, _) in WIRES.items():
        name = title.split()[0]
        cited = re.search(rf"{name} deadline \(disputed\) \[{key}\] \[(\d+)\]", out)
        assert cited is not None, out
        number = cited.group(1)
        assert notes[number].split() == [*title.split(), "—", *publisher.split(), url]
        # the change and the claim of the entry cite the same note
        assert re.search(rf"{name} note \(announced Jul 1\) \[{number}\]", out), out
        assert re.search(rf"disputed: \w+ 20, 2025 according to \[{number}\]", out), out
    assert len(notes) == 2


def test_show_gives_a_url_cited_by_two_stories_one_note(run: RunCli, tmp_path: Path) -> None:
    for key in WIRES:
        (tmp_path / f"{key}.yaml").write_text(story(key, cited="https://x.example/report"),
                                              encoding="utf-8")
    out = shown(run, tmp_path, "show", "--format", "plain")
    notes = re.findall(r"^\s+\[(\d+)\] (.+)$", out, re.MULTILINE)
    assert notes == [("1", "https://x.example/report")]
    assert re.search(r"Alpha deadline \(disputed\) \[a\] \[1\]", out), out
    assert re.search(r"Beta deadline \(disputed\) \[b\] \[1\]", out), out


def test_show_id_lists_the_entrys_own_source(run: RunCli, stories: Path) -> None:
    for key, (title, publisher, url, _) in WIRES.items():
        out = shown(run, stories, "show", f"{key}:expiry", "--format", "plain")
        assert f"    wire: {title} ({publisher}) <{url}>\n" in out
        other = WIRES["b" if key == "a" else "a"]
        assert other[2] not in out and other[0] not in out


def test_show_json_gives_each_entry_its_storys_source_with_title_and_url(
    run: RunCli, stories: Path
) -> None:
    document = json.loads(shown(run, stories, "show", "--format", "json"))
    entries = {entry["story"]: entry for entry in document["entries"]}
    assert set(entries) == set(WIRES)
    for key, entry in entries.items():
        assert entry["sources"] == [own_json(key)]
        assert entry["changes"][0]["sources"] == [own_json(key)]
        assert entry["claims"][0]["sources"] == [own_json(key)]


def test_show_id_json_gives_the_entrys_own_source(run: RunCli, stories: Path) -> None:
    for key in WIRES:
        document = json.loads(shown(run, stories, "show", f"{key}:expiry", "--format", "json"))
        assert document["entry"]["story"] == key
        assert document["entry"]["sources"] == [own_json(key)]


def test_html_links_each_entry_to_its_storys_source(run: RunCli, stories: Path) -> None:
    page = shown(run, stories, "export", "html")
    for key, (title, publisher, url, _) in WIRES.items():
        start = page.index(f'id="entry-{key}-expiry"')
        article = page[start : page.index("</article>", start)]
        links = re.findall(r'<a href="([^"]+)" rel="noopener noreferrer">([^<]+)</a>', article)
        # the claim, the change and the entry itself
        assert links == [(url, f"{title} ({publisher})")] * 3


def test_markdown_links_each_entry_to_its_storys_source(run: RunCli, stories: Path) -> None:
    text = shown(run, stories, "export", "markdown")
    for key, (title, publisher, url, _) in WIRES.items():
        name = title.split()[0]
        block = text[text.index(f"`{key}:expiry`") :].split("\n- ")[0]
        link = f"[{title} ({publisher})](<{url}>)"
        assert block.count(link) == 3, block
        assert f"Changed Jul 1, 2025: — {name} note ({link})" in block


def test_ics_gives_each_event_its_storys_source(run: RunCli, stories: Path) -> None:
    calendar = Calendar.from_ical(shown(run, stories, "export", "ics"))
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    for title, publisher, url, _ in WIRES.values():
        (event,) = [e for summary, e in events.items() if title.split()[0] in summary]
        assert str(event["url"]) == url
        description = str(event["description"])
        assert description.count(f"{title} ({publisher}) <{url}>") == 3, description


def test_timelinejs_gives_each_slide_its_storys_source(run: RunCli, stories: Path) -> None:
    document = json.loads(shown(run, stories, "export", "timelinejs"))
    for title, _, url, _ in WIRES.values():
        (slide,) = [e for e in document["events"] if title.split()[0] in e["text"]["headline"]]
        assert slide["text"]["text"].count(f'<a href="{url}">') == 3


def test_news_json_gives_each_item_its_storys_source(run: RunCli, stories: Path) -> None:
    document = json.loads(shown(run, stories, "news", "--since", "2025-06-01",
                                "--format", "json"))
    assert {item["story"]: item["sources"] for item in document["news"]} == {
        key: [own_json(key)] for key in WIRES}


def test_site_timeline_json_gives_each_entry_its_storys_source(
    run: RunCli, stories: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    done = run("-f", str(stories), "--as-of", AS_OF, "build", str(site))
    assert done.code == 0, done.err
    document = json.loads((site / "timeline.json").read_text(encoding="utf-8"))
    assert {entry["story"]: entry["sources"] for entry in document["entries"]} == {
        key: [own_json(key)] for key in WIRES}


# ------------------------------------------------------------------ JSON shapes


def test_json_gives_bare_urls_and_undefined_ids_for_what_they_are(
    run: RunCli, tmp_path: Path
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "events:\n  - id: e\n    title: E\n    date: 2025-05-01\n"
        "    sources: [https://example.org/x, nowhere]\n",
        encoding="utf-8",
    )
    done = run("-f", str(path), "--as-of", AS_OF, "show", "--format", "json")
    assert done.code == 0, done.err
    (entry,) = json.loads(done.out)["entries"]
    assert entry["sources"] == [
        {"id": None, "title": None, "publisher": None, "url": "https://example.org/x"},
        {"id": "nowhere", "title": None, "publisher": None, "url": None},
    ]


# ------------------------------------------------------------------ check


def test_check_flags_an_id_only_another_story_defines(run: RunCli, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(story("a"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(story("b", sources=False), encoding="utf-8")
    done = run("-f", str(tmp_path), "--as-of", AS_OF, "check")
    assert done.code == 0, done.err
    found = [line for line in done.out.splitlines() if "unknown" in line or "cites" in line]
    message = ("warning: 'expiry' cites source 'wire', which its story 'b' does not define "
               "under 'sources' (nor a URL); story 'a' defines it, but source ids are per "
               "story: define it in this story's file too")
    b = tmp_path / "b.yaml"
    # the entry, its claim and its change, each where it is written
    assert found == [f"{b}:3:5: {message}", f"{b}:10:9: {message}", f"{b}:13:9: {message}"]


# ------------------------------------------------------------------ diff


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_tells_a_source_defined_in_one_story_that_another_had(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    # story b counts from story a, so that the two are loaded together
    follow = "  - id: follow\n    title: Follow\n    date: a:expiry + 30d\n"
    commit(folder, "two stories", {
        "a.yaml": story("a"),
        "b.yaml": story("b", sources=False, cited="https://x.example/", more=follow),
    })
    (folder / "b.yaml").write_text(story("b", more=follow), encoding="utf-8")
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(folder)
    done = run("-f", "a.yaml", "-f", "b.yaml", "diff", "--as-of", AS_OF, "--format", "json")
    assert done.code == 0, done.err
    document = json.loads(done.out)
    stories = {story["key"]: story for story in document["stories"]}
    assert stories["a"]["change"] == "unchanged" and stories["a"]["sources_added"] == []
    assert stories["b"]["sources_added"] == [own_json("b")]
    (entry,) = document["entries"]
    assert entry["story"] == "b"
    added = [d["source"] for d in entry["differences"] if d["what"] == "source-added"]
    assert added == [own_json("b")]


def test_check_names_the_story_of_an_id_no_story_defines(run: RunCli, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(story("a"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(story("b", cited="nowhere"), encoding="utf-8")
    done = run("-f", str(tmp_path), "--as-of", AS_OF, "check")
    assert done.code == 0, done.err
    b = tmp_path / "b.yaml"
    assert f"{b}:8:5: warning: 'expiry' cites source 'nowhere', which its story 'b' does " \
        "not define under 'sources' (nor a URL)\n" in done.out
