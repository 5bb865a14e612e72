"""SVG export: well-formed, escaped, the marks the chart promises, and no overlaps in Chromium."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from browser import render_page
from conftest import BUNDLED, EXAMPLE, ROOT, Run
from policy_timeline.exporters import export
from policy_timeline.exporters import svg as chart
from policy_timeline.loader import load
from policy_timeline.schedule import AsOf, known_entries, sorted_by_effective
from test_export_html import assert_png_not_blank

TRICKY = ROOT / "tests" / "fixtures" / "export" / "tricky.yaml"
NS = {"svg": "http://www.w3.org/2000/svg"}


def svg(path: Path, as_of: str, width: int | None = None) -> str:
    loaded = load([str(path)])
    assert loaded.errors == []
    timeline = loaded.timeline
    moment = AsOf.of_day(date.fromisoformat(as_of), timeline.timezone)
    entries = sorted_by_effective(known_entries(timeline, moment))
    options = {} if width is None else {"width": str(width)}
    return export("svg", timeline, moment, entries, **options)


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
    assert "<script>console.error('injected')</script> Zölle, Gespräche; 关税 ✓" in labels
    tooltips = [t.text or "" for t in root.iterfind(".//svg:g/svg:title", NS)]
    assert any("Zölle, Gespräche; 关税 ✓" in tooltip for tooltip in tooltips)
    title = root.find("svg:title", NS)
    assert title is not None and (title.text or "").startswith("Tricky <b>file</b>")


# ------------------------------------------------------------------ layout for a width

Box = tuple[float, float, float, float]


def text_boxes(text: str) -> list[tuple[str, float, Box]]:
    """(text, smallest font size, estimated box) of every <text>, from the SVG alone, with
    the exporter's own conservative width estimate."""
    root = ElementTree.fromstring(text)
    found = []
    for node in root.iter(f"{{{NS['svg']}}}text"):
        size = float(node.get("font-size", "0"))
        bold = node.get("font-weight") == "700"
        x, baseline = float(node.get("x", "0")), float(node.get("y", "0"))
        width, sizes, words = chart.text_width(node.text or "", size, bold), [size], node.text or ""
        for part in node:
            part_size = float(part.get("font-size", str(size)))
            sizes.append(part_size)
            width += float(part.get("dx", "0")) + chart.text_width(part.text or "", part_size, bold)
            words += part.text or ""
            width += chart.text_width(part.tail or "", size, bold)
        top = max(sizes)
        if node.get("text-anchor") == "end":
            x -= width
        found.append((words, min(sizes), (x, baseline - top * 0.95, x + width, baseline + top * 0.3)))
    return found


def assert_laid_out(text: str, width: int) -> None:
    root = ElementTree.fromstring(text)
    assert root.get("width") == str(width)
    assert root.get("viewBox", "").split()[2] == str(width)
    boxes = text_boxes(text)
    assert boxes
    for words, size, (left, _, right, _) in boxes:
        assert size >= 13, words
        assert left >= 0 and right <= width, (words, left, right)
    clashes = [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
               if a[2][0] < b[2][2] and b[2][0] < a[2][2] and a[2][1] < b[2][3]
               and b[2][1] < a[2][3]]
    assert clashes == []


def story(tmp_path: Path, entries: list[str], title: str = "Generated") -> Path:
    path = tmp_path / "story.yaml"
    path.write_text(f"title: {title}\ntimezone: UTC\nevents:\n" + "".join(entries),
                    encoding="utf-8")
    return path


def plus(day: date, days: int) -> date:
    """`day` and `days` more, within the calendar (the edge is a case worth testing)."""
    return date.fromordinal(min(day.toordinal() + days, date(9999, 12, 30).toordinal()))


def generated(tmp_path: Path, seed: int, count: int, first: date, days: int) -> Path:
    """A story of `count` entries over `days` days: events, deadlines, spans, partial dates,
    moves and disputed readings, with titles short and long (some in wide characters)."""
    rng = random.Random(seed)
    words = ["tariff", "Rare-Earth", "WTO", "licences", "review", "MMMM", "关税", "Zölle",
             "deadline", "i", "export", "controls", "framework"]
    entries = []
    for number in range(count):
        day = first + timedelta(days=rng.randrange(days))
        title = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 14)))
        text = f"  - id: e{number}\n    title: \"{title}\"\n"
        shape = rng.randrange(5)
        if shape == 0:
            text += f"    date: {day.isoformat()}\n"
        elif shape == 1:
            month = min(day.month, 11) if day.year == 9999 else day.month  # Dec 9999 has no end
            text += f"    date: {day.year:04d}-{month:02d}\n"
        elif shape == 2:
            end = plus(day, rng.randrange(1, 200))
            text += f"    date: {day.isoformat()}/{end.isoformat()}\n"
        else:
            text += f"    kind: deadline\n    date: {day.isoformat()}\n"
            if shape == 4:
                later = plus(day, rng.choice([1, 2, 40, 400]))
                other = plus(day, rng.choice([1, 3, 90]))
                text += (f"    claims:\n      - date: {other.isoformat()}\n"
                         f"    changes:\n      - announced: {day.isoformat()}\n"
                         f"        date: {later.isoformat()}\n")
        entries.append(text)
    return story(tmp_path, entries)


@pytest.mark.parametrize(("path", "as_of"), [(BUNDLED, "2025-07-28"), (EXAMPLE, "2025-12-01"),
                                             (EXAMPLE, "2025-07-28"), (TRICKY, "2025-03-01")])
@pytest.mark.parametrize("width", [1200, 900, 480])
def test_no_text_overlaps_and_the_width_is_honoured(path: Path, as_of: str, width: int) -> None:
    assert_laid_out(svg(path, as_of, width), width)


@pytest.mark.parametrize(
    ("first", "days"),
    [(date(2025, 3, 1), 30), (date(2024, 1, 1), 730), (date(2021, 1, 1), 5 * 365),
     (date(1995, 1, 1), 30 * 365), (date(1, 1, 1), 400), (date(9998, 6, 1), 577),
     (date(1, 1, 1), 3_650_000)],
    ids=["1-month", "2-years", "5-years", "30-years", "year-1", "year-9999", "all-time"],
)
@pytest.mark.parametrize("seed", [1, 2])
def test_generated_stories_of_any_span_never_overlap(
    tmp_path: Path, first: date, days: int, seed: int
) -> None:
    path = generated(tmp_path, seed, 40, first, days)
    as_of = (first + timedelta(days=days // 2)).isoformat()
    for width in (1200, 640):
        assert_laid_out(svg(path, as_of, width), width)


@pytest.mark.parametrize(("first", "days"), [(date(2025, 3, 1), 30), (date(2021, 1, 1), 1826),
                                             (date(1995, 1, 1), 10950), (date(1, 1, 1), 3_650_000)])
def test_axis_thins_its_ticks_and_puts_years_on_their_own_line(first: date, days: int) -> None:
    root = ElementTree.fromstring(svg_for_span(first, days))
    years = [t.text for t in root.iterfind(".//svg:text[@class='year fg']", NS)]
    months = [t.text for t in root.iterfind(".//svg:text[@class='month muted']", NS)]
    assert years and all((year or "").isdigit() for year in years)  # a year alone, not "Jan 2025"
    if days > 20 * 365:
        assert months == []  # decades: years only
    elif days > 3 * 365:
        assert months and len(set(months)) < 12  # quarters or half years
    else:
        assert "Mar" in months


def svg_for_span(first: date, days: int) -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = story(Path(folder), [
            f"  - id: a\n    title: Start\n    date: {first.isoformat()}\n",
            f"  - id: b\n    title: End\n    date: {(first + timedelta(days=days)).isoformat()}\n"])
        return svg(path, first.isoformat())


def test_labels_are_cut_only_when_there_is_no_room(tmp_path: Path) -> None:
    for width in (1200, 900):  # every title of the example has room
        assert "…" not in "".join(ElementTree.fromstring(svg(EXAMPLE, "2025-12-01", width))
                                  .itertext())
    wide = groups(svg(BUNDLED, "2025-07-28", 1600))["samarium-controls"].find("svg:text", NS)
    assert wide is not None and "".join(wide.itertext()).endswith("stay in place")
    narrow = groups(svg(BUNDLED, "2025-07-28", 480))["samarium-controls"]
    label = narrow.find("svg:text", NS)
    assert label is not None and "".join(label.itertext()).endswith("…")
    tooltip = narrow.find("svg:title", NS)
    assert tooltip is not None and "samarium and other specialized rare earths stay in place" in (
        tooltip.text or "")


def test_a_one_day_move_draws_a_chevron_not_a_loop(tmp_path: Path) -> None:
    path = story(tmp_path, [
        "  - id: nudged\n    title: Moved by a day\n    kind: deadline\n    date: 2025-06-10\n"
        "    changes:\n      - announced: 2025-06-01\n        date: 2025-06-11\n",
        "  - id: far\n    title: Far away\n    date: 2026-06-10\n"])
    text = svg(path, "2025-06-05")
    nudged = groups(text)["nudged"]
    assert nudged.findall("svg:path[@class='move']", NS) == []  # no arrow onto itself
    assert nudged.findall("svg:path[@class='ghost']", NS) == []
    assert len(nudged.findall("svg:path[@class='nudge']", NS)) == 1
    tooltip = nudged.find("svg:title", NS)
    assert tooltip is not None and "Moved from Jun 10, 2025 to Jun 11, 2025 (announced Jun 1, 2025)" in (tooltip.text or "")
    assert "moved by a few days" in text


def test_disputed_readings_are_drawn_with_a_legend_entry() -> None:
    text = svg(EXAMPLE, "2025-08-01")  # before the extension drops the old reading
    expiry = groups(text)["truce-expiry"]
    readings = expiry.findall("svg:circle[@class='reading']", NS)
    assert len(readings) == 1  # the claim of Aug 12, 2025: 2 days off, drawn beside the mark
    diamond = expiry.find("svg:path", NS)
    assert diamond is not None
    mark_x = float((diamond.get("d") or "M0").split(",")[0][1:])
    assert float(readings[0].get("cx", "0")) - mark_x >= chart.APART
    note = readings[0].find("svg:title", NS)
    assert note is not None and note.text == "Also reported: Aug 12, 2025"
    assert expiry.find("svg:path[@class='link']", NS) is not None
    assert "disputed: another reading" in text
    assert "disputed: another reading" not in svg(BUNDLED, "2025-07-28")  # only when drawn


def test_width_on_the_command_line(tmp_path: Path, run: Callable[..., Run]) -> None:
    out = tmp_path / "chart.svg"
    result = run("-f", str(EXAMPLE), "--as-of", "2025-12-01", "export", "svg",
                     "--width", "800", "-o", str(out))
    assert result.code == 0, result.err
    assert_laid_out(out.read_text(encoding="utf-8"), 800)
    bad = run("-f", str(EXAMPLE), "export", "svg", "--width", "100")
    assert bad.code == 2 and "--width must be 480 to 20000 px" in bad.err
    other = run("-f", str(EXAMPLE), "export", "json", "--width", "800")
    assert other.code == 2 and "--width applies to the svg format only" in other.err


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


TEXTS = """
Array.from(document.querySelectorAll('text')).map(function (t) { var b = t.getBBox();
  return [t.textContent, b.x, b.y, b.x + b.width, b.y + b.height]; })
"""


@pytest.mark.slow
@pytest.mark.parametrize(("path", "as_of", "width"),
                         [(BUNDLED, "2025-07-28", 1200), (EXAMPLE, "2025-12-01", 1200),
                          (EXAMPLE, "2025-08-01", 700), (TRICKY, "2025-03-01", 1200),
                          (None, "", 1200), (None, "", 640)])
def test_renders_in_chromium_with_no_overlaps_and_text_within_its_estimate(
    tmp_path: Path, path: Path | None, as_of: str, width: int
) -> None:
    if path is None:  # a generated story of 40 entries over 30 years
        path, as_of = generated(tmp_path, 3, 40, date(1995, 1, 1), 30 * 365), "2010-01-01"
    target = tmp_path / "chart.svg"
    text = svg(path, as_of, width)
    target.write_text(text, encoding="utf-8")
    root = ElementTree.fromstring(text)
    width, height = int(root.get("width", "0")), int(root.get("height", "0"))
    shot = tmp_path / "chart.png"
    page = render_page(target, screenshot=shot, width=width, height=max(height, 400),
                       scripts=[OVERLAPS, "document.querySelectorAll('g.entry').length",
                                "document.querySelector('svg').getBBox().width", TEXTS])
    assert page.console_errors == []
    assert page.requests == []
    clashes, drawn, drawn_width, texts = page.values
    assert clashes == []
    assert drawn == len(groups(text))
    assert drawn_width <= width + 1  # nothing drawn off the canvas
    estimated = text_boxes(text)
    assert len(texts) == len(estimated)
    for (words, left, top, right, bottom), (_, _, box) in zip(texts, estimated, strict=True):
        # the real text lies within its estimated box: the layout's estimate is safe (a "J"
        # may reach a pixel left of its x, a "j" right of its end)
        assert box[0] - 2 <= left and right <= box[2] + 1, (words, left, right, box)
        assert box[1] - 3 <= top and bottom <= box[3] + 3, (words, top, bottom, box)
    assert_png_not_blank(shot)
