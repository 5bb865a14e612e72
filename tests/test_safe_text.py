"""Issue 11/12: one module makes file text safe for every output; bidi overrides and
zero-width characters never reach a page, chart, calendar or diagram; titles never turn
into links on GitHub; a summary keeps its Markdown but never raw HTML or unsafe links."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import Run
from policy_timeline import safe_text

HIDDEN = ["\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200c", "\u200d", "\u2060",
          "\u200e", "\u200f", "\u061c", "\u00ad", "\U000e0041"]

BIDI_FILE = """\
title: "Story \u202eevil\u202c"
timezone: UTC
sources:
  s:
    title: "Source \u200bzero"
    url: https://example.org/\u202e
events:
  - id: d
    title: "Pay \u202e$1000\u202c now\u200b\u2066x\u2069"
    kind: deadline
    date: 2025-08-10
    warn: [7d]
    tags: ["t\u200dag"]
    actors: ["A\u2060B"]
    summary: "Sum\u202emary \u200f"
    consequence: "C\u00adon"
    sources: [s, "https://example.org/a\u200b"]
"""


@pytest.mark.parametrize("name", ["html", "markdown", "svg", "ics", "mermaid", "timelinejs",
                                  "json"])
def test_bidi_and_zero_width_characters_do_not_reach_any_export(
    write: Callable[..., Path], run: Callable[..., Run], name: str
) -> None:
    path = write(BIDI_FILE)
    result = run("-f", str(path), "--as-of", "2025-08-05", "export", name)
    assert result.code == 0, result.err
    text = result.out if name != "json" else json.dumps(json.loads(result.out),
                                                         ensure_ascii=False)
    if name == "json":  # JSON is data for scripts: it keeps the text exactly
        assert "\u202e" in text
        return
    if name == "mermaid":  # the mermaid escapes use U+2060 themselves: its own, not the file's
        text = text.replace("\u2060", "")
    found = [hex(ord(ch)) for ch in HIDDEN if ch in text]
    assert found == [], found
    assert "Pay \ufffd$1000\ufffd now" in text.replace("&#36;", "$").replace("\\$", "$")


def test_clean_shows_hidden_characters_and_keeps_line_breaks() -> None:
    assert safe_text.clean("a\u202eb\u2028c\r\nd\ufeff") == "a\ufffdb\nc\nd"
    assert safe_text.one_line(" a \n\n b\u2029c ") == "a b c"


@pytest.mark.parametrize(("reference", "url", "safe"), [
    ("https://example.org/a", True, "https://example.org/a"),
    ("HTTP://EXAMPLE.ORG", True, "HTTP://EXAMPLE.ORG"),
    ("mailto:someone@example.org", True, "mailto:someone@example.org"),
    ("ftp://example.org/file", True, None),
    ("javascript:alert(1)", False, None),
    ("javascript://%0aalert(1)", True, None),
    ("ibn-rare-earths", False, None),
    ("see https://example.org", False, None),
    ("https://example.org/x?q=\"<b>\"", True, "https://example.org/x?q=%22%3Cb%3E%22"),
    ("https://exa mple.org", True, None),
    ("https://example.org/\u202e", True, None),
    ("  https://example.org/  ", True, "https://example.org/"),
])
def test_one_test_for_is_this_a_url(reference: str, url: bool, safe: str | None) -> None:
    assert safe_text.is_url(reference) is url
    assert safe_text.safe_url(reference) == safe


def _autolinked(markdown: str) -> list[str]:
    """What GitHub's autolink extension would match in the text outside links and code:
    a scheme with ://, www. and user@host, as it reads them (entities break them)."""
    found = []
    for pattern in (r"[a-zA-Z][a-zA-Z0-9+.-]*://\S", r"(?<![\w&#])www\.\w", r"[\w.+-]@\w"):
        stripped = re.sub(r"\]\(<[^>]*>\)", "]", markdown)  # link destinations are links
        found += re.findall(pattern, stripped)
    return found


@pytest.mark.parametrize("title", [
    "See https://example.org/a for more",
    "Visit www.example.org today",
    "Write to press@example.org",
    "mailto:press@example.org and xmpp:press@example.org",
    "HTTPS://EXAMPLE.ORG and WWW.EXAMPLE.ORG",
])
def test_markdown_titles_never_autolink(title: str) -> None:
    escaped = safe_text.markdown_text(title)
    assert _autolinked(escaped) == []
    rendered = MarkdownIt("commonmark").render(escaped)
    assert "<a " not in rendered
    # the text reads the same once rendered
    import html
    assert html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip() == title


def test_markdown_export_titles_never_autolink(write: Callable[..., Path],
                                               run: Callable[..., Run]) -> None:
    path = write("""\
title: Watch www.example.org
events:
  - id: a
    title: See https://example.org and press@example.org
    date: 2025-08-10
    kind: deadline
    consequence: mail admin@example.org
""")
    text = run("-f", str(path), "--as-of", "2025-08-01", "export", "markdown").out
    assert _autolinked(text) == []


@pytest.mark.parametrize(("summary", "shown"), [
    ("**bold** and *em* and `code`", "<strong>bold</strong> and <em>em</em> and <code>code</code>"),
    ("[a link](https://example.org/a)", '<a href="https://example.org/a">a link</a>'),
    ("[bad](javascript:alert(1))", "[bad](javascript:alert(1))"),
    ("![pixel](https://example.org/p.png)", '!<a href="https://example.org/p.png">pixel</a>'),
    ("<img src=x onerror=alert(1)> <b>b</b>", "&lt;img src=x onerror=alert(1)&gt; &lt;b&gt;b&lt;/b&gt;"),
    ("# not a heading", "# not a heading"),
    ("- not a list", "- not a list"),
    ("1. not a list", "1. not a list"),
    ("[x]: https://example.org/ref", "[x]: https://example.org/ref"),
])
def test_a_markdown_summary_keeps_links_and_emphasis_not_html(summary: str, shown: str) -> None:
    line = f"  - {safe_text.markdown_summary(summary)}"
    rendered = MarkdownIt("commonmark").render(f"- entry\n{line}\n")
    assert shown in rendered
    assert "<img" not in rendered and "<b>" not in rendered and "javascript:" not in (
        re.findall(r'href="([^"]*)"', rendered) or [""])[0]
    assert "<h1>" not in rendered and rendered.count("<li>") == 2


def test_the_markdown_export_keeps_summary_links(write: Callable[..., Path],
                                                 run: Callable[..., Run]) -> None:
    path = write("""\
events:
  - id: a
    title: A
    date: 2025-08-10
    summary: "See [the order](https://example.org/eo) and **why** <script>x</script>"
""")
    text = run("-f", str(path), "--as-of", "2025-08-01", "export", "markdown").out
    assert "See [the order](<https://example.org/eo>) and **why** &lt;script&gt;x&lt;/script&gt;" in text


def test_the_ics_url_line_never_carries_raw_quotes_or_brackets(
    write: Callable[..., Path], run: Callable[..., Run]
) -> None:
    path = write("""\
events:
  - id: a
    title: A
    date: 2025-08-10
    sources: ['https://example.org/x?q="<b>"']
""")
    ics = run("-f", str(path), "--as-of", "2025-08-01", "export", "ics").out
    url = next(line for line in ics.splitlines() if line.startswith("URL"))
    assert url == "URL:https://example.org/x?q=%22%3Cb%3E%22"


def test_html_summary_links_only_to_safe_urls() -> None:
    from policy_timeline.exporters.html import markdown

    rendered = markdown('[a](https://example.org/?q="x") [b](javascript:alert(1)) '
                        "[c](mailto:a@example.org)")
    assert '<a href="https://example.org/?q=%22x%22" rel="noopener noreferrer">a</a>' in rendered
    assert "[b](javascript:alert(1))" in rendered and 'href="javascript' not in rendered
    assert '<a href="mailto:a@example.org"' in rendered
