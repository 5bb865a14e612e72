"""What became known between two moments (SPEC section 7): the records of `timeline news`.

A pure function of (timeline, since, as_of): entries announced in the window (since, T],
changes announced in it (with the date before and after each), and claims announced in
it. Entries without `announced` are never news: when they became known is not written
down (`timeline diff` covers them). Nothing here reads the clock or prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .dates import Interval
from .schedule import AsOf, effective, is_known
from .stories import story_key, story_of
from .timeline import Change, Claim, Entry, FileInfo, Timeline

#: What a piece of news did, in the words the outputs use.
NEW = "new"  # an entry announced in the window
EXTENDED = "extended"  # a change that set a later date
BROUGHT_FORWARD = "brought forward"  # a change that set an earlier date
MOVED = "moved"  # a change that set another date starting at the same moment
REOPENED = "reopened"  # a change that set the status back to open
CLAIM = "claim"  # another reading of the date, announced in the window
NOTE = "note"  # a change with only a note (or only claims)
# and a change that set a closing status is named by it: met, missed, cancelled, superseded


@dataclass(frozen=True, slots=True)
class NewsItem:
    """One piece of news about one entry.

    `old_date` → `new_date` for a change that moved the entry. For a new entry `new_date`
    is its effective date at T; for a claim, the date the claim is another reading of,
    and `claimed` the claim's own reading.
    """

    story: str  # the story's key
    entry: Entry
    what: str
    announced: Interval
    old_date: Interval | None
    new_date: Interval
    status: str  # the entry's status right after this news
    note: str | None
    sources: tuple[str, ...]
    claimed: Interval | None = None


@dataclass(frozen=True, slots=True)
class StoryNews:
    key: str
    info: FileInfo
    items: tuple[NewsItem, ...]


@dataclass(frozen=True, slots=True)
class News:
    since: AsOf
    as_of: AsOf
    stories: tuple[StoryNews, ...]  # every loaded story, with or without news

    @property
    def count(self) -> int:
        return sum(len(story.items) for story in self.stories)


def in_window(announced: Interval, since: datetime, until: datetime) -> bool:
    """Announced in (since, until]: after `since`, by `until` (its first instant counts)."""
    return since < announced.start <= until


def _change_kind(change: Change, before: Interval) -> str:
    if change.status is not None and change.status != "open":
        return change.status
    if change.status == "open":
        return REOPENED
    if change.date is not None:
        old_key, new_key = before.sort_key(), change.date.sort_key()
        if new_key[0] > old_key[0]:
            return EXTENDED
        if new_key[0] < old_key[0]:
            return BROUGHT_FORWARD
        return MOVED
    return NOTE


def _claims_in(
    story: str, entry: Entry, claims: tuple[Claim, ...], current: Interval, status: str,
    since: datetime, until: datetime,
) -> list[NewsItem]:
    return [
        NewsItem(story, entry, CLAIM, claim.announced, None, current, status, claim.note,
                 claim.sources, claim.date)
        for claim in claims
        if claim.announced is not None and in_window(claim.announced, since, until)
    ]


def entry_news(
    story: str, entry: Entry, since: AsOf, as_of: AsOf, timeline: Timeline
) -> list[NewsItem]:
    """The news about one entry known at T, in the order it was announced."""
    start, until = since.moment, as_of.moment
    found: list[NewsItem] = []
    if entry.announced is not None and in_window(entry.announced, start, until):
        now = effective(entry, as_of, timeline)
        found.append(NewsItem(story, entry, NEW, entry.announced, None, now.date, now.status,
                              None, entry.sources))
    current, status = entry.date, "open"
    found += _claims_in(story, entry, entry.claims, current, status, start, until)
    for change in entry.changes:
        if change.announced.start > until:
            continue  # not known at T; changes apply in file order, as in `effective`
        before = current
        if change.date is not None:
            current = change.date
        if change.status is not None:
            status = change.status
        if in_window(change.announced, start, until):
            kind = _change_kind(change, before)
            moved = change.date is not None and change.date != before
            found.append(NewsItem(story, entry, kind, change.announced,
                                  before if moved else None, current, status, change.note,
                                  change.sources))
        found += _claims_in(story, entry, change.claims, current, status, start, until)
    found.sort(key=lambda item: item.announced.sort_key())  # stable: file order on ties
    return found


def news(timeline: Timeline, since: AsOf, as_of: AsOf) -> News:
    """Everything announced in (since, T], story by story in the order the files were given,
    each story's news by when it was announced, then by entry id."""
    per_file: dict[str, list[NewsItem]] = {info.path: [] for info in timeline.files}
    keys = {info.path: story_key(info) for info in timeline.files}
    for entry in timeline.entries:
        if not is_known(entry, as_of):
            continue
        info = story_of(timeline, entry)
        if info is None:
            continue
        per_file[info.path] += entry_news(keys[info.path], entry, since, as_of, timeline)
    stories = []
    for info in timeline.files:
        items = per_file[info.path]
        items.sort(key=lambda item: (*item.announced.sort_key(), item.entry.id))
        stories.append(StoryNews(keys[info.path], info, tuple(items)))
    return News(since, as_of, tuple(stories))
