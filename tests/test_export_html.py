"""HTML export: one self-contained page, escaped text, and how it behaves in Chromium."""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from browser import render_page
from conftest import BUNDLED, EXAMPLE, ROOT
from policy_timeline.exporters import export
from policy_timeline.loader import load
from policy_timeline.schedule import AsOf, known_entries, sorted_by_effective

TRICKY = ROOT / "tests" / "fixtures" / "export" / "tricky.yaml"


def html(path: Path, as_of: str) -> str:
    timeline = load([str(path)]).timeline
    moment = AsOf.of_day(date.fromisoformat(as_of), timeline.timezone)
    return export("html", timeline, moment, sorted_by_effective(known_entries(timeline, moment)))


@pytest.mark.parametrize(
    ("name", "path", "as_of"),
    [("bundled", BUNDLED, "2025-07-28"), ("example", EXAMPLE, "2025-09-01"),
     ("tricky", TRICKY, "2025-03-01")],
)
def test_golden(golden: Callable[[str, str], None], name: str, path: Path, as_of: str) -> None:
    golden(f"export/{name}.html", html(path, as_of))


def test_self_contained_no_network() -> None:
    page = html(EXAMPLE, "2025-09-01")
    assert "<link" not in page and " src=" not in page and "@import" not in page
    assert "url(" not in page
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy and "default-src 'none'" in policy.group(1)
    assert "'unsafe-inline'" not in policy.group(1)


def test_every_text_is_escaped() -> None:
    page = html(TRICKY, "2025-03-01")
    assert page.count("<script>") == 1  # ours, at the end
    assert "&lt;script&gt;console.error(&#x27;injected&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "javascript:" not in page  # a source URL that is not http(s) is not a link
    assert '<a href="https://example.org/?a=1&amp;b=2" rel="noopener noreferrer">a link</a>' in page
    assert "<strong>bold</strong>" in page


def test_month_groups_today_marker_countdown_history_claims() -> None:
    page = html(EXAMPLE, "2025-09-01")
    headings = re.findall(r"<h2>([^<]+)</h2>", page)
    assert headings == ["May 2025", "June 2025", "H2 2025", "August 2025", "September 2025",
                        "Q4 2025", "November 2025"]
    today = page.index('id="today"')
    assert page.index("entry-tariff-snapback-notice") < today < page.index("entry-chip-rule-review")
    assert "Due Nov 10, 2025 — in 70 days" in page
    assert "moved from Aug 10, 2025 to <strong>Nov 10, 2025</strong>" in page
    claims = html(EXAMPLE, "2025-07-28")
    assert "<strong>Disputed:</strong> other sources give Aug 12, 2025" in claims
    assert "Due Aug 10, 2025 — in 13 days (within the 14d lead time)" in claims
    assert "@media (prefers-color-scheme: dark)" in page and "@media print" in page


# ---------------------------------------------------------------------- Chromium


@pytest.mark.slow
def test_renders_in_chromium_without_errors(tmp_path: Path) -> None:
    target = tmp_path / "example.html"
    target.write_text(html(EXAMPLE, "2025-09-01"), encoding="utf-8")
    shot = tmp_path / "example.png"
    page = render_page(target, screenshot=shot, width=1000,
                       scripts=["document.querySelectorAll('li.entry').length",
                                "getComputedStyle(document.getElementById('filters')).display"])
    assert page.console_errors == []
    assert page.requests == []
    assert page.values == [10, "flex"]  # every entry, and the filters shown by the script
    assert_png_not_blank(shot)


@pytest.mark.slow
def test_script_in_a_title_stays_text_in_chromium(tmp_path: Path) -> None:
    page = render_page(html(TRICKY, "2025-03-01"), scripts=[
        "document.scripts.length",
        "document.querySelector('h1').textContent",
        "document.querySelector('#entry-script-title h3').textContent",
        "document.querySelectorAll('img, b, i').length",
    ])
    assert page.console_errors == []
    assert "injected" not in " ".join(page.console)
    assert page.values == [
        1,
        "Tricky <b>file</b>, with; commas & </script><script>alert(1)</script>",
        "<script>console.error('injected')</script> Zölle, Gespräche; 关税 ✓",
        0,
    ]


@pytest.mark.slow
def test_filters_by_tag_and_actor_in_chromium() -> None:
    choose = (
        "(function (tag, actor) {"
        " var t = document.getElementById('filter-tag'), a = document.getElementById('filter-actor');"
        " t.value = tag; a.value = actor; t.dispatchEvent(new Event('change'));"
        " return [Array.from(document.querySelectorAll('li.entry:not([hidden])')).map(e => e.id),"
        "  Array.from(document.querySelectorAll('section.month:not([hidden]) h2')).map(h => h.textContent),"
        "  document.getElementById('filter-count').textContent]; })"
    )
    page = render_page(html(EXAMPLE, "2025-09-01"), scripts=[
        f"{choose}('chips', '')", f"{choose}('', 'CN')", f"{choose}('tariffs', 'US')",
        f"{choose}('', '')",
    ])
    assert page.console_errors == []
    chips, china, tariffs_us, everything = page.values
    assert chips[0] == ["entry-chip-rule-review"]
    assert "today" not in " ".join(chips[1]) and chips[2] == "1 of 10 entries"
    assert "entry-rare-earth-licences" in china[0] and "entry-chip-rule-review" not in china[0]
    assert tariffs_us[0] == ["entry-geneva-truce", "entry-london-talks",
                             "entry-tariff-snapback-notice", "entry-truce-expiry"]
    assert everything[2] == "10 of 10 entries"


@pytest.mark.slow
@pytest.mark.parametrize(("scheme", "media"), [("dark", None), ("light", "print")])
def test_dark_and_print(tmp_path: Path, scheme: str, media: str | None) -> None:
    shot = tmp_path / "page.png"
    page = render_page(html(EXAMPLE, "2025-09-01"), screenshot=shot, color_scheme=scheme,
                       media=media, scripts=["getComputedStyle(document.body).backgroundColor",
                                             "getComputedStyle(document.getElementById('filters')).display"])
    assert page.console_errors == []
    background, filters = page.values
    if scheme == "dark":
        assert background == "rgb(19, 21, 25)"
    else:
        assert background == "rgb(255, 255, 255)" and filters == "none"
    assert_png_not_blank(shot)


def assert_png_not_blank(path: Path) -> None:
    """A real picture: a PNG of sensible size whose compressed data is not one flat colour."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 600 and height >= 400
    assert len(data) > 20_000, f"{path} is {len(data)} bytes: nearly blank?"


def test_entries_carry_their_tags_and_actors_as_json() -> None:
    page = html(TRICKY, "2025-03-01")
    match = re.search(r'id="entry-script-title" data-tags="([^"]*)" data-actors="([^"]*)"', page)
    assert match
    from html import unescape

    assert json.loads(unescape(match.group(1))) == ["a b", "<i>x</i>"]
    assert json.loads(unescape(match.group(2))) == ["EU", "O'Brien & Co"]
