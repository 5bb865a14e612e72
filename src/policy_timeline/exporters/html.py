"""One self-contained HTML page: the timeline by month, as of T.

No network: styles and the small filter script are inline, and a Content-Security-Policy
allows only those two (by hash), so even text that escaped escaping could not run or load
anything. Every text from the file is HTML-escaped; links are followed only for http(s)
and mailto URLs. Light and dark follow `prefers-color-scheme`; `@media print` gives a clean
printout with link targets written out.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from html import escape, unescape
from typing import TYPE_CHECKING

from .. import safe_text
from ..dates import Interval, Precision, get_zone
from ..presentation import Presentation, SourceLink, human, period, present
from . import clean_text, source_links

if TYPE_CHECKING:
    from ..schedule import AsOf, Effective
    from ..timeline import Timeline

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

STYLE = """
:root {
  color-scheme: light dark;
  --bg: #f7f7f5; --fg: #1d1f23; --muted: #5d636b; --card: #ffffff; --line: #d5d9de;
  --accent: #2457c5; --chip: #eef1f5;
  --overdue: #c62828; --today: #d84315; --upcoming: #b26a00; --open: #2457c5;
  --met: #2e7d32; --missed: #8e1b1b; --closed: #7a7f87; --event: #4a5568;
  --shadow: 0 1px 2px rgba(0,0,0,.08), 0 2px 8px rgba(0,0,0,.04);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #131519; --fg: #e7e9ec; --muted: #a0a7b1; --card: #1d2026; --line: #394049;
    --accent: #8ab4f8; --chip: #2a2f37;
    --overdue: #ff6b6b; --today: #ff8a50; --upcoming: #f2b544; --open: #8ab4f8;
    --met: #6cc070; --missed: #e06666; --closed: #8d939c; --event: #b4bcc8;
    --shadow: none;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header, main, footer { max-width: 56rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 2rem; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .3rem; overflow-wrap: anywhere; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.filters { display: flex; flex-wrap: wrap; gap: .6rem 1.2rem; align-items: center;
  padding: .6rem .8rem; background: var(--card); border: 1px solid var(--line);
  border-radius: .5rem; margin-bottom: 1rem; }
.filters label { color: var(--muted); font-size: .9rem; }
.filters select { margin-left: .35rem; font: inherit; color: var(--fg); background: var(--bg);
  border: 1px solid var(--line); border-radius: .3rem; padding: .1rem .3rem; max-width: 14rem; }
.filters output { margin-left: auto; color: var(--muted); font-size: .9rem; }
.legend { display: flex; flex-wrap: wrap; gap: .3rem 1rem; font-size: .85rem;
  color: var(--muted); margin: 0 0 1.5rem; padding: 0; list-style: none; }
.legend li::before { content: ""; display: inline-block; width: .7rem; height: .7rem;
  margin-right: .35rem; vertical-align: -1px; background: var(--c); }
.legend li.diamond::before { transform: rotate(45deg) scale(.85); }
.legend li.dot::before { border-radius: 50%; }
section.month { margin: 0 0 1.2rem; }
section.month > h2 { font-size: 1.05rem; margin: 0 0 .6rem; color: var(--muted);
  text-transform: uppercase; letter-spacing: .06em; }
ol.entries { list-style: none; margin: 0 0 0 8.2rem; padding: 0 0 0 1.4rem;
  border-left: 2px solid var(--line); }
li.entry { position: relative; margin: 0 0 .9rem; }
li.entry::before { content: ""; position: absolute; left: calc(-1.4rem - 7px); top: .85rem;
  width: 12px; height: 12px; border-radius: 50%; background: var(--c, var(--event));
  border: 2px solid var(--bg); }
li.entry.deadline::before { border-radius: 1px; transform: rotate(45deg); }
li.entry.span::before { border-radius: 3px; height: 18px; top: .7rem; }
.when { position: absolute; left: calc(-9.6rem - 2px); width: 7.6rem; top: .55rem;
  text-align: right; font-size: .85rem; color: var(--muted); font-variant-numeric: tabular-nums; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: .5rem;
  padding: .55rem .85rem .65rem; box-shadow: var(--shadow);
  border-left: 4px solid var(--c, var(--line)); }
.card h3 { font-size: 1.05rem; margin: 0; line-height: 1.35; overflow-wrap: anywhere; }
.card p, .card ul, .card ol { margin: .3rem 0 0; }
.badges { display: flex; flex-wrap: wrap; gap: .3rem; font-size: .78rem; }
.badge { padding: 0 .45rem; border-radius: 1rem; background: var(--chip); color: var(--muted); }
.badge.state { background: var(--c); color: #fff; font-weight: 600; }
@media (prefers-color-scheme: dark) { .badge.state { color: #111; } }
.countdown { font-weight: 600; color: var(--c); }
.consequence { font-size: .92rem; }
.summary { font-size: .95rem; }
.claims { font-size: .9rem; color: var(--upcoming); }
.history-title { font-size: .78rem; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); }
.card .history { font-size: .88rem; color: var(--muted); padding-left: 1.1rem; margin-top: 0; }
.history time { font-variant-numeric: tabular-nums; }
.facts, .sources { font-size: .85rem; color: var(--muted); }
.sources a { color: var(--accent); overflow-wrap: anywhere; }
.kind-deadline { --c: var(--open); }
.state-overdue { --c: var(--overdue); } .state-today { --c: var(--today); }
.state-upcoming { --c: var(--upcoming); } .state-open { --c: var(--open); }
.state-met { --c: var(--met); } .state-missed { --c: var(--missed); }
.state-cancelled, .state-superseded { --c: var(--closed); }
.state-event { --c: var(--event); }
.state-cancelled h3, .state-superseded h3 { text-decoration: line-through; }
li.today { position: relative; margin: .4rem 0 1.1rem calc(-1.4rem - 2px); height: 0;
  border-top: 2px dashed var(--today); }
li.today span { position: absolute; top: -.75rem; left: 1.2rem; background: var(--bg);
  color: var(--today); font-weight: 700; font-size: .85rem; padding: 0 .4rem;
  text-transform: uppercase; letter-spacing: .05em; }
footer { color: var(--muted); font-size: .8rem; padding-bottom: 2rem; }
@media (max-width: 40rem) {
  ol.entries { margin-left: .4rem; }
  .when { position: static; text-align: left; width: auto; }
}
@media print {
  :root { --bg: #fff; --fg: #000; --card: #fff; --muted: #333; --line: #999; --shadow: none; }
  body { font-size: 11pt; }
  .filters { display: none !important; }
  li.entry, .card { break-inside: avoid; }
  li.entry[hidden], section.month[hidden] { display: block !important; }
  .sources a::after { content: " <" attr(href) ">"; color: #333; }
}
"""

SCRIPT = """
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var tag = document.getElementById("filter-tag");
  var actor = document.getElementById("filter-actor");
  var count = document.getElementById("filter-count");
  var entries = Array.prototype.slice.call(document.querySelectorAll("li.entry"));
  function has(list, value) { return value === "" || list.indexOf(value) !== -1; }
  function apply() {
    var shown = 0;
    entries.forEach(function (item) {
      var ok = has(JSON.parse(item.getAttribute("data-tags")), tag.value) &&
               has(JSON.parse(item.getAttribute("data-actors")), actor.value);
      item.hidden = !ok;
      if (ok) { shown += 1; }
    });
    document.querySelectorAll("section.month").forEach(function (section) {
      section.hidden = !section.querySelector("li.entry:not([hidden]), li.today");
    });
    count.textContent = shown + " of " + entries.length + " entries";
  }
  tag.addEventListener("change", apply);
  actor.addEventListener("change", apply);
  form.hidden = false;
  apply();
})();
"""

_LINK = re.compile(r"\[([^\]\n]+)\]\(([^\s()]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
_CODE = re.compile(r"`([^`\n]+)`")


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def document_head(title: str, style: str, script: str, links: Sequence[str] = ()) -> list[str]:
    """A page's opening up to `<body>`: its style and script inline, allowed by their
    hashes and nothing else (no request leaves the page). `title` is HTML already."""
    policy = (f"default-src 'none'; style-src '{_hash(style)}'; script-src '{_hash(script)}'; "
              "img-src data:; base-uri 'none'; form-action 'none'")
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
        '<meta name="color-scheme" content="light dark">',
        '<meta name="generator" content="policy-timeline">',
        *links,
        f"<title>{title}</title>",
        f"<style>{style}</style>",
        "</head>",
        "<body>",
    ]


def text(value: str) -> str:
    """File text as HTML text: control characters replaced, markup escaped."""
    return safe_text.html(value)


def markdown(value: str) -> str:
    """A summary's Markdown, the small safe part: paragraphs, **bold**, *em*, `code`, links."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", clean_text(value)) if p.strip()]
    rendered = []
    for paragraph in paragraphs:
        html = escape(paragraph, quote=True)
        html = _CODE.sub(r"<code>\1</code>", html)
        html = _LINK.sub(_link, html)
        html = _BOLD.sub(r"<strong>\1</strong>", html)
        html = _EMPHASIS.sub(r"<em>\1</em>", html)
        rendered.append(f"<p>{html}</p>")
    return "".join(rendered)


def _link(found: re.Match[str]) -> str:
    """A Markdown link of an escaped summary: an `<a>` only to a safe URL, else as written."""
    url = safe_text.safe_url(unescape(found.group(2)))
    if url is None:
        return found.group(0)
    return f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{found.group(1)}</a>'


def _day(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def group_of(interval: Interval) -> tuple[str, str]:
    """(key, heading): the month of the date, or the whole unit for coarser dates."""
    return period(interval)


def export(
    timeline: Timeline, as_of: AsOf, entries: Sequence[Effective], preface: str = ""
) -> str:
    """The page; `preface` is HTML (already safe) put at the top of `<main>`, before the
    timeline: a site's story page says there which story it is and what is due."""
    title = text(timeline.title)
    today_start = datetime.combine(as_of.day, datetime.min.time(), get_zone(timeline.timezone))
    rows: list[tuple[tuple[str, str], str]] = []
    today_row = (
        (f"{as_of.day:%Y-%m}", f"{MONTHS[as_of.day.month - 1]} {as_of.day.year}"),
        f'<li class="today" id="today"><span>Today · <time datetime="{as_of.day.isoformat()}">'
        f"{_day(as_of.day)}</time></span></li>",
    )
    placed = False
    for item in entries:
        if not placed and item.date.start > today_start:
            rows.append(today_row)
            placed = True
        shown = present(timeline, item, as_of)
        rows.append(((shown.period_key, shown.period), _entry(timeline, shown)))
    if not placed:
        rows.append(today_row)

    sections: list[str] = []
    current: tuple[str, str] | None = None
    for group, row in rows:
        if group != current:
            if current is not None:
                sections.append("</ol></section>")
            key, heading = group
            sections.append(f'<section class="month" data-month="{escape(key)}">'
                            f"<h2>{escape(heading)}</h2><ol class=\"entries\">")
            current = group
        sections.append(row)
    if current is not None:
        sections.append("</ol></section>")

    tags = sorted({tag for item in entries for tag in item.entry.tags}, key=str.casefold)
    actors = sorted({actor for item in entries for actor in item.entry.actors}, key=str.casefold)
    open_deadlines = sum(1 for item in entries if item.entry.is_deadline and item.status == "open")
    count = len(entries)
    parts = [
        *document_head(title, STYLE, SCRIPT),
        "<header>",
        f"<h1>{title}</h1>",
        f'<p class="meta">As of <time datetime="{as_of.day.isoformat()}">{_day(as_of.day)}'
        f"</time> · {count} entr{'y' if count == 1 else 'ies'} · {open_deadlines} open "
        f"deadline{'' if open_deadlines == 1 else 's'}</p>",
        '<form class="filters" id="filters" hidden>',
        _select("filter-tag", "Tag", tags),
        _select("filter-actor", "Actor", actors),
        '<output id="filter-count"></output>',
        "</form>",
        '<ul class="legend">',
        '<li class="dot state-event">event</li>',
        '<li class="diamond state-overdue">overdue</li>',
        '<li class="diamond state-today">due today</li>',
        '<li class="diamond state-upcoming">within a lead time</li>',
        '<li class="diamond state-open">open</li>',
        '<li class="diamond state-met">met</li>',
        '<li class="diamond state-missed">missed</li>',
        '<li class="diamond state-cancelled">cancelled / superseded</li>',
        "</ul>",
        "</header>",
        "<main>",
        *([preface] if preface else []),
        *sections,
        "</main>",
        f"<footer><p>Exported by policy-timeline as of {_day(as_of.day)}. Dates are the "
        "latest known at that day; partial dates are placed on their earliest day.</p></footer>",
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _select(ident: str, label: str, values: list[str]) -> str:
    options = "".join(f'<option value="{text(v)}">{text(v)}</option>' for v in values)
    return (f'<label>{label}<select id="{ident}"><option value="">all</option>{options}'
            "</select></label>")


def _entry(timeline: Timeline, shown: Presentation) -> str:
    item = shown.item
    entry = item.entry
    where = shown.standing
    classes = ["entry", f"state-{where.state}"]
    if entry.is_deadline or entry.reminded:
        classes.append("deadline")
    if item.date.span:
        classes.append("span")
    tags_json = escape(json.dumps([clean_text(t) for t in entry.tags], ensure_ascii=False))
    actors_json = escape(json.dumps([clean_text(a) for a in entry.actors], ensure_ascii=False))
    when = shown.when
    # ids repeat across stories: the anchor is `story-id` when several are loaded
    anchor = f"{entry.story}-{entry.id}" if len(timeline.files) > 1 else entry.id
    out = [
        f'<li class="{" ".join(classes)}" id="entry-{escape(anchor)}" '
        f'data-tags="{tags_json}" data-actors="{actors_json}">',
        f'<div class="when"><time datetime="{item.date.first_day.isoformat()}">{text(when)}'
        "</time></div>",
        '<article class="card">',
        f"<h3>{text(entry.title)}</h3>",
    ]
    badges = [f'<span class="badge">{text(entry.kind)}</span>']
    if len(timeline.files) > 1:  # which story, when several
        badges.insert(0, f'<span class="badge story">{text(entry.story)}</span>')
    if where.state not in ("event", "open"):
        label = {"upcoming": "soon", "today": "due today"}.get(where.state, where.state)
        badges.append(f'<span class="badge state">{escape(label)}</span>')
    if entry.confidence != "confirmed":
        badges.append(f'<span class="badge">{text(entry.confidence)}</span>')
    if item.date.precision < Precision.DAY or item.date.approximate or item.date.uncertain:
        badges.append(f'<span class="badge">date: {text(item.date.text)}</span>')
    out.append(f'<p class="badges">{" ".join(badges)}</p>')
    if shown.due is not None:
        line = f"Due {shown.due} — {where.countdown}"
        if where.window:
            line += f" (within the {escape(where.window)} lead time)"
        out.append(f'<p class="countdown">{line}</p>')
    elif item.status != "open" and item.note:
        out.append(f'<p class="countdown">{text(item.status.capitalize())}: {text(item.note)}</p>')
    if entry.consequence:
        out.append(f'<p class="consequence"><strong>If missed:</strong> '
                   f"{text(entry.consequence)}</p>")
    if entry.summary:
        out.append(f'<div class="summary">{markdown(entry.summary)}</div>')
    if shown.disputed:
        readings = "; ".join(
            text(reading.label) + _links_inline(timeline, reading.claim.sources, entry.story)
            for reading in shown.disputed
        )
        out.append(f'<p class="claims"><strong>Disputed:</strong> other sources give '
                   f"{readings}</p>")
    if shown.history:
        out.append('<p class="history-title">History</p><ul class="history">')
        for move in shown.history:
            change = move.change
            what: list[str] = []
            if move.after is not None:
                what.append(f"moved from {text(human(move.before))} to "
                            f"<strong>{text(human(move.after))}</strong>")
            if change.status is not None:
                what.append(f"marked <strong>{text(change.status)}</strong>")
            line = (f'<li><time datetime="{change.announced.first_day.isoformat()}">'
                    f"{text(move.announced)}</time>: "
                    f"{', '.join(what) or 'noted'}")
            if change.note:
                line += f" — {text(change.note)}"
            out.append(line + _links_inline(timeline, change.sources, entry.story) + "</li>")
        out.append("</ul>")
    facts = []
    if entry.actors:
        facts.append("Actors: " + ", ".join(text(actor) for actor in entry.actors))
    if entry.tags:
        facts.append("Tags: " + ", ".join(text(tag) for tag in entry.tags))
    if facts:
        out.append(f'<p class="facts">{" · ".join(facts)}</p>')
    if shown.sources:
        out.append(f'<p class="sources">Sources: {_format_links(shown.sources)}</p>')
    out.append("</article></li>")
    return "\n".join(out)


def _links(timeline: Timeline, references: Sequence[str], story: str) -> str:
    return _format_links(source_links(timeline, references, story=story))


def _format_links(links: Sequence[SourceLink]) -> str:
    rendered = []
    for link in links:
        if link.url:
            rendered.append(f'<a href="{escape(link.url, quote=True)}" '
                            f'rel="noopener noreferrer">{escape(link.label)}</a>')
        else:
            rendered.append(escape(link.label))
    return ", ".join(rendered)


def _links_inline(timeline: Timeline, references: Sequence[str], story: str) -> str:
    return f" ({_links(timeline, references, story)})" if references else ""
