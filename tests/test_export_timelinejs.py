"""`export timelinejs`: Knight Lab TimelineJS JSON, checked by golden files and by TimelineJS.

The renderer test loads the npm package `@knight-lab/timelinejs` (tests/js, installed by
`.ci/run`) into headless Chromium, builds a `TL.Timeline` from the export and looks for
every entry's headline in the page.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from browser import render_page
from conftest import BUNDLED, EXAMPLE, ROOT, Run, loaded
from policy_timeline.dates import parse_edtf
from policy_timeline.exporters import timelinejs

TIMELINEJS = ROOT / "tests" / "js" / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
BUNDLED_AS_OF = date(2025, 7, 28)
EXAMPLE_AS_OF = date(2025, 9, 20)

HOSTILE = """\
title: "Evil <script>window.pwned=1</script> & co"
timezone: UTC
events:
  - id: evil-one
    title: "<img src=x onerror=\\"window.pwned=1\\"> headline & co"
    date: 2025-06-01
    kind: "<img src=x onerror=\\"window.pwned=2\\">"
    summary: "<script>window.pwned=3</script> & <b>bold</b>"
    sources: ["javascript:alert(1)", "https://example.org/?a=1&b=<2>"]
  - id: plain
    title: "A plain event"
    date: 2025-06~
    kind: "R&D"
"""


def events_by_id(text: str) -> dict[str, dict[str, object]]:
    return {event["unique_id"]: event for event in json.loads(text)["events"]}


# ------------------------------------------------------------------------ golden files


@pytest.mark.parametrize(
    ("name", "path", "day"),
    [("bundled", BUNDLED, BUNDLED_AS_OF), ("truce-extended", EXAMPLE, EXAMPLE_AS_OF)],
)
def test_golden_through_the_cli(
    run: Callable[..., Run], golden: Callable[[str, str], None], name: str, path: Path,
    day: date,
) -> None:
    result = run("-f", str(path), "--as-of", day.isoformat(), "export", "timelinejs")
    assert result.code == 0, result.err
    golden(f"export/timelinejs-{name}.json", result.out)
    assert result.out == timelinejs.export(*loaded(path, day))


# ------------------------------------------------------------ the documented format


def test_document_has_the_documented_shape() -> None:
    document = json.loads(timelinejs.export(*loaded(EXAMPLE, EXAMPLE_AS_OF)))
    assert set(document) == {"title", "events", "eras", "scale"}
    assert document["scale"] == "human"
    assert "start_date" not in document["title"]
    assert document["title"]["text"]["headline"] == "US–China truce, with extensions"
    allowed = {"year", "month", "day", "hour", "minute", "second"}
    for event in document["events"]:
        assert set(event) <= {"unique_id", "start_date", "end_date", "display_date", "text",
                              "group"}
        assert set(event["text"]) == {"headline", "text"}
        for key in ("start_date", "end_date"):
            if key in event:
                assert "year" in event[key] and set(event[key]) <= allowed
                assert all(isinstance(value, str) for value in event[key].values())


@pytest.mark.parametrize(
    ("written", "start", "end", "display"),
    [
        ("2025", {"year": "2025"}, None, None),
        ("201X", {"year": "2010"}, {"year": "2019"}, "2010s"),
        ("2025-06", {"year": "2025", "month": "6"}, None, None),
        ("2025-06-05", {"year": "2025", "month": "6", "day": "5"}, None, None),
        ("2025-06~", {"year": "2025", "month": "6"}, None, "~Jun 2025"),
        ("2025-06-10?", {"year": "2025", "month": "6", "day": "10"}, None, "Jun 10, 2025?"),
        ("2025-Q4", {"year": "2025", "month": "10"}, {"year": "2025", "month": "12"}, "Q4 2025"),
        ("2025-H1", {"year": "2025", "month": "1"}, {"year": "2025", "month": "6"}, "H1 2025"),
        ("2025-06-09/2025-06-10", {"year": "2025", "month": "6", "day": "9"},
         {"year": "2025", "month": "6", "day": "10"}, None),
        ("2025-06/2025-08-15", {"year": "2025", "month": "6"},
         {"year": "2025", "month": "8", "day": "15"}, None),
        # written with an offset, shown as wall time in the file's zone
        ("2025-08-12T04:01Z", {"year": "2025", "month": "8", "day": "12", "hour": "0",
                               "minute": "1"}, None, "Aug 12, 2025 00:01 EDT"),
    ],
)
def test_dates_carry_only_their_known_parts(
    written: str, start: dict[str, str], end: dict[str, str] | None, display: str | None
) -> None:
    fields = timelinejs._dates(parse_edtf(written, "America/New_York"))
    assert fields["start_date"] == start
    assert fields.get("end_date") == end
    assert fields.get("display_date") == display


def test_spans_are_eras_too() -> None:
    document = json.loads(timelinejs.export(*loaded(EXAMPLE, EXAMPLE_AS_OF)))
    assert document["eras"] == [{
        "start_date": {"year": "2025", "month": "6", "day": "9"},
        "end_date": {"year": "2025", "month": "6", "day": "10"},
        "text": {"headline": "London talks on an implementation framework"},
    }]


def test_groups_by_kind_or_by_actor() -> None:
    loaded_example = loaded(EXAMPLE, EXAMPLE_AS_OF)
    by_kind = events_by_id(timelinejs.export(*loaded_example))
    by_actor = events_by_id(timelinejs.export(*loaded_example, group_by="actor"))
    assert by_kind["truce-expiry"]["group"] == "deadline"
    assert by_actor["truce-expiry"]["group"] == "US, CN"
    assert by_actor["h2-outlook"]["group"] == "no actor"
    with pytest.raises(ValueError, match="actor"):
        timelinejs.export(*loaded_example, group_by="tag")


def test_deadline_text_has_countdown_history_and_consequence() -> None:
    events = events_by_id(timelinejs.export(*loaded(EXAMPLE, EXAMPLE_AS_OF)))
    text = events["truce-expiry"]["text"]
    assert isinstance(text, dict)
    body = text["text"]
    assert "<strong>Due Nov 10, 2025: in 51 days</strong>" in body
    assert "If it passes: Tariffs snap back to 145% / 125%" in body
    assert "First dated Aug 10, 2025." in body
    assert "Aug 11, 2025: moved to Nov 10, 2025 — Extended 90 days by executive order" in body


def test_disputed_claims_are_shown_before_a_change_drops_them() -> None:
    events = events_by_id(timelinejs.export(*loaded(EXAMPLE, date(2025, 8, 5))))
    text = events["truce-expiry"]["text"]
    assert isinstance(text, dict)
    assert ('Disputed: also dated Aug 12, 2025 (<a href="https://example.org/other-report">'
            in text["text"])


def test_file_text_is_escaped(write: Callable[[str, str], Path]) -> None:
    timeline, as_of, entries = loaded(write(HOSTILE, "hostile.yaml"), date(2025, 6, 25))
    events = events_by_id(timelinejs.export(timeline, as_of, entries))
    evil = events["evil-one"]
    text = evil["text"]
    assert isinstance(text, dict)
    assert text["headline"] == "&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt; headline &amp; co"
    assert "<script>" not in text["text"] and "<b>" not in text["text"]
    assert "javascript:alert(1)" in text["text"] and 'href="javascript' not in text["text"]
    assert 'href="https://example.org/?a=1&amp;b=%3C2%3E"' in text["text"]
    # stripped of markup, then set as HTML by TimelineJS: escaped twice
    assert evil["group"] == "&amp;lt;img src=x onerror=\"window.pwned=2\"&amp;gt;"
    assert events["plain"]["group"] == "R&amp;amp;D"


# ---------------------------------------------------------------- the real renderer


def render_in_timelinejs(text: str, tmp_path: Path, screenshot: Path | None = None
                         ) -> tuple[dict[str, object], str, list[str]]:
    """Build a TL.Timeline from ``text`` in Chromium: (result, DOM, console errors)."""
    if not (TIMELINEJS / "js" / "timeline.js").exists():
        pytest.skip(f"{TIMELINEJS.relative_to(ROOT)} is missing: run npm ci --prefix tests/js")
    data = text.replace("</", "<\\/")
    page = tmp_path / "timelinejs.html"
    page.write_text(f"""<!doctype html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="{(TIMELINEJS / "css" / "timeline.css").as_uri()}">
<script src="{(TIMELINEJS / "js" / "timeline.js").as_uri()}"></script>
</head><body><div id="timeline-embed" style="width: 1100px; height: 650px"></div>
<script>
window.result = new Promise((resolve) => {{
  const timeline = new TL.Timeline("timeline-embed", {data}, {{
    hash_bookmark: false,
    script_path: "{(TIMELINEJS / "js").as_uri()}/",
    font: null,  // the default font CSS loads Google Fonts
  }});
  timeline.on("loaded", () => resolve({{
    errors: timeline.config.messages.errors,
    events: timeline.config.events.length,
    eras: timeline.config.eras.length,
    pwned: window.pwned === undefined ? null : window.pwned,
  }}));
  setTimeout(() => resolve({{timeout: true}}), 15000);
}});
</script></body></html>""", encoding="utf-8")
    result = render_page(page, wait_ms=500, scripts=["window.result"], screenshot=screenshot)
    assert result.requests == []
    return result.values[0], result.dom, result.console_errors


def _dom_text(dom: str) -> str:
    return html.unescape(dom)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "day"), [(BUNDLED, BUNDLED_AS_OF), (EXAMPLE, EXAMPLE_AS_OF)], ids=["bundled", "example"]
)
def test_timelinejs_renders_every_entry(path: Path, day: date, tmp_path: Path) -> None:
    timeline, as_of, entries = loaded(path, day)
    text = timelinejs.export(timeline, as_of, entries)
    result, dom, errors = render_in_timelinejs(text, tmp_path)
    assert errors == []
    assert result == {"errors": [], "events": len(entries),
                      "eras": sum(item.date.span for item in entries), "pwned": None}
    shown = _dom_text(dom)
    assert timeline.title in shown
    for item in entries:
        assert item.entry.title in shown, item.entry.id


@pytest.mark.slow
def test_hostile_text_stays_text_in_timelinejs(
    write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    timeline, as_of, entries = loaded(write(HOSTILE, "hostile.yaml"), date(2025, 6, 25))
    result, dom, errors = render_in_timelinejs(timelinejs.export(timeline, as_of, entries),
                                               tmp_path)
    assert errors == []
    assert result["pwned"] is None and result["errors"] == []
    assert "<img src=x" not in dom and "<script>window" not in dom
    assert "&lt;img src=x onerror=" in dom  # the kind, as a group label: text
    shown = _dom_text(dom)
    for item in entries:
        assert item.entry.title in shown, item.entry.id


def test_group_by_actor_through_the_cli(run: Callable[..., Run]) -> None:
    result = run("-f", str(EXAMPLE), "--as-of", "2025-09-20", "export", "timelinejs",
                 "--group-by", "actor")
    assert result.code == 0, result.err
    groups = {event.get("group") for event in json.loads(result.out)["events"]}
    assert groups == {"US", "CN", "US, CN", "no actor"}
