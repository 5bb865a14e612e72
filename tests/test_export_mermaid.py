"""`export mermaid`: timeline and gantt diagrams, checked by golden files and by Mermaid itself.

The renderer tests load the npm package `mermaid` (tests/js, installed by `.ci/run` with
`npm ci --prefix tests/js`) into headless Chromium, validate each diagram with
`mermaid.parse`, render it, and look for every entry's title in the SVG.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from browser import render_page
from conftest import BUNDLED, EXAMPLE, ROOT, Run, loaded
from policy_timeline.exporters import mermaid

MERMAID_JS = ROOT / "tests" / "js" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
BUNDLED_AS_OF = date(2025, 7, 28)
EXAMPLE_AS_OF = date(2025, 9, 20)

HOSTILE = """\
title: "Evil <script>window.pwned=1</script> & | #t: a; b %%{init: {\\"theme\\":\\"dark\\"}}%%"
timezone: UTC
events:
  - id: evil-one
    title: "<img src=x onerror=\\"window.pwned=1\\"> Note: colon; semi #amp; <br> end & co"
    date: 2025-06-01
    kind: "<b>kind</b>"
  - id: section-301
    title: "Section 301 tariffs: review"
    date: 2025-06-05/2025-06-09
    kind: deadline
  - id: click-me
    title: "click here %% comment"
    date: 2025-07-01
    kind: deadline
    changes:
      - announced: 2025-06-20
        date: 2025-07-15
        note: "moved: <script>window.pwned=3</script>"
  - id: dated-title
    title: "2025-08-01 title: gantt dateFormat"
    date: 2025-06-02/2025-06-03
  - id: percent
    title: "%comment-looking title"
    date: 2025-06-04/2025-06-06
  - id: five-percent
    title: "5% cut"
    date: 2025-06-04/2025-06-07
"""


# ------------------------------------------------------------------------ golden files


@pytest.mark.parametrize(
    ("name", "path", "day"),
    [("bundled", BUNDLED, BUNDLED_AS_OF), ("truce-extended", EXAMPLE, EXAMPLE_AS_OF)],
)
def test_golden_timeline_diagram_through_the_cli(
    run: Callable[..., Run], golden: Callable[[str, str], None], name: str, path: Path,
    day: date,
) -> None:
    result = run("-f", str(path), "--as-of", day.isoformat(), "export", "mermaid")
    assert result.code == 0, result.err
    golden(f"export/mermaid-{name}-timeline.mmd", result.out)
    assert result.out == mermaid.export(*loaded(path, day))


@pytest.mark.parametrize(
    ("name", "path", "day"),
    [("bundled", BUNDLED, BUNDLED_AS_OF), ("truce-extended", EXAMPLE, EXAMPLE_AS_OF)],
)
def test_golden_gantt_diagram_through_the_cli(
    run: Callable[..., Run], golden: Callable[[str, str], None], name: str, path: Path,
    day: date,
) -> None:
    result = run("-f", str(path), "--as-of", day.isoformat(), "export", "mermaid",
                 "--diagram", "gantt")
    assert result.code == 0, result.err
    golden(f"export/mermaid-{name}-gantt.mmd", result.out)
    assert result.out == mermaid.export(*loaded(path, day), diagram="gantt")


def test_format_options_belong_to_their_format(run: Callable[..., Run]) -> None:
    result = run("-f", str(BUNDLED), "export", "markdown", "--diagram", "gantt")
    assert result.code == 2 and "--diagram applies to the mermaid format only" in result.err


# --------------------------------------------------------------------------- the text


@pytest.mark.parametrize(
    ("written", "safe"),
    [
        ("Note: colon", "Note∶ colon"),
        ("12:30", "12∶30"),
        ("a\nb\tc\r\nd", "a b c d"),
        ("50%% off %%{init: {}}%%", "50%\u2060% off %\u2060%{init∶ {}}%\u2060%"),
        ("#amp; and #35; but #1 stays", "#\u2060amp; and #\u206035; but #1 stays"),
        ("a<br>b<BR/>c", "a<\u2060br>b<\u2060BR/>c"),
        ("a; b # c <i>x</i>", "a; b # c <i>x</i>"),
        ("   ", "\u2060"),
    ],
)
def test_mermaid_text_neutralises_syntax(written: str, safe: str) -> None:
    assert mermaid.mermaid_text(written) == safe


def test_title_loses_html_that_mermaid_would_sanitise() -> None:
    assert mermaid.mermaid_title("R&D <b>x</b>") == "R＆D ＜b＞x＜/b＞"


@pytest.mark.parametrize("name", ["Section 301", "title IX", "click here", "2025-01-01 x",
                                  "%x", "excludes weekends", "accTitle: x"])
def test_gantt_task_names_never_start_with_a_keyword(name: str) -> None:
    assert mermaid.gantt_task_name(name).startswith(mermaid.WORD_JOINER)


@pytest.mark.parametrize(("name", "safe"), [("5% cut", "5\u2060% cut"),
                                            ("%x", "\u2060\u2060%x"),
                                            ("50% cut", "50% cut")])
def test_gantt_task_names_never_start_a_comment(name: str, safe: str) -> None:
    assert mermaid.gantt_task_name(name) == safe


def test_ordinary_gantt_task_names_are_left_alone() -> None:
    assert mermaid.gantt_task_name("Geneva trade truce") == "Geneva trade truce"


def test_unknown_diagram_is_refused() -> None:
    with pytest.raises(ValueError, match="gantt"):
        mermaid.export(*loaded(BUNDLED, BUNDLED_AS_OF), diagram="pie")


def test_timeline_groups_by_month_and_marks_today() -> None:
    text = mermaid.export(*loaded(EXAMPLE, EXAMPLE_AS_OF))
    lines = text.splitlines()
    assert lines[0] == "timeline"
    assert "    section September 2025" in lines
    today = lines.index("        Sep 20, 2025 : 📍 Today")
    assert lines.index("        Sep 30, 2025 : ⏳ Review of AI chip export rules (cancelled)") \
        == today + 1


def test_gantt_draws_extensions_and_closed_deadlines() -> None:
    text = mermaid.export(*loaded(EXAMPLE, EXAMPLE_AS_OF), diagram="gantt")
    assert ("90-day tariff freeze expires extended — Extended 90 days by executive order "
            ":active, 2025-08-10, 2025-11-10") in text
    assert "Review of AI chip export rules (cancelled) :done, milestone, 2025-09-30, 0d" in text
    assert "London talks on an implementation framework :2025-06-09, 2025-06-11" in text


# ---------------------------------------------------------------- the real renderer


def _visible(text: str) -> str:
    """Text as compared with the SVG: no word joiners, no whitespace (labels wrap), and
    double quotes as single ones (Mermaid's preprocessing turns one into the other)."""
    return re.sub(r"\s+", "", text.replace(mermaid.WORD_JOINER, "")).replace('"', "'")


def render_in_mermaid(diagrams: dict[str, str], tmp_path: Path) -> tuple[dict[str, object], list[str]]:
    """Parse and render each diagram with Mermaid in Chromium: (results by name, errors)."""
    if not MERMAID_JS.exists():
        pytest.skip(f"{MERMAID_JS.relative_to(ROOT)} is missing: run npm ci --prefix tests/js")
    sources = json.dumps(diagrams).replace("</", "<\\/")
    page = tmp_path / "mermaid.html"
    page.write_text(f"""<!doctype html>
<html><head><meta charset="utf-8"><script src="{MERMAID_JS.as_uri()}"></script></head>
<body><script>
mermaid.initialize({{startOnLoad: false, securityLevel: "strict"}});
const sources = {sources};
window.results = (async () => {{
  const results = {{}};
  for (const [name, source] of Object.entries(sources)) {{
    const result = {{}};
    try {{
      result.parsed = await mermaid.parse(source);
      const {{svg}} = await mermaid.render("diagram-" + name, source);
      const holder = document.createElement("div");
      holder.id = "holder-" + name;
      holder.innerHTML = svg;
      document.body.appendChild(holder);
      const svgElement = holder.querySelector("svg");
      svgElement.querySelectorAll("style").forEach((style) => style.remove());
      result.text = svgElement.textContent;
      result.elements = [...svgElement.querySelectorAll("*")].map((e) => e.localName);
    }} catch (error) {{
      result.error = String(error && error.message || error);
    }}
    results[name] = result;
  }}
  results.pwned = window.pwned === undefined ? null : window.pwned;
  return results;
}})();
</script></body></html>""", encoding="utf-8")
    page_result = render_page(page, wait_ms=200, scripts=["window.results"])
    return page_result.values[0], page_result.console_errors


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "day"), [(BUNDLED, BUNDLED_AS_OF), (EXAMPLE, EXAMPLE_AS_OF)], ids=["bundled", "example"]
)
def test_mermaid_parses_and_renders_every_entry(path: Path, day: date, tmp_path: Path) -> None:
    timeline, as_of, entries = loaded(path, day)
    diagrams = {
        "timeline": mermaid.export(timeline, as_of, entries),
        "gantt": mermaid.export(timeline, as_of, entries, diagram="gantt"),
    }
    results, errors = render_in_mermaid(diagrams, tmp_path)
    assert errors == []
    timeline_result = results["timeline"]
    gantt_result = results["gantt"]
    assert isinstance(timeline_result, dict) and isinstance(gantt_result, dict)
    assert timeline_result.get("parsed") == {"diagramType": "timeline", "config": {}}
    assert gantt_result.get("parsed") == {"diagramType": "gantt", "config": {}}
    shown = _visible(str(timeline_result["text"]))
    for item in entries:
        assert _visible(mermaid.mermaid_text(item.entry.title)) in shown, item.entry.id
    assert _visible(mermaid.mermaid_title(timeline.title)) in shown
    gantt_shown = _visible(str(gantt_result["text"]))
    for item in entries:
        if item.entry.reminded or item.date.span:
            assert _visible(mermaid.mermaid_text(item.entry.title)) in gantt_shown, item.entry.id


@pytest.mark.slow
def test_hostile_text_stays_text_in_mermaid(
    write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    timeline, as_of, entries = loaded(write(HOSTILE, "hostile.yaml"), date(2025, 6, 25))
    diagrams = {
        "timeline": mermaid.export(timeline, as_of, entries),
        "gantt": mermaid.export(timeline, as_of, entries, diagram="gantt"),
    }
    results, errors = render_in_mermaid(diagrams, tmp_path)
    assert errors == []
    assert results["pwned"] is None
    for name in diagrams:
        result = results[name]
        assert isinstance(result, dict)
        assert "error" not in result, result.get("error")
        assert result["parsed"] == {"diagramType": name, "config": {}}  # no %%{init}%% taken
        assert not {"script", "img", "foreignObject"} & set(result["elements"])
        shown = _visible(str(result["text"]))
        for item in entries:
            if name == "timeline" or item.entry.reminded or item.date.span:
                assert _visible(mermaid.mermaid_text(item.entry.title)) in shown, item.entry.id
    timeline_text = results["timeline"]
    assert isinstance(timeline_text, dict)
    assert "<imgsrc=xonerror=" in _visible(str(timeline_text["text"]))
