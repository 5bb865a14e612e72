"""`timeline build DIR`: the files of the site, their bytes, and how they are written."""

from __future__ import annotations

import json
import os
import re
import shlex
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from icalendar import Calendar

from conftest import BUNDLED, EXAMPLE, ROOT, Run
from policy_timeline.cache import load
from policy_timeline.cli.site import is_loopback, story_files
from policy_timeline.exporters.ics import uid
from policy_timeline.schedule import AsOf
from policy_timeline.site import Story, build, feed_ids
from policy_timeline.sitewriter import MANIFEST, write_site

ATOM = "{http://www.w3.org/2005/Atom}"
KINDS = ROOT / "tests" / "fixtures" / "news" / "kinds.yaml"


def story(path: Path, key: str | None = None) -> Story:
    result = load([str(path)])
    assert not result.errors, result.errors
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path  # as a user names it
    return Story(key or path.stem, str(shown), result.timeline)


def site(day: str, *paths: Path) -> dict[str, bytes]:
    stories = [story(path) for path in paths or (BUNDLED, EXAMPLE)]
    as_of = AsOf.of_day(date.fromisoformat(day), stories[0].timeline.timezone)
    return build(stories, as_of)


def text(files: dict[str, bytes], name: str) -> str:
    return files[name].decode("utf-8")


# ------------------------------------------------------------------------- the files


def test_the_site_holds_every_file_of_spec_section_9() -> None:
    files = site("2025-08-12")
    assert sorted(files) == [
        "all.ics", "feed.xml", "index.html",
        "stories/timeline.html", "stories/timeline.ics",
        "stories/truce-extended.html", "stories/truce-extended.ics",
        "timeline.json",
    ]


def test_same_workspace_and_as_of_give_the_same_bytes() -> None:
    assert site("2025-08-12") == site("2025-08-12")
    assert site("2025-08-12") != site("2025-08-13")


def test_pages_load_nothing_from_outside() -> None:
    files = site("2025-08-12")
    for name in ("index.html", "stories/timeline.html", "stories/truce-extended.html"):
        page = text(files, name)
        assert "Content-Security-Policy" in page
        assert "default-src 'none'" in page
        # no element that fetches anything: no src=, no stylesheet or script links
        assert not re.search(r"<(script|img|iframe|link)[^>]+(src|href)=\"https?:", page)
        assert not re.search(r"\bsrc=", page), name


def test_dashboard_lists_each_story_with_deadline_overdue_and_news() -> None:
    page = text(site("2025-08-12"), "index.html")
    cards = re.findall(r'<li class="story[^"]*" data-story="([^"]+)">(.*?)</li>', page, re.S)
    assert [key for key, _ in cards] == ["timeline", "truce-extended"]
    bundled, extended = (body for _, body in cards)
    # the bundled story never heard of the extension: its freeze expired two days ago
    assert '<span class="count bad">1</span> overdue' in bundled
    assert "none in the last 30 days" in bundled
    # the extended one did: moved to Nov 10, announced the day before
    assert '<span class="count good">0</span> overdue' in extended
    assert "Aug 11, 2025</time>: 90-day tariff freeze expires — extended" in extended
    assert "Aug 10, 2025 → Nov 10, 2025" in extended
    assert "Nov 10, 2025" in extended.split("Next deadline", 1)[1]


def test_dashboard_rows_cover_attention_and_the_next_90_days() -> None:
    page = text(site("2025-08-12"), "index.html")
    attention, ahead = page.split('id="attention-heading"')[1].split('id="ahead-heading"')
    assert 'class="row state-overdue" data-story="timeline"' in attention
    assert "The next 90 days, to Nov 10, 2025" in ahead
    days = [date.fromisoformat(day) for day in re.findall(r'<time datetime="([\d-]+)">', ahead)]
    assert days and days == sorted(days)
    assert all(day <= date(2025, 11, 10) for day in days)
    # every row says which story it is and carries what the filters use
    for row in re.findall(r'<li class="row[^>]*>', page):
        assert re.search(r'data-story="[a-z-]+" data-kind="[^"]+" data-tags="[^"]*" '
                         r'data-text="[^"]*"', row), row


def test_story_page_opens_with_what_is_due_and_names_the_story() -> None:
    page = text(site("2025-08-12"), "stories/timeline.html")
    main = page.split("<main>", 1)[1]
    due = main.split('<section class="due"', 1)[1].split("</section>", 1)[0]
    assert main.index('<section class="due"') < main.index('<li class="entry')
    assert "Story <code>timeline</code>" in main.split('<section class="due"', 1)[0]
    assert "<h1>US–China trade truce and rare-earth controls, 2025</h1>" in page
    assert 'class="card state-overdue"' in due
    assert "Due Aug 10, 2025 — 2 days overdue" in due
    calm = text(site("2025-05-01"), "stories/timeline.html")
    assert "Nothing is overdue, due today or within a lead time." in calm


def test_text_from_the_file_is_escaped_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text(
        'title: "<script>alert(1)</script> & ]]> \\u0007"\n'
        "events:\n"
        "  - id: a\n"
        '    title: "<img src=x onerror=alert(1)> \\u001b[31m"\n'
        "    date: 2025-08-20\n"
        "    kind: deadline\n"
        "    announced: 2025-08-01\n"
        '    tags: ["<b>", "x\\"y"]\n',
        encoding="utf-8",
    )
    files = site("2025-08-12", path)
    for name in ("index.html", "stories/evil.html"):
        page = text(files, name)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
        assert "\x1b" not in page and "\x07" not in page
    root = ET.fromstring(files["feed.xml"])
    titles = [element.text or "" for element in root.iter(f"{ATOM}title")]
    assert any("<img src=x onerror=alert(1)>" in title for title in titles)
    calendar = Calendar.from_ical(files["stories/evil.ics"])
    assert str(calendar["NAME"]).startswith("<script>alert(1)</script> & ]]>")


# ------------------------------------------------------------------------------ feed


def _entries(feed: bytes) -> list[dict[str, str]]:
    root = ET.fromstring(feed)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{required}") or "").strip(), required
    found = []
    for entry in root.findall(f"{ATOM}entry"):
        item = {name: entry.findtext(f"{ATOM}{name}") or "" for name in
                ("id", "title", "updated", "content")}
        item["link"] = entry.find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
        found.append(item)
    return found


def test_feed_is_atom_with_unique_stable_ids() -> None:
    later = _entries(site("2026-11-28")["feed.xml"])
    assert len(later) >= 3
    ids = [entry["id"] for entry in later]
    assert len(set(ids)) == len(ids)
    for entry in later:
        assert entry["id"].startswith("tag:policy-timeline,2025:")
        assert entry["title"] and entry["content"]
        datetime.fromisoformat(entry["updated"])  # RFC 3339
        assert re.fullmatch(r"stories/[a-z-]+\.html#entry-[a-z0-9-]+", entry["link"])
    updated = [entry["updated"] for entry in later]
    assert updated == sorted(updated, reverse=True)  # newest first
    # what was already news in August keeps its id when more news comes
    earlier = _entries(site("2025-08-12")["feed.xml"])
    assert earlier and {entry["id"] for entry in earlier} <= set(ids)
    extension = [entry for entry in earlier if "extended" in entry["title"]]
    assert extension[0]["id"] == ("tag:policy-timeline,2025:truce-extended/truce-expiry/"
                                  "extended/2025-08-11")
    assert extension[0]["updated"] == "2025-08-11T00:00:00-04:00"


def test_feed_ids_of_two_alike_items_differ() -> None:
    news_story = story(KINDS)
    as_of = AsOf.of_day(date(2025, 12, 31), news_story.timeline.timezone)
    from policy_timeline.news import news
    from policy_timeline.site import _beginning

    items = [item for found in news(news_story.timeline, _beginning(), as_of).stories
             for item in found.items]
    ids = feed_ids([*items, items[0]])
    assert len(set(ids)) == len(ids)
    assert ids[-1] == ids[0] + "-2"


# ------------------------------------------------------------------------- calendars


def test_calendars_carry_subscription_properties_and_the_export_uids() -> None:
    files = site("2025-08-12")
    all_uids: set[str] = set()
    for key, path in (("timeline", BUNDLED), ("truce-extended", EXAMPLE)):
        calendar = Calendar.from_ical(files[f"stories/{key}.ics"])
        timeline = load([str(path)]).timeline
        assert str(calendar["NAME"]) == timeline.title
        assert str(calendar["X-WR-CALNAME"]) == timeline.title
        assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
        assert files[f"stories/{key}.ics"].count(b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n")
        assert b"\r\nX-PUBLISHED-TTL:PT12H\r\n" in files[f"stories/{key}.ics"]
        uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
        assert uids == {uid(timeline, entry) for entry in timeline.entries}
        all_uids |= uids
    combined = Calendar.from_ical(files["all.ics"])
    assert str(combined["NAME"]) == "All stories"
    assert {str(event["UID"]) for event in combined.walk("VEVENT")} == all_uids


# ------------------------------------------------------------------------------ JSON


def test_timeline_json_lists_stories_once_and_each_entry_with_its_story(
    golden: Callable[[str, str], None],
) -> None:
    document = text(site("2025-08-12"), "timeline.json")
    golden("site-timeline-2025-08-12.json", document)
    parsed = json.loads(document)
    assert [s["key"] for s in parsed["stories"]] == ["timeline", "truce-extended"]
    assert {entry["story"] for entry in parsed["entries"]} == {"timeline", "truce-extended"}
    assert parsed["as_of"] == "2025-08-12"


# --------------------------------------------------------------------------- writing


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    first = write_site(folder, site("2025-08-12"))
    assert len(first.changed) == 8 and not first.unchanged
    old = 1_000_000_000
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (old, old))
    again = write_site(folder, site("2025-08-12"))
    assert again.changed == [] and len(again.unchanged) == 8
    assert all(path.stat().st_mtime == old for path in folder.rglob("*") if path.is_file())
    later = write_site(folder, site("2025-08-13"))
    assert later.changed  # the as-of day is on every page and in every DTSTAMP
    for name in later.changed:
        assert (folder / name).stat().st_mtime > old
    for name in later.unchanged:
        assert (folder / name).stat().st_mtime == old


def test_files_of_an_earlier_build_go_and_others_stay(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    write_site(folder, site("2025-08-12"))
    (folder / "CNAME").write_text("example.org\n")
    (folder / "stories" / "notes.txt").write_text("mine\n")
    done = write_site(folder, site("2025-08-12", BUNDLED))
    assert done.removed == ["stories/truce-extended.html", "stories/truce-extended.ics"]
    assert (folder / "CNAME").exists() and (folder / "stories" / "notes.txt").exists()
    assert (folder / MANIFEST).read_text().splitlines() == sorted(site("2025-08-12", BUNDLED))


def test_a_manifest_line_outside_the_folder_is_never_followed(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n")
    (folder / MANIFEST).write_text("../victim.txt\n/etc/hostname\n")
    write_site(folder, {"index.html": b"x"})
    assert victim.read_text() == "keep\n"


# --------------------------------------------------------------------------- the CLI


def test_build_command_writes_the_site_and_says_what_it_did(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "public"
    done = run("-f", str(BUNDLED), "-f", str(EXAMPLE), "build", str(out), "--as-of", "2025-08-12")
    assert done.code == 0, done.err
    assert "2 stories as of 2025-08-12; 8 files written, 0 unchanged, 0 removed" in done.err
    assert (out / "stories" / "truce-extended.html").is_file()
    again = run("-f", str(BUNDLED), "-f", str(EXAMPLE), "build", str(out), "--as-of", "2025-08-12")
    assert "0 files written, 8 unchanged, 0 removed" in again.err
    assert {p.name for p in out.iterdir()} >= {"index.html", "all.ics", "feed.xml", "timeline.json"}
    assert (out / "index.html").read_bytes() == site("2025-08-12")["index.html"]


def test_a_broken_story_is_reported_and_the_others_still_published(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "good.yaml").write_bytes(BUNDLED.read_bytes())
    (folder / "bad.yaml").write_text("title: x\nevents:\n  - id: a\n    titel: y\n")
    (folder / ".hidden.yaml").write_text("not: [a story")
    out = tmp_path / "site"
    done = run("-f", str(folder), "build", str(out), "--as-of", "2025-08-12")
    assert done.code == 1
    assert re.search(r"bad\.yaml:4:5: error: .*titel", done.err), done.err
    assert "bad.yaml: left out of the site" in done.err
    assert "Traceback" not in done.err
    assert (out / "stories" / "good.html").is_file()
    assert not (out / "stories" / "bad.html").exists()


def test_two_stories_with_one_key_are_an_error_naming_both(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "truce.yaml").write_bytes(BUNDLED.read_bytes())
    done = run("-f", str(tmp_path / "a"), "-f", str(tmp_path / "b"), "build",
               str(tmp_path / "site"), "--as-of", "2025-08-12")
    assert done.code == 1
    assert f"{tmp_path / 'b' / 'truce.yaml'}:1:1: error: story key 'truce'" in done.err
    assert str(tmp_path / "a" / "truce.yaml") in done.err


def test_nothing_to_build_is_a_clear_message(run: Callable[..., Run], tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    done = run("-f", str(empty), "build", str(tmp_path / "site"))
    assert done.code == 1
    assert "no story files (*.yaml, *.yml)" in done.err and "init" in done.err


def test_a_site_folder_that_is_a_file_is_a_message_not_a_traceback(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    blocker = tmp_path / "site"
    blocker.write_text("a file\n")
    done = run("-f", str(BUNDLED), "build", str(blocker), "--as-of", "2025-08-12")
    assert done.code == 1
    assert "cannot write" in done.err and "Traceback" not in done.err


def test_story_files_of_a_folder_in_name_order(tmp_path: Path) -> None:
    for name in ("b.yml", "a.yaml", ".c.yaml", "d.txt"):
        (tmp_path / name).write_text("")
    assert story_files([str(tmp_path)]) == [str(tmp_path / "a.yaml"), str(tmp_path / "b.yml")]


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.org", False),
])
def test_which_hosts_are_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_build_and_serve_have_help_with_examples(run: Callable[..., Run]) -> None:
    for command in ("build", "serve"):
        done = run(command, "--help")
        assert done.code == 0 and "examples:" in done.out and "timeline " in done.out


# -------------------------------------------------------------- the documented workflow


def test_the_github_pages_workflow_builds_the_site(run: Callable[..., Run], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "github" / "pages.yml").read_text())
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    commands = [line for step in steps for line in str(step.get("run", "")).splitlines()
                if line.strip().startswith("timeline ")]
    assert len(commands) == 1, commands
    argv = shlex.split(commands[0])[1:]
    upload = [step for step in steps if "upload-pages-artifact" in str(step.get("uses", ""))]
    folder = upload[0]["with"]["path"]
    assert folder == argv[argv.index("build") + 1]
    monkeypatch.chdir(ROOT)
    argv[argv.index("build") + 1] = str(tmp_path / folder)
    done = run(*argv, env={"TIMELINE_AS_OF": "2025-08-12"})  # the workflow: the day it runs
    assert done.code == 0, done.err
    assert (tmp_path / folder / "index.html").is_file()


def test_the_build_commands_of_the_publishing_guide_run(
    run: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = (ROOT / "docs" / "publishing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", guide, re.S)
    commands = [line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines()
                if line.startswith("timeline ") and " build " in line]
    assert len(commands) == 3, commands
    (tmp_path / "timelines").mkdir()
    for name, source in (("a.yaml", BUNDLED), ("b.yaml", EXAMPLE),
                         ("timelines/us-china.yaml", BUNDLED), ("timeline.yaml", BUNDLED)):
        (tmp_path / name).write_bytes(source.read_bytes())
    monkeypatch.chdir(tmp_path)
    for command in commands:
        done = run(*shlex.split(command)[1:], env={"TIMELINE_AS_OF": "2025-08-12"})
        assert done.code == 0, (command, done.err)
        folder = tmp_path / shlex.split(command)[shlex.split(command).index("build") + 1]
        assert (folder / "index.html").is_file(), command


def test_serve_without_any_story_says_how_to_start(
    run: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no timeline.yaml here
    done = run("serve", "--port", "0")
    assert done.code == 1
    assert "no timeline here" in done.err
    assert "'timeline init'" in done.err and "-f PATH" in done.err


def test_the_feed_names_a_story_by_the_key_the_site_gives_it() -> None:
    renamed = story(EXAMPLE, key="us-china")
    as_of = AsOf.of_day(date(2026, 11, 28), renamed.timeline.timezone)
    entries = _entries(build([renamed], as_of)["feed.xml"])
    assert entries
    for entry in entries:
        assert entry["id"].startswith("tag:policy-timeline,2025:us-china/")
        assert entry["link"].startswith("stories/us-china.html#entry-")


def test_with_one_story_all_ics_is_its_calendar() -> None:
    files = site("2025-08-12", BUNDLED)
    one = Story("timeline", "timeline.yaml", load([str(BUNDLED)]).timeline)
    from policy_timeline.site import _facts, all_calendar

    as_of = AsOf.of_day(date(2025, 8, 12), one.timeline.timezone)
    assert files["all.ics"] == files["stories/timeline.ics"]
    assert files["all.ics"].decode("utf-8") == all_calendar([_facts(one, as_of)], as_of)


class _NoServer:
    """Stands in for the HTTP server, so that no socket is opened on a public address."""

    server_address = ("0.0.0.0", 8123)

    def serve_forever(self) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def server_close(self) -> None:
        pass


def test_serve_on_a_public_address_warns_and_ctrl_c_stops_cleanly(
    run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    import watchfiles

    import policy_timeline.cli.site as site_cli

    asked: list[tuple[str, int]] = []

    def server(host: str, port: int, folder: str) -> _NoServer:
        asked.append((host, port))
        assert (Path(folder) / "index.html").is_file()  # built before it is served
        return _NoServer()

    def interrupted(*_paths: object, **_options: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(site_cli, "_server", server)
    monkeypatch.setattr(watchfiles, "watch", interrupted)
    done = run("-f", str(BUNDLED), "serve", "--host", "0.0.0.0", "--port", "8123",
               "--as-of", "2025-08-12")
    assert done.code == 0, done.err
    assert asked == [("0.0.0.0", 8123)]
    assert "warning: listening on 0.0.0.0: other machines can read the site" in done.err
    assert "Serving the site at http://0.0.0.0:8123/" in done.out
    assert "timeline: stopped" in done.err
    quiet = run("-f", str(BUNDLED), "serve", "--port", "8123", "--as-of", "2025-08-12")
    assert "warning" not in quiet.err and asked[-1] == ("127.0.0.1", 8123)
