"""`export markdown` and `export json`: golden files, and file text that stays text.

The Markdown is rendered with markdown-it-py (CommonMark with GitHub's tables and
strikethrough; it comes with rich) to check that no file text turns into markup.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import BUNDLED, EXAMPLE, Run, loaded
from policy_timeline.exporters import json as json_export
from policy_timeline.exporters import markdown
from policy_timeline.report import dumps, show_document

BUNDLED_AS_OF = date(2025, 7, 28)
EXAMPLE_AS_OF = date(2025, 9, 20)
FILES = [("bundled", BUNDLED, BUNDLED_AS_OF), ("truce-extended", EXAMPLE, EXAMPLE_AS_OF)]

HOSTILE = """\
title: "Evil <script>x</script> *title* ##"
timezone: UTC
events:
  - id: evil-one
    title: "<img src=x onerror=alert(1)> | pipe | *bold* _it_ `code` [link](javascript:x) ~~s~~ $x$ &amp; \\\\"
    date: 2025-06-01
    kind: "<b>kind</b>"
    actors: ["A|B", "*C*"]
    tags: ["_t_"]
    summary: "line one\\n\\n# heading\\n- list\\n| a | b |\\n<div>block</div>"
    sources: ["javascript:alert(1)", "https://example.org/a_(b)<c>"]
  - id: deadline
    title: "Deadline | with pipe"
    date: 2025-06-05
    kind: deadline
    consequence: "<b>bad</b> | worse"
"""


def rendered(text: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


# ------------------------------------------------------------------------ golden files


@pytest.mark.parametrize(("name", "path", "day"), FILES)
def test_markdown_golden_through_the_cli(
    run: Callable[..., Run], golden: Callable[[str, str], None], name: str, path: Path,
    day: date,
) -> None:
    result = run("-f", str(path), "--as-of", day.isoformat(), "export", "markdown")
    assert result.code == 0, result.err
    golden(f"export/md-{name}.md", result.out)
    assert result.out == markdown.export(*loaded(path, day))


@pytest.mark.parametrize(("name", "path", "day"), FILES)
def test_json_golden_through_the_cli(
    run: Callable[..., Run], golden: Callable[[str, str], None], name: str, path: Path,
    day: date,
) -> None:
    result = run("-f", str(path), "--as-of", day.isoformat(), "export", "json")
    assert result.code == 0, result.err
    golden(f"export/json-{name}.json", result.out)


@pytest.mark.parametrize(("name", "path", "day"), FILES)
def test_json_is_the_show_document(name: str, path: Path, day: date) -> None:
    timeline, as_of, entries = loaded(path, day)
    text = json_export.export(timeline, as_of, entries)
    assert text == dumps(show_document(timeline, as_of, entries))
    document = json.loads(text)
    assert document["as_of"] == day.isoformat()
    assert [e["id"] for e in document["entries"]] == [item.entry.id for item in entries]


def test_json_export_equals_show_format_json(run: Callable[..., Run]) -> None:
    args = ("-f", str(EXAMPLE), "--as-of", EXAMPLE_AS_OF.isoformat())
    shown = run(*args, "show", "--format", "json")
    exported = run(*args, "export", "json")
    assert shown.code == exported.code == 0
    assert exported.out == shown.out


def test_json_export_respects_filters(run: Callable[..., Run]) -> None:
    args = ("-f", str(EXAMPLE), "--as-of", EXAMPLE_AS_OF.isoformat())
    exported = run(*args, "export", "json", "--deadlines")
    shown = run(*args, "show", "--format", "json", "--deadlines")
    assert exported.code == shown.code == 0
    assert exported.out == shown.out
    ids = [entry["id"] for entry in json.loads(exported.out)["entries"]]
    assert {"chip-rule-review", "rare-earth-licences", "truce-expiry"} <= set(ids)
    assert "geneva-truce" not in ids


# ------------------------------------------------------------------------- structure


def test_markdown_renders_a_deadline_table_and_month_sections() -> None:
    page = rendered(markdown.export(*loaded(EXAMPLE, EXAMPLE_AS_OF)))
    assert "<h1>US–China truce, with extensions</h1>" in page
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings == ["Deadlines", "May 2025", "June 2025", "H2 2025", "August 2025",
                        "September 2025", "Q4 2025", "November 2025"]
    assert "<td>Nov 10, 2025</td>\n<td>90-day tariff freeze expires</td>\n<td>in 51 days</td>" \
        in page
    assert "<strong>~Jun 2025</strong>" in page  # an escaped tilde: no strikethrough


def test_today_marker_sits_between_past_and_future() -> None:
    lines = markdown.export(*loaded(EXAMPLE, EXAMPLE_AS_OF)).splitlines()
    today = lines.index("- 📍 **Today: Sep 20, 2025**")
    assert lines[today - 2] == "## September 2025"
    assert lines[today + 1].startswith("- **Sep 30, 2025** · **⏳ Review of AI chip export rules**")


def test_today_marker_gets_its_own_section_after_every_entry() -> None:
    text = markdown.export(*loaded(EXAMPLE, date(2027, 1, 5)))
    assert text.endswith("## January 2027\n\n- 📍 **Today: Jan 5, 2027**\n")


def test_history_and_disputed_claims() -> None:
    later = markdown.export(*loaded(EXAMPLE, EXAMPLE_AS_OF))
    assert "  - First dated Aug 10, 2025" in later
    assert ("  - Changed Aug 11, 2025: moved to Nov 10, 2025 — Extended 90 days by executive "
            "order ([Executive order extending the tariff suspension for China (The White "
            "House)](<https://example.org/eo-2025-08-11>))") in later
    earlier = markdown.export(*loaded(EXAMPLE, date(2025, 8, 5)))
    assert ("  - Disputed: also dated Aug 12, 2025 ([https&#58;//example.org/other-report]"
            "(<https://example.org/other-report>))") in earlier


@pytest.mark.parametrize(
    ("written", "escaped"),
    [
        ("a | b", "a \\| b"),
        ("*x* _y_ `z`", "\\*x\\* \\_y\\_ \\`z\\`"),
        ("<b>&amp;</b>", "&lt;b&gt;&amp;amp;&lt;/b&gt;"),
        ("[l](u) ~~s~~ $m$ #1 \\", "\\[l\\](u) \\~\\~s\\~\\~ \\$m\\$ \\#1 \\\\"),
        ("two\nlines\r\n\there", "two lines here"),
    ],
)
def test_escape(written: str, escaped: str) -> None:
    assert markdown.escape(written) == escaped


def test_file_text_never_becomes_markup(write: Callable[[str, str], Path]) -> None:
    timeline, as_of, entries = loaded(write(HOSTILE, "hostile.yaml"), date(2025, 6, 25))
    text = markdown.export(timeline, as_of, entries)
    page = rendered(text)
    tags = set(re.findall(r"<([a-z0-9]+)", page))
    # only what the exporter itself makes: no img, script, div, code, em, del, h-anything else
    assert tags <= {"h1", "h2", "p", "ul", "li", "strong", "em", "a", "table", "thead", "tbody",
                    "tr", "th", "td"}
    assert re.findall(r"<em>(.*?)</em>", page) == []  # confidence is confirmed here
    links = re.findall(r'<a href="([^"]*)"', page)
    assert links == ["https://example.org/a_(b)%3Cc%3E"]
    assert "<h1>Evil &lt;script&gt;x&lt;/script&gt; *title* ##</h1>" in page
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))
    for item in entries:
        assert item.entry.title.replace("\\\\", "\\") in shown, item.entry.id
    # a table row keeps its three cells despite the pipes in the title
    assert "<td>Deadline | with pipe</td>" in page
