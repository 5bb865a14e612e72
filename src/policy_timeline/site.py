"""The static site of a workspace (SPEC section 9): every file it holds, as bytes.

A pure function of (stories, T): no clock, no randomness, no I/O, and everything in a
fixed order, so the same workspace and T give the same bytes (`sitewriter` then leaves
files whose bytes did not change alone). The pages make no network request: styles and
scripts are inline and a Content-Security-Policy allows only those (by hash).

    index.html            the dashboard: each story's next deadline, overdue count and
                          latest news; what needs attention and the next 90 days across
                          stories, with search and filters that work offline
    stories/KEY.html      a page per story, opening with what is due
    stories/KEY.ics       a calendar per story; all.ics every story's events
    feed.xml              an Atom feed of the news
    timeline.json         every entry with its story, and the stories once
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from html import escape
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from .dates import Interval, format_human
from .exporters import clean_text, ics, standing
from .exporters import html as html_page
from .news import CLAIM, NEW, NewsItem, news
from .report import dumps, entry_json
from .schedule import (
    OVERDUE,
    AsOf,
    Effective,
    Reminder,
    countdown,
    known_entries,
    reminders,
    sorted_by_effective,
)
from .timeline import Timeline

#: The dashboard lists what falls within this many days from T.
HORIZON_DAYS = 90
#: A story's "latest news" is the latest announced within this many days before T.
NEWS_DAYS = 30
#: The feed holds at most this many items, the newest.
FEED_LIMIT = 50
#: How often subscribed calendars are asked to fetch again.
REFRESH = timedelta(hours=12)
#: The authority and date of the feed's `tag:` URIs (RFC 4151); fixed, so ids never change.
TAG = "tag:policy-timeline,2025:"
ALL_CALENDAR = "all.ics"


@dataclass(frozen=True, slots=True)
class Story:
    """One loaded story: its key, the path it was named by, and its own timeline."""

    key: str
    path: str
    timeline: Timeline

    @property
    def title(self) -> str:
        return self.timeline.files[0].title or self.key if self.timeline.files else self.key


def page_path(key: str) -> str:
    return f"stories/{key}.html"


def calendar_path(key: str) -> str:
    return f"stories/{key}.ics"


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the site says about one story at T, computed once for every page."""

    story: Story
    items: list[Effective]  # known at T, by effective date
    due: list[Reminder]  # overdue, today, within a lead time
    next_deadline: Effective | None
    latest_news: NewsItem | None
    news: tuple[NewsItem, ...]  # everything announced by T

    @property
    def overdue(self) -> int:
        return sum(1 for reminder in self.due if reminder.state == OVERDUE)


def _beginning() -> AsOf:
    """A moment before anything was announced: `news` since then is all the news."""
    return AsOf(date(1, 1, 1), datetime(1, 1, 2, tzinfo=UTC), "0001-01-02")


def _facts(story: Story, as_of: AsOf) -> _Facts:
    timeline = story.timeline
    items = sorted_by_effective(known_entries(timeline, as_of))
    upcoming = [
        item
        for item in items
        if item.entry.reminded and item.status == "open" and item.due_day >= as_of.day
    ]
    upcoming.sort(key=lambda item: (item.due_day, item.entry.id))
    found = news(timeline, _beginning(), as_of)
    # the site's key for the story, whatever `news` derived from the file name
    everything = tuple(item if item.story == story.key else replace(item, story=story.key)
                       for told in found.stories for item in told.items)
    recent_start = as_of.moment - timedelta(days=NEWS_DAYS)
    recent = [item for item in everything if item.announced.start > recent_start]
    return _Facts(
        story,
        items,
        reminders(timeline, as_of),
        upcoming[0] if upcoming else None,
        recent[-1] if recent else None,
        everything,
    )


def build(stories: Sequence[Story], as_of: AsOf) -> dict[str, bytes]:
    """Every file of the site by its path relative to the site's folder."""
    facts = [_facts(story, as_of) for story in stories]
    files: dict[str, str] = {
        "index.html": dashboard(facts, as_of),
        "feed.xml": feed(facts, as_of),
        "timeline.json": workspace_json(facts, as_of),
    }
    for fact in facts:
        key = fact.story.key
        files[page_path(key)] = story_page(fact, as_of)
        files[calendar_path(key)] = ics.export(
            fact.story.timeline, as_of, fact.items, ics.Subscription(fact.story.title, REFRESH)
        )
    # one story: all.ics is its calendar, byte for byte (half the time on a big story)
    files[ALL_CALENDAR] = (files[calendar_path(facts[0].story.key)] if len(facts) == 1
                           else all_calendar(facts, as_of))
    return {path: files[path].encode("utf-8") for path in sorted(files)}


# ------------------------------------------------------------------------ shared words


def _text(value: str) -> str:
    return escape(clean_text(value), quote=True)


def _day(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def _when(interval: Interval) -> str:
    try:
        return format_human(interval)
    except (ValueError, KeyError, OverflowError):  # a date words cannot name: as written
        return interval.text


def news_detail(item: NewsItem) -> str:
    """What the news did to the date, in words: `Aug 12, 2025 → Nov 10, 2025`."""
    if item.what == CLAIM and item.claimed is not None:
        return f"another reading: {_when(item.claimed)} (date: {_when(item.new_date)})"
    if item.what != NEW and item.old_date is not None:
        return f"{_when(item.old_date)} → {_when(item.new_date)}"
    return f"date: {_when(item.new_date)}"


def _due_line(reminder: Reminder) -> str:
    return f"Due {_day(reminder.due_day)} — {countdown(reminder.days_left)}"


# --------------------------------------------------------------------------- story page


def story_page(fact: _Facts, as_of: AsOf) -> str:
    """The story's page (the HTML export) opening with which story it is and what is due."""
    story = fact.story
    lines = [
        f'<nav class="meta" aria-label="Site"><a href="../index.html">← All stories</a>'
        f" · Story <code>{_text(story.key)}</code> ({_text(story.path)}) · "
        f'<a href="{escape(story.key)}.ics">Calendar to subscribe to</a> · '
        '<a href="../feed.xml">News feed</a></nav>',
        '<section class="due" aria-labelledby="due-heading">',
        f'<h2 id="due-heading">What is due as of {_day(as_of.day)}</h2>',
    ]
    if not fact.due:
        lines.append("<p>Nothing is overdue, due today or within a lead time.</p>")
    for reminder in fact.due:
        entry = reminder.entry
        state = reminder.state
        label = {"upcoming": "soon", "today": "due today"}.get(state, state)
        window = (f" (within the {escape(reminder.window.text)} lead time)"
                  if reminder.window else "")
        consequence = (f"<br><strong>If missed:</strong> {_text(entry.consequence)}"
                       if entry.consequence else "")
        lines.append(
            f'<p class="card state-{state}"><span class="badge state">{escape(label)}</span> '
            f'<a href="#entry-{escape(entry.id)}"><strong>{_text(entry.title)}</strong></a>'
            f'<br><span class="countdown">{_due_line(reminder)}{window}</span>{consequence}</p>'
        )
    lines.append("</section>")
    return html_page.export(story.timeline, as_of, fact.items, preface="\n".join(lines))


# ---------------------------------------------------------------------------- calendars


def all_calendar(facts: Sequence[_Facts], as_of: AsOf) -> str:
    """Every story's events in one calendar, with the UIDs of the stories' own calendars."""
    files = tuple(info for fact in facts for info in fact.story.timeline.files)
    entries = tuple(entry for fact in facts for entry in fact.story.timeline.entries)
    sources = {key: table for fact in facts for key, table in fact.story.timeline.sources.items()}
    workspace = Timeline(files, entries, sources)
    items = [item for fact in facts for item in fact.items]
    name = facts[0].story.title if len(facts) == 1 else "All stories"
    return ics.export(workspace, as_of, items, ics.Subscription(name, REFRESH))


# --------------------------------------------------------------------------------- JSON


def workspace_json(facts: Sequence[_Facts], as_of: AsOf) -> str:
    """The `show --format json` document of the workspace: each entry with its story."""
    return dumps({
        "as_of": as_of.text,
        "stories": [
            {"key": fact.story.key, "title": fact.story.timeline.files[0].title
             if fact.story.timeline.files else None, "path": fact.story.path}
            for fact in facts
        ],
        "entries": [
            {"story": fact.story.key, **entry_json(fact.story.timeline, item, as_of)}
            for fact in facts
            for item in fact.items
        ],
    })


# --------------------------------------------------------------------------------- feed


_NOT_IN_TAG = re.compile(r"[^A-Za-z0-9._~:+@-]+")


def _rfc3339(interval: Interval) -> str:
    return interval.start.isoformat(timespec="seconds")


def feed_ids(items: Sequence[NewsItem]) -> list[str]:
    """Stable ids: story key, entry id, what happened and when it was announced; a second
    item with all four the same (two claims the same day) gets `-2`, and so on."""
    ids: list[str] = []
    seen: dict[str, int] = {}
    for item in items:
        base = TAG + "/".join(
            _NOT_IN_TAG.sub("-", part)
            for part in (item.story, item.entry.id, item.what, item.announced.text)
        )
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def feed(facts: Sequence[_Facts], as_of: AsOf) -> str:
    """An Atom 1.0 feed (RFC 4287) of the news known at T, newest first."""
    titles = {fact.story.key: fact.story.title for fact in facts}
    everything = [item for fact in facts for item in fact.news]
    named = list(zip(feed_ids(everything), everything, strict=True))
    named.sort(key=lambda pair: (pair[1].announced.start, pair[1].story, pair[1].entry.id),
               reverse=True)
    shown = named[:FEED_LIMIT]
    updated = (_rfc3339(shown[0][1].announced) if shown
               else as_of.moment.isoformat(timespec="seconds"))
    keys = ",".join(sorted(titles))
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>{xml_escape(TAG + 'site/' + _NOT_IN_TAG.sub('-', keys))}</id>",
        "  <title>News of the policy stories</title>",
        f"  <subtitle>What was announced, story by story ({len(facts)} "
        f"stor{'y' if len(facts) == 1 else 'ies'})</subtitle>",
        f"  <updated>{updated}</updated>",
        "  <author><name>policy-timeline</name></author>",
        '  <link rel="self" href="feed.xml"/>',
        '  <link rel="alternate" type="text/html" href="index.html"/>',
        "  <generator>policy-timeline</generator>",
    ]
    for item_id, item in shown:
        entry = item.entry
        story_title = titles[item.story]
        detail = news_detail(item)
        title = f"{clean_text(entry.title)}: {item.what} ({detail})"
        content = [f"Story: {clean_text(story_title)} ({item.story})",
                   f"{item.what.capitalize()}: {clean_text(entry.title)} ({item.story}:{entry.id})",
                   detail[:1].upper() + detail[1:]]
        if item.note:
            content.append(f"Note: {clean_text(item.note)}")
        if item.status != "open":
            content.append(f"Status: {item.status}")
        link = f"{page_path(item.story)}#entry-{entry.id}"
        lines += [
            "  <entry>",
            f"    <id>{xml_escape(item_id)}</id>",
            f"    <title>{xml_escape(title)}</title>",
            f"    <updated>{_rfc3339(item.announced)}</updated>",
            f"    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(link)}/>",
            f"    <category term={quoteattr(item.story)} "
            f"label={quoteattr(clean_text(story_title))}/>",
            f"    <content type=\"text\">{xml_escape(chr(10).join(content))}</content>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- dashboard

STYLE = """
:root { color-scheme: light dark;
  --bg: #f6f7f9; --fg: #1b1e23; --muted: #5b626c; --card: #fff; --line: #dde1e6;
  --accent: #2457c5; --chip: #eef1f5;
  --overdue: #c62828; --today: #d84315; --upcoming: #b26a00; --open: #2457c5;
  --met: #2e7d32; --missed: #8e1b1b; --closed: #7a7f87; --event: #4a5568; }
@media (prefers-color-scheme: dark) { :root {
  --bg: #131519; --fg: #e7e9ec; --muted: #a0a7b1; --card: #1d2026; --line: #363c45;
  --accent: #8ab4f8; --chip: #2a2f37;
  --overdue: #ff6b6b; --today: #ff8a50; --upcoming: #f2b544; --open: #8ab4f8;
  --met: #6cc070; --missed: #e06666; --closed: #8d939c; --event: #b4bcc8; } }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1.5rem; }
header { padding-top: 2rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; letter-spacing: -.01em; }
h2 { font-size: .95rem; text-transform: uppercase; letter-spacing: .07em; color: var(--muted);
  margin: 2rem 0 .75rem; }
a { color: var(--accent); }
.meta { color: var(--muted); margin: 0 0 1rem; }
.subscribe { display: flex; flex-wrap: wrap; gap: .5rem; margin: 0 0 1rem; padding: 0;
  list-style: none; font-size: .9rem; }
.subscribe a { display: inline-block; padding: .2rem .7rem; border: 1px solid var(--line);
  border-radius: 1rem; background: var(--card); text-decoration: none; }
.stories { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr));
  gap: 1rem; margin: 0; padding: 0; list-style: none; }
.story { background: var(--card); border: 1px solid var(--line); border-radius: .6rem;
  padding: .9rem 1.1rem 1rem; border-top: 4px solid var(--c, var(--line));
  box-shadow: 0 1px 2px rgba(0,0,0,.06); }
.story h3 { margin: 0; font-size: 1.1rem; line-height: 1.3; overflow-wrap: anywhere; }
.story h3 a { color: var(--fg); text-decoration: none; }
.story h3 a:hover { text-decoration: underline; }
.story .key { color: var(--muted); font-size: .82rem; margin: .1rem 0 .6rem; }
.story dl { display: grid; grid-template-columns: 7.5rem 1fr; gap: .35rem .6rem; margin: 0;
  font-size: .92rem; }
.story dt { color: var(--muted); }
.story dd { margin: 0; overflow-wrap: anywhere; }
.count { font-weight: 700; font-variant-numeric: tabular-nums; }
.count.bad { color: var(--overdue); }
.count.good { color: var(--met); }
.quiet { color: var(--muted); }
.filters { display: flex; flex-wrap: wrap; gap: .6rem 1.2rem; align-items: center;
  padding: .6rem .9rem; background: var(--card); border: 1px solid var(--line);
  border-radius: .5rem; margin: 1.5rem 0 0; }
.filters label { color: var(--muted); font-size: .9rem; }
.filters input, .filters select { margin-left: .4rem; font: inherit; color: var(--fg);
  background: var(--bg); border: 1px solid var(--line); border-radius: .3rem;
  padding: .15rem .4rem; max-width: 15rem; }
.filters output { margin-left: auto; color: var(--muted); font-size: .9rem; }
ol.rows { list-style: none; margin: 0; padding: 0; background: var(--card);
  border: 1px solid var(--line); border-radius: .5rem; overflow: hidden; }
li.row { display: grid; grid-template-columns: 9rem 7.5rem 1fr 14rem; gap: .8rem;
  align-items: baseline; padding: .55rem .9rem; border-top: 1px solid var(--line);
  border-left: 4px solid var(--c, transparent); }
li.row:first-child { border-top: 0; }
.row time { font-variant-numeric: tabular-nums; color: var(--muted); font-size: .9rem; }
.row .title { font-weight: 600; overflow-wrap: anywhere; }
.row .title a { color: var(--fg); text-decoration: none; }
.row .title a:hover { text-decoration: underline; }
.row .story-name { color: var(--muted); font-size: .85rem; overflow-wrap: anywhere; }
.state { display: inline-block; min-width: 5.5rem; text-align: center; padding: 0 .5rem;
  border-radius: 1rem; font-size: .78rem; font-weight: 600; background: var(--chip);
  color: var(--muted); }
.state-overdue, .state-today, .state-upcoming { --c: var(--state-c); }
.state-overdue { --state-c: var(--overdue); } .state-today { --state-c: var(--today); }
.state-upcoming { --state-c: var(--upcoming); }
.state-overdue .state, .state-today .state, .state-upcoming .state {
  background: var(--state-c); color: #fff; }
@media (prefers-color-scheme: dark) {
  .state-overdue .state, .state-today .state, .state-upcoming .state { color: #111; } }
.due-text { color: var(--state-c, var(--muted)); font-weight: 600; }
.empty { padding: .8rem .9rem; color: var(--muted); }
footer { color: var(--muted); font-size: .8rem; padding: 2rem 1.5rem; }
@media (max-width: 48rem) {
  li.row { grid-template-columns: 1fr; gap: .1rem; } }
"""

SCRIPT = """
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var search = document.getElementById("filter-search");
  var story = document.getElementById("filter-story");
  var kind = document.getElementById("filter-kind");
  var tag = document.getElementById("filter-tag");
  var count = document.getElementById("filter-count");
  var rows = Array.prototype.slice.call(document.querySelectorAll("li.row"));
  var cards = Array.prototype.slice.call(document.querySelectorAll("li.story"));
  function apply() {
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-text");
      var tags = JSON.parse(row.getAttribute("data-tags"));
      var ok = (story.value === "" || row.getAttribute("data-story") === story.value) &&
               (kind.value === "" || row.getAttribute("data-kind") === kind.value) &&
               (tag.value === "" || tags.indexOf(tag.value) !== -1) &&
               words.every(function (word) { return text.indexOf(word) !== -1; });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    cards.forEach(function (card) {
      card.hidden = story.value !== "" && card.getAttribute("data-story") !== story.value;
    });
    document.querySelectorAll("ol.rows").forEach(function (list) {
      var empty = list.parentNode.querySelector(".filtered-out");
      var none = !list.querySelector("li.row:not([hidden])") && list.children.length > 0;
      if (empty) { empty.hidden = !none; }
    });
    count.textContent = shown + " of " + rows.length + " dates shown";
  }
  [search, story, kind, tag].forEach(function (control) {
    control.addEventListener("input", apply);
    control.addEventListener("change", apply);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
})();
"""


def _select(ident: str, label: str, values: Sequence[tuple[str, str]]) -> str:
    options = "".join(f'<option value="{_text(value)}">{_text(shown)}</option>'
                      for value, shown in values)
    return (f'<label for="{ident}">{label}</label><select id="{ident}">'
            f'<option value="">all</option>{options}</select>')


def _row(fact: _Facts, item: Effective, as_of: AsOf) -> str:
    entry = item.entry
    where = standing(item, as_of)
    story = fact.story
    if where.days_left is not None and where.state in ("overdue", "today", "upcoming"):
        label = {"upcoming": "soon", "today": "due today"}.get(where.state, where.state)
        state = f'<span class="state">{escape(label)}</span>'
    elif where.state in ("met", "missed", "cancelled", "superseded"):
        state = f'<span class="state">{escape(where.state)}</span>'
    else:
        state = f'<span class="state">{_text(entry.kind)}</span>'
    due = ""
    if where.days_left is not None and where.state in ("overdue", "today", "upcoming", "open"):
        due = f' · <span class="due-text">{escape(countdown(where.days_left))}</span>'
    searchable = " ".join((entry.id, entry.title, entry.kind, *entry.tags, *entry.actors,
                           entry.summary or "", story.key, story.title)).lower()
    tags = json.dumps([clean_text(tag) for tag in entry.tags], ensure_ascii=False)
    link = f"{page_path(story.key)}#entry-{entry.id}"
    return (
        f'<li class="row state-{where.state}" data-story="{_text(story.key)}" '
        f'data-kind="{_text(entry.kind)}" data-tags="{escape(tags)}" '
        f'data-text="{_text(searchable)}">'
        f'<time datetime="{item.date.first_day.isoformat()}">{_text(_when(item.date))}</time>'
        f"{state}"
        f'<span class="title"><a href="{escape(link)}">{_text(entry.title)}</a>{due}</span>'
        f'<span class="story-name">{_text(story.title)}</span></li>'
    )


def _story_card(fact: _Facts, as_of: AsOf) -> str:
    story = fact.story
    state = ""
    if fact.next_deadline is not None:
        item = fact.next_deadline
        where = standing(item, as_of)
        state = f" state-{where.state}"
        days = countdown((item.due_day - as_of.day).days)
        deadline = (f'<a href="{escape(page_path(story.key))}#entry-{escape(item.entry.id)}">'
                    f"{_text(item.entry.title)}</a><br><span class=\"due-text\">"
                    f"{_day(item.due_day)} · {escape(days)}</span>")
    else:
        deadline = '<span class="quiet">no open deadline ahead</span>'
    if fact.overdue:
        state = " state-overdue"
        overdue = f'<span class="count bad">{fact.overdue}</span> overdue'
    else:
        overdue = '<span class="count good">0</span> overdue'
    if fact.latest_news is not None:
        item_news = fact.latest_news
        latest = (f"<time>{_text(_when(item_news.announced))}</time>: "
                  f"{_text(item_news.entry.title)} — {escape(item_news.what)} "
                  f"({_text(news_detail(item_news))})")
    else:
        latest = f'<span class="quiet">none in the last {NEWS_DAYS} days</span>'
    entries = len(fact.items)
    return (
        f'<li class="story{state}" data-story="{_text(story.key)}">'
        f'<h3><a href="{escape(page_path(story.key))}">{_text(story.title)}</a></h3>'
        f'<p class="key"><code>{_text(story.key)}</code> · {entries} '
        f"entr{'y' if entries == 1 else 'ies'} · "
        f'<a href="{escape(calendar_path(story.key))}">calendar</a></p>'
        f"<dl><dt>Next deadline</dt><dd>{deadline}</dd>"
        f"<dt>Overdue</dt><dd>{overdue}</dd>"
        f"<dt>Latest news</dt><dd>{latest}</dd></dl></li>"
    )


def dashboard(facts: Sequence[_Facts], as_of: AsOf) -> str:
    horizon = as_of.day + timedelta(days=HORIZON_DAYS)
    attention: list[tuple[tuple[object, ...], str]] = []
    ahead: list[tuple[tuple[object, ...], str]] = []
    kinds: set[str] = set()
    tags: set[str] = set()
    for order, fact in enumerate(facts):
        due_ids = {reminder.entry.id for reminder in fact.due}
        for reminder in fact.due:
            item = reminder.effective
            attention.append(((reminder.due_day, order, item.entry.id), _row(fact, item, as_of)))
            kinds.add(item.entry.kind)
            tags.update(item.entry.tags)
        for item in fact.items:
            if item.entry.id in due_ids:
                continue
            if item.date.last_day < as_of.day or item.date.first_day > horizon:
                continue
            ahead.append(((*item.date.sort_key(), order, item.entry.id),
                          _row(fact, item, as_of)))
            kinds.add(item.entry.kind)
            tags.update(item.entry.tags)
    attention.sort(key=lambda pair: pair[0])
    ahead.sort(key=lambda pair: pair[0])

    def rows(found: list[tuple[tuple[object, ...], str]], empty: str) -> list[str]:
        if not found:
            return [f'<p class="empty">{empty}</p>']
        return ['<ol class="rows">', *(row for _, row in found), "</ol>",
                '<p class="empty filtered-out" hidden>Nothing here matches the filters.</p>']

    story_options = [(fact.story.key, fact.story.title) for fact in facts]
    count = len(facts)
    overdue = sum(fact.overdue for fact in facts)
    feed = '<link rel="alternate" type="application/atom+xml" title="News" href="feed.xml">'
    parts = [
        *html_page.document_head("Policy stories", STYLE, SCRIPT, [feed]),
        "<header>",
        "<h1>Policy stories</h1>",
        f'<p class="meta">As of <time datetime="{as_of.day.isoformat()}">{_day(as_of.day)}'
        f"</time> · {count} stor{'y' if count == 1 else 'ies'} · "
        f"{overdue} overdue deadline{'' if overdue == 1 else 's'}</p>",
        '<ul class="subscribe" aria-label="Subscribe">',
        f'<li><a href="{ALL_CALENDAR}">Calendar of every story (ICS)</a></li>',
        '<li><a href="feed.xml">News feed (Atom)</a></li>',
        '<li><a href="timeline.json">Data (JSON)</a></li>',
        "</ul>",
        "</header>",
        "<main>",
        '<h2 id="stories-heading">Stories</h2>',
        '<ul class="stories" aria-labelledby="stories-heading">',
        *(_story_card(fact, as_of) for fact in facts),
        "</ul>",
        '<form class="filters" id="filters" role="search" hidden>',
        '<label for="filter-search">Search</label>'
        '<input type="search" id="filter-search" placeholder="title, tag, actor…">',
        _select("filter-story", "Story", story_options),
        _select("filter-kind", "Kind", [(k, k) for k in sorted(kinds, key=str.casefold)]),
        _select("filter-tag", "Tag", [(t, t) for t in sorted(tags, key=str.casefold)]),
        '<output id="filter-count" aria-live="polite"></output>',
        "</form>",
        '<section aria-labelledby="attention-heading">',
        '<h2 id="attention-heading">Needs attention: overdue, due today, due soon</h2>',
        *rows(attention, "Nothing is overdue, due today or within a lead time."),
        "</section>",
        '<section aria-labelledby="ahead-heading">',
        f'<h2 id="ahead-heading">The next {HORIZON_DAYS} days, to {_day(horizon)}</h2>',
        *rows(ahead, f"Nothing falls in the next {HORIZON_DAYS} days."),
        "</section>",
        "</main>",
        f"<footer><p>Built by policy-timeline as of {_day(as_of.day)}. Dates are the latest "
        "known that day. Subscribe to a calendar by its address to get the changes.</p>"
        "</footer>",
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"
