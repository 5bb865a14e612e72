"""SVG export: well-formed, escaped, the marks the chart promises, and no overlaps in Chromium."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from browser import render_page
from conftest import BUNDLED, EXAMPLE, ROOT
from policy_timeline.exporters import export
from policy_timeline.loader import load
from policy_timeline.schedule import AsOf, known_entries, sorted_by_effective
from test_export_html import assert_png_not_blank

TRICKY = ROOT / "tests" / "fixtures" / "export" / "tricky.yaml"
NS = {"svg": "http://www.w3.org/2000/svg"}


def svg(path: Path, as_of: str) -> str:
    timeline = load([str(path)]).timeline
    moment = AsOf.of_day(date.fromisoformat(as_of), timeline.timezone)
    return export("svg", timeline, moment, sorted_by_effective(known_entries(timeline, moment)))


def groups(text: str) -> dict[str, ElementTree.Element]:
    root = ElementTree.fromstring(text)
    return {g.get("data-id", ""): g for g in root.iterfind(".//svg:g[@data-id]", NS)}


@pytest.mark.parametrize(
    ("name", "path", "as_of"),
    [("bundled", BUNDLED, "2025-07-28"), ("example", EXAMPLE, "2025-12-01"),
     ("tricky", TRICKY, "2025-03-01")],
)
def test_golden(golden: Callable[[str, str], None], name: str, path: Path, as_of: str) -> None:
    golden(f"export/{name}.svg", svg(path, as_of))


def test_marks_by_kind_state_and_span() -> None:
    found = groups(svg(EXAMPLE, "2025-09-01"))
    assert len(found) == 10
    assert found["geneva-truce"].find("svg:circle", NS) is not None  # event: a dot
    london = found["london-talks"].findall("svg:rect", NS)  # a span: a bar
    assert london and float(london[0].get("width", "0")) > 4
    band = found["magnets-easing"].find("svg:rect[@class='band']", NS)  # partial: a band
    assert band is not None
    # not a deadline: reminded before its date, never overdue (SPEC §3)
    assert found["tariff-snapback-notice"].get("class") == "entry event"
    assert found["rare-earth-licences"].get("class") == "entry upcoming"
    assert found["truce-expiry"].get("class") == "entry open"
    cancelled = groups(svg(EXAMPLE, "2025-10-01"))["chip-rule-review"]
    assert cancelled.get("class") == "entry cancelled"
    diamond = cancelled.find("svg:path", NS)
    assert diamond is not None and diamond.get("fill") == "#8d939c"


def test_today_line_and_extension_arrows() -> None:
    text = svg(EXAMPLE, "2025-12-01")
    root = ElementTree.fromstring(text)
    assert root.find(".//svg:line[@class='today']", NS) is not None
    expiry = groups(text)["truce-expiry"]
    arrows = expiry.findall("svg:path[@class='move']", NS)
    ghosts = expiry.findall("svg:path[@class='ghost']", NS)
    assert len(arrows) == len(ghosts) == 2  # Aug 10 → Nov 10, 2025 → Nov 10, 2026
    assert all(arrow.get("marker-end") == "url(#arrow)" for arrow in arrows)
    before = groups(svg(EXAMPLE, "2025-07-28"))["truce-expiry"]
    assert before.findall("svg:path[@class='move']", NS) == []


def test_text_is_escaped_and_well_formed() -> None:
    text = svg(TRICKY, "2025-03-01")
    root = ElementTree.fromstring(text)  # raises on anything not well-formed
    assert root.find(".//svg:script", NS) is None
    labels = ["".join(t.itertext()) for t in root.iterfind(".//svg:text[@class='label fg']", NS)]
    assert "<script>console.error('injected')</script> Zölle, Gespr…" in labels
    tooltips = [t.text or "" for t in root.iterfind(".//svg:g/svg:title", NS)]
    assert any("Zölle, Gespräche; 关税 ✓" in tooltip for tooltip in tooltips)
    title = root.find("svg:title", NS)
    assert title is not None and (title.text or "").startswith("Tricky <b>file</b>")


def test_long_titles_are_shortened_with_the_full_title_in_the_tooltip() -> None:
    found = groups(svg(BUNDLED, "2025-07-28"))
    samarium = found["samarium-controls"]
    label = samarium.find("svg:text", NS)
    assert label is not None and (label.text or "").endswith("…")
    tooltip = samarium.find("svg:title", NS)
    assert tooltip is not None and "samarium and other specialized rare earths stay in place" in (
        tooltip.text or "")


# ---------------------------------------------------------------------- Chromium

OVERLAPS = """
(function () {
  var boxes = Array.from(document.querySelectorAll('g.entry')).map(function (g) {
    var parts = Array.from(g.querySelectorAll('text, circle, path:not(.move), rect:not(.band)'));
    return parts.map(function (p) { var b = p.getBBox();
      return {id: g.getAttribute('data-id'), x: b.x, y: b.y, r: b.x + b.width, b: b.y + b.height}; });
  });
  var clashes = [];
  for (var i = 0; i < boxes.length; i++) for (var j = i + 1; j < boxes.length; j++)
    boxes[i].forEach(function (a) { boxes[j].forEach(function (c) {
      if (a.x < c.r - 0.5 && c.x < a.r - 0.5 && a.y < c.b - 0.5 && c.y < a.b - 0.5)
        clashes.push(a.id + ' / ' + c.id); }); });
  return clashes;
})()
"""


@pytest.mark.slow
@pytest.mark.parametrize(("path", "as_of"), [(BUNDLED, "2025-07-28"), (EXAMPLE, "2025-12-01"),
                                             (TRICKY, "2025-03-01")])
def test_renders_in_chromium_with_no_overlapping_labels(
    tmp_path: Path, path: Path, as_of: str
) -> None:
    target = tmp_path / "chart.svg"
    text = svg(path, as_of)
    target.write_text(text, encoding="utf-8")
    root = ElementTree.fromstring(text)
    width, height = int(root.get("width", "0")), int(root.get("height", "0"))
    shot = tmp_path / "chart.png"
    page = render_page(target, screenshot=shot, width=width, height=max(height, 400),
                       scripts=[OVERLAPS, "document.querySelectorAll('g.entry').length",
                                "document.querySelector('svg').getBBox().width"])
    assert page.console_errors == []
    assert page.requests == []
    clashes, drawn, drawn_width = page.values
    assert clashes == []
    assert drawn == len(groups(text))
    assert drawn_width <= width + 1  # nothing drawn off the canvas
    assert_png_not_blank(shot)
