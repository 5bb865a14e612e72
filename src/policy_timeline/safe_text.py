"""Text from a file made safe for each output: one place, so the outputs cannot drift.

Every output starts from :func:`clean`: control characters (C0, C1), bidirectional
overrides and isolates (U+202A–U+202E, U+2066–U+2069, the marks U+200E, U+200F, U+061C)
and zero-width and other invisible format characters (U+200B–U+200D, U+2060–U+2064,
U+180E, U+00AD, tags) are shown as U+FFFD, so that no title can reorder what a reader sees
around it, hide text, or drive a terminal. A byte-order mark inside text means nothing and
goes; line separators (U+2028, U+2029) are line breaks.

Then each output escapes its own syntax: :func:`html` and :func:`xml` (entities),
:func:`markdown_text` (punctuation, raw HTML and GitHub's autolinks), :func:`markdown_summary`
(a summary is Markdown: its links and emphasis stay, raw HTML does not). Links are made only
from :func:`safe_url` (http, https, mailto), percent-encoded so that a link can carry no
quote or angle bracket. The terminal has its own rule (``cli.terminal_safe``).
"""

from __future__ import annotations

import re

__all__ = [
    "clean",
    "html",
    "is_url",
    "markdown_summary",
    "markdown_text",
    "one_line",
    "safe_url",
    "xml",
]

# C0/C1 controls but tab and newline, non-characters, and the invisible format characters
# that reorder or hide text (bidi controls, zero-width characters, tags).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff"
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"
)
_LINES = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\ufeff": None})
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """File text with what a reader cannot see, or that would act, shown as U+FFFD."""
    if text.isprintable():  # nearly always; no control, format or separator character
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_LINES)
    return _UNSAFE.sub("\ufffd", text)


def one_line(text: str) -> str:
    """:func:`clean`, on one line: every run of white space one space."""
    return _SPACE.sub(" ", clean(text)).strip()


def html(text: str) -> str:
    """File text as HTML text or attribute value."""
    from html import escape  # only exports need it: not imported by every command

    return escape(clean(text), quote=True)


def xml(text: str) -> str:
    """File text as XML character data or attribute value (SVG)."""
    return html(text).replace("&#x27;", "&apos;")


# ------------------------------------------------------------------------------ URLs

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:", re.ASCII)
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
# What a URI may not hold as it is (RFC 3986): percent-encoded, never passed on raw.
_URI_UNSAFE = {ord(c): f"%{ord(c):02X}" for c in ' "<>\\^`{|}'}


def is_url(reference: str) -> bool:
    """Whether a reference is a URL (``scheme://…`` or ``mailto:…``), not a source id.

    The one test for "is this a URL": `check` uses it to tell bare URLs from source ids,
    the outputs (through :func:`safe_url`) to decide what may become a link.
    """
    text = reference.strip()
    scheme = _SCHEME.match(text)
    if scheme is None:
        return False
    rest = text[scheme.end():]
    return rest.startswith("//") or scheme.group(0).lower() == "mailto:"


def safe_url(reference: str) -> str | None:
    """A link a reader may follow (http, https, mailto), percent-encoded; None otherwise.

    None for other schemes (``javascript:``), and for text with control, invisible or
    space characters inside (it is not one URL).
    """
    text = reference.strip()
    if not is_url(text) or not text.lower().startswith(_SAFE_SCHEMES):
        return None
    if not text.isprintable() or " " in text:  # controls, invisible characters, spaces
        return None
    return text.translate(_URI_UNSAFE)


# -------------------------------------------------------------------------- Markdown

# Characters that can start or end inline Markdown (emphasis, code, links, table cells,
# closing heading marks, strikethrough, math); a backslash before ASCII punctuation always
# means "this character".
_MARKUP = re.compile(r"([\\`*_\[\]#|~$])")
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# GitHub turns `https://…`, `www.…` and `user@host` into links by itself (autolinks); one
# character written as an entity breaks the pattern and still shows as that character.
_AUTOLINK_COLON = re.compile(r":(?=//)")
_AUTOLINK_WWW = re.compile(r"(?<![^\W_])(www)\.", re.IGNORECASE)


def _no_autolinks(markdown: str) -> str:
    markdown = _AUTOLINK_COLON.sub("&#58;", markdown)
    markdown = _AUTOLINK_WWW.sub(r"\1&#46;", markdown)
    return markdown.replace("@", "&#64;")


def markdown_text(text: str) -> str:
    """File text as Markdown that shows exactly that text, on one line: no emphasis, link,
    autolink, code, table cell, heading or raw HTML."""
    escaped = _MARKUP.sub(r"\\\1", one_line(text)).translate(_ENTITIES)
    return _no_autolinks(escaped)


_INLINE_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*([^()\s]+)\s*\)")
_BRACKETS = re.compile(r"([\[\]])")
_BLOCK_START = re.compile(r"(?:[#>+=-]|\*(?=\s)|\d+(?=[.)]))")


def markdown_summary(text: str) -> str:
    """A summary, which is Markdown, kept Markdown on one line: emphasis, code and links to
    safe URLs stay; raw HTML is shown as text, other brackets are escaped (no link to an
    unsafe URL, no image, no reference definition), and nothing starts a block."""
    flat = one_line(text).translate(_ENTITIES)
    parts: list[str] = []
    end = 0
    for link in _INLINE_LINK.finditer(flat):
        before = _BRACKETS.sub(r"\\\1", flat[end:link.start()])
        if before.endswith("!"):  # an image would load from anywhere: a link to it instead
            before = before[:-1] + "\\!"
        parts.append(before)
        url = safe_url(link.group(2).replace("&amp;", "&"))
        label = _BRACKETS.sub(r"\\\1", link.group(1))
        if url is None:
            parts.append(f"\\[{label}\\]({link.group(2)})")
        else:
            parts.append(f"[{label}](<{url}>)")
        end = link.end()
    parts.append(_BRACKETS.sub(r"\\\1", flat[end:]))
    markdown = "".join(parts)
    if _BLOCK_START.match(markdown):
        markdown = "\\" + markdown if not markdown[0].isdigit() else re.sub(
            r"^(\d+)([.)])", r"\1\\\2", markdown)
    return markdown
