"""A calendar of several stories (`export ics` of a workspace, the site's `all.ics`) says
each event's story: a `Story: TITLE (key)` line in its description, after the `Date:`
line. A calendar of one story is as it always was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from icalendar import Calendar

from conftest import Run, khal_runner

RunCli = Callable[..., Run]
AS_OF = "2025-07-28"
TRICKY_TITLE = "Chips, rules; and a back\\slash\u202e"
SHOWN_TITLE = "Chips, rules; and a back\\slash\ufffd"  # the bidi override made visible

STORIES = {
    "trade": (
        "title: Trade truce\nevents:\n"
        "  - id: truce-expiry\n    title: Truce expires\n    kind: deadline\n"
        "    date: 2025-08-10\n    summary: The freeze ends.\n    actors: [US, CN]\n"
        "    consequence: Tariffs snap back\n"
    ),
    "chips": (
        f"title: '{TRICKY_TITLE}'\nevents:\n"
        "  - id: chip-rule\n    title: Chip rule applies\n    date: 2025-09-01\n"
        "    summary: Export licences needed.\n    tags: [chips]\n"
    ),
    "untitled": "events:\n  - id: plain\n    title: Plain event\n    date: 2025-10-01\n",
}
EXPECTED = {
    "Truce expires": "Story: Trade truce (trade)",
    "Chip rule applies": f"Story: {SHOWN_TITLE} (chips)",
    "Plain event": "Story: untitled",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    stories = tmp_path / "stories"
    stories.mkdir()
    for key, text in STORIES.items():
        (stories / f"{key}.yaml").write_text(text, encoding="utf-8")
    return stories


def descriptions(text: str) -> dict[str, list[str]]:
    """Each event's description, in lines, by its summary (the entry's title)."""
    calendar = Calendar.from_ical(text)
    return {
        str(event["summary"]).removeprefix("Deadline: "): str(event["description"]).split("\n")
        for event in calendar.walk("VEVENT")
    }


def test_each_event_of_a_workspace_calendar_says_its_story(run: RunCli, folder: Path) -> None:
    done = run("-f", str(folder), "--as-of", AS_OF, "export", "ics")
    assert done.code == 0, done.err
    found = descriptions(done.out)
    assert set(found) == set(EXPECTED)
    for title, line in EXPECTED.items():
        lines = found[title]
        date_at = next(n for n, text in enumerate(lines) if text.startswith("Date: "))
        assert lines[date_at + 1] == line, lines
        assert sum(text.startswith("Story: ") for text in lines) == 1


def test_the_story_title_is_escaped_as_ics_text(run: RunCli, folder: Path) -> None:
    done = run("-f", str(folder), "--as-of", AS_OF, "export", "ics")
    unfolded = done.out.replace("\r\n ", "")
    # RFC 5545 TEXT: comma, semicolon and backslash escaped; the line break between the
    # date line and the story line is the only `\n` around it
    assert "\\nStory: Chips\\, rules\\; and a back\\\\slash\ufffd (chips)\\n" in unfolded
    assert "\u202e" not in done.out


def test_a_one_story_calendar_names_no_story(run: RunCli, folder: Path) -> None:
    done = run("-f", str(folder / "trade.yaml"), "--as-of", AS_OF, "export", "ics")
    assert done.code == 0, done.err
    (lines,) = descriptions(done.out).values()
    assert not [text for text in lines if text.startswith("Story: ")]


def test_the_sites_all_ics_says_each_events_story_and_a_storys_own_does_not(
    run: RunCli, folder: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    done = run("-f", str(folder), "--as-of", AS_OF, "build", str(site))
    assert done.code == 0, done.err
    everything = descriptions((site / "all.ics").read_text(encoding="utf-8"))
    for title, line in EXPECTED.items():
        assert line in everything[title]
    own = descriptions((site / "stories" / "trade.ics").read_text(encoding="utf-8"))
    assert not [text for lines in own.values() for text in lines if text.startswith("Story:")]


def test_importing_a_workspace_calendar_leaves_the_story_line_out(
    run: RunCli, folder: Path, tmp_path: Path
) -> None:
    from policy_timeline.loader import load

    feed = tmp_path / "all.ics"
    done = run("-f", str(folder), "--as-of", AS_OF, "export", "ics", "-o", str(feed))
    assert done.code == 0, done.err
    target = tmp_path / "new.yaml"
    target.write_text("events: []\n", encoding="utf-8")
    imported = run("-f", str(target), "--as-of", AS_OF, "import", str(feed))
    assert imported.code == 0, imported.err
    back = {entry.title: entry for entry in load([str(target)]).timeline.entries}
    assert back["Truce expires"].summary == "The freeze ends."
    assert back["Truce expires"].consequence == "Tariffs snap back"
    assert back["Truce expires"].actors == ("US", "CN")
    assert back["Chip rule applies"].summary == "Export licences needed."
    assert back["Plain event"].summary is None


@pytest.mark.slow
def test_khal_shows_the_story_of_each_event_of_all_ics(
    run: RunCli, folder: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    assert run("-f", str(folder), "--as-of", AS_OF, "build", str(site)).code == 0
    khal = khal_runner(tmp_path / "khal", "all", "UTC")
    khal("import", "--batch", "-a", "all", str(site / "all.ics"))
    listed = khal("list", "--format", "{title}|{description}", "--day-format", "",
                  "2025-01-01", "2025-12-31")
    blocks: dict[str, list[str]] = {}  # each event's lines, by its title
    for row in listed.splitlines():
        head = row.split("|", 1)[0]
        starts = [title for title in EXPECTED if "|" in row and head.endswith(title)]
        if starts:
            blocks[starts[0]] = [row.split("|", 1)[1]]
        elif blocks:
            list(blocks.values())[-1].append(row)
    assert {title: line in blocks[title] for title, line in EXPECTED.items()} == {
        title: True for title in EXPECTED}, listed
