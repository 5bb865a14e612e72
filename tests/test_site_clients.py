"""The built site in real clients: pages in headless Chromium, calendars in khal, and
`timeline serve` fetched over HTTP before and after a story file changes."""

from __future__ import annotations

import queue
import re
import signal
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from browser import render_page
from conftest import BUNDLED, EXAMPLE, Run, khal_runner, process_env
from policy_timeline.loader import load

AS_OF = "2025-08-12"


@pytest.fixture
def built(run: Callable[..., Run], tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    done = run("-f", str(BUNDLED), "-f", str(EXAMPLE), "build", str(folder), "--as-of", AS_OF)
    assert done.code == 0, done.err
    return folder


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# ---------------------------------------------------------------------------- Chromium

FILTER = """(function () {
  function visible() { return document.querySelectorAll("li.row:not([hidden])").length; }
  var all = visible();
  var story = document.getElementById("filter-story");
  story.value = "timeline"; story.dispatchEvent(new Event("change"));
  var byStory = visible();
  story.value = ""; story.dispatchEvent(new Event("change"));
  var search = document.getElementById("filter-search");
  search.value = "chip export"; search.dispatchEvent(new Event("input"));
  var bySearch = visible();
  var cards = document.querySelectorAll("li.story:not([hidden])").length;
  return [all, byStory, bySearch, cards, document.getElementById("filters").hidden,
          document.getElementById("filter-count").textContent];
})()"""


@pytest.mark.slow
def test_dashboard_in_chromium(built: Path, tmp_path: Path) -> None:
    shot = tmp_path / "index.png"
    page = render_page(built / "index.html", screenshot=shot, scripts=[FILTER])
    assert page.console_errors == []
    assert page.requests == []
    width, height = _png_size(shot)
    assert width == 1200 and height >= 600
    assert shot.stat().st_size > 30_000  # text and colour, not a blank page
    everything, by_story, by_search, cards, hidden, count = page.values[0]
    rows = page.dom.count('<li class="row')
    assert everything == rows > 0
    expected_story = len(re.findall(r'<li class="row[^"]*" data-story="timeline"', page.dom))
    assert by_story == expected_story < everything
    assert by_search == 1  # only "Review of AI chip export rules"
    assert cards == 2 and hidden is False
    assert count == f"1 of {rows} dates shown"


@pytest.mark.slow
def test_story_page_in_chromium(built: Path, tmp_path: Path) -> None:
    shot = tmp_path / "story.png"
    first = ("(function () { var main = document.querySelector('main');"
             " return [main.firstElementChild.textContent,"
             " main.querySelector('section.due h2').textContent,"
             " main.querySelector('section.due .card').className]; })()")
    page = render_page(built / "stories" / "timeline.html", screenshot=shot, scripts=[first])
    assert page.console_errors == []
    assert page.requests == []
    assert _png_size(shot)[1] >= 600 and shot.stat().st_size > 30_000
    nav, heading, card = page.values[0]
    assert "Story timeline" in nav and "All stories" in nav
    assert heading == "What is due as of Aug 12, 2025"
    assert card == "card state-overdue"


# --------------------------------------------------------------------------------- khal


def _khal_list(feed: Path, home: Path) -> list[str]:
    """Import `feed` into a fresh khal calendar; the titles khal then lists."""
    khal = khal_runner(home, "site", "America/New_York")
    khal("import", "--batch", "-a", "site", str(feed))
    listed = khal("list", "--format", "{start-date}|{title}", "--day-format", "",
                  "2024-01-01", "2027-12-31")
    return [line.split("|", 1)[1].strip() for line in listed.splitlines() if "|" in line]


@pytest.mark.slow
def test_every_calendar_imports_into_khal(built: Path, tmp_path: Path) -> None:
    listed: dict[str, list[str]] = {}
    for name, path in (("timeline", BUNDLED), ("truce-extended", EXAMPLE)):
        listed[name] = _khal_list(built / "stories" / f"{name}.ics", tmp_path / name)
        for entry in load([str(path)]).timeline.entries:
            assert any(entry.title in title for title in listed[name]), (name, entry.title)
    # every story's events, none merged with another story's (their UIDs differ)
    combined = _khal_list(built / "all.ics", tmp_path / "all")
    assert sorted(combined) == sorted(listed["timeline"] + listed["truce-extended"])


# -------------------------------------------------------------------------------- serve


def _lines(stream: object, into: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
        into.put(line)


def _fetch(url: str) -> tuple[str, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    with opener.open(url, timeout=10) as response:
        return response.headers.get("Content-Type", ""), response.read().decode("utf-8")


@pytest.mark.slow
def test_serve_rebuilds_when_a_story_changes(tmp_path: Path) -> None:
    story = tmp_path / "truce.yaml"
    story.write_bytes(BUNDLED.read_bytes())
    process = subprocess.Popen(
        [sys.executable, "-m", "policy_timeline", "-f", str(story), "serve", "--port", "0",
         "--as-of", AS_OF],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=process_env(),
        stdin=subprocess.DEVNULL,
    )
    out: queue.Queue[str] = queue.Queue()
    err: queue.Queue[str] = queue.Queue()
    readers = [threading.Thread(target=_lines, args=(stream, into), daemon=True)
               for stream, into in ((process.stdout, out), (process.stderr, err))]
    for reader in readers:
        reader.start()
    try:
        line = out.get(timeout=60)
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        base = found.group(0)
        kind, page = _fetch(base + "stories/truce.html")
        assert kind.startswith("text/html") and "Geneva trade truce" in page
        assert _fetch(base + "feed.xml")[0].startswith("application/atom+xml")
        assert _fetch(base + "stories/truce.ics")[0].startswith("text/calendar")

        story.write_text(story.read_text(encoding="utf-8").replace(
            "title: Geneva trade truce", "title: Geneva trade truce, renamed"), encoding="utf-8")
        deadline = time.monotonic() + 30
        while "Geneva trade truce, renamed" not in page:
            assert time.monotonic() < deadline, "no rebuild within 30 s"
            time.sleep(0.2)
            page = _fetch(base + "stories/truce.html")[1]
        # the page is written before the rebuild is reported: wait for the report too
        while sum("1 story as of 2025-08-12" in line for line in list(err.queue)) < 2:
            assert time.monotonic() < deadline, "the rebuild was not reported within 30 s"
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    for reader in readers:
        reader.join(timeout=10)
    messages = []
    while not err.empty():
        messages.append(err.get())
    text = "".join(messages)
    assert "timeline: stopped" in text and "Traceback" not in text
    assert text.count("1 story as of 2025-08-12") >= 2  # the first build and the rebuild
