"""What the story files say now that they did not say before (SPEC section 7).

A pure, semantic difference of one story loaded at two revisions: entries added and
removed, titles changed, dates changed as written, effective dates changed as of T,
statuses changed, changes and claims added or removed, sources added or removed, and
which other details of an entry changed. Reading the revisions (git) and loading them is
the caller's work; nothing here reads a file, the clock or prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from .dates import Interval
from .schedule import AsOf, Effective, effective
from .timeline import Change, Claim, Entry, FileInfo, Problem, Source, Timeline

# what a Difference is about
TITLE = "title"
DATE = "date"  # the date as written
EFFECTIVE = "effective"  # the date after the changes announced by T
STATUS = "status"
CHANGE_ADDED, CHANGE_REMOVED = "change-added", "change-removed"
CLAIM_ADDED, CLAIM_REMOVED = "claim-added", "claim-removed"
SOURCE_ADDED, SOURCE_REMOVED = "source-added", "source-removed"
DETAILS = "details"  # other fields: kind, tags, actors, summary, ...

# what happened to an entry, and to a story
ADDED, REMOVED, CHANGED, UNCHANGED, UNREADABLE = (
    "added", "removed", "changed", "unchanged", "unreadable",
)

#: The other fields of an entry whose change is reported by name (SPEC §1 order).
DETAIL_FIELDS = (
    "kind", "tags", "actors", "summary", "confidence", "announced", "warn", "consequence",
)


@dataclass(frozen=True, slots=True)
class Difference:
    """One thing that differs about an entry; which fields are set depends on `what`."""

    what: str
    old_text: str | None = None  # title, status
    new_text: str | None = None
    old_date: Interval | None = None  # date (as written: with `old_written`), effective
    new_date: Interval | None = None
    old_written: str | None = None
    new_written: str | None = None
    change: Change | None = None  # change-added / change-removed
    claim: Claim | None = None  # claim-added / claim-removed
    source: str | None = None  # source-added / source-removed: the id or URL
    fields: tuple[str, ...] = ()  # details


@dataclass(frozen=True, slots=True)
class EntryDiff:
    """An entry added, removed or changed; `current` is it at T on the side that has it
    (the newer one, unless it was removed)."""

    story: str
    state: str  # added | removed | changed
    current: Effective
    differences: tuple[Difference, ...] = ()

    @property
    def id(self) -> str:
        return self.current.entry.id


@dataclass(frozen=True, slots=True)
class Version:
    """A story as one revision has it: loaded (`timeline`), or not (`problems` say why)."""

    path: str
    timeline: Timeline | None
    problems: tuple[Problem, ...] = ()

    @property
    def info(self) -> FileInfo | None:
        if self.timeline is None or not self.timeline.files:
            return None
        return self.timeline.files[0]

    @property
    def sources(self) -> Mapping[str, Source]:
        """The sources the story defines in this revision, by id."""
        info = self.info
        return {} if self.timeline is None or info is None else self.timeline.sources_of(info.key)


@dataclass(frozen=True, slots=True)
class StoryDiff:
    key: str
    state: str  # added | removed | changed | unchanged | unreadable
    old: Version | None  # None: the story is not in the older revision
    new: Version | None
    entries: tuple[EntryDiff, ...] = ()
    sources_added: tuple[str, ...] = ()  # ids defined under `sources:` that are new

    @property
    def path(self) -> str:
        version = self.new or self.old
        assert version is not None
        return version.path

    @property
    def title(self) -> str | None:
        for version in (self.new, self.old):
            if version is not None and version.info is not None and version.info.title:
                return version.info.title
        return None

    @property
    def old_title(self) -> str | None:
        info = self.old.info if self.old is not None else None
        return info.title if info is not None else None

    @property
    def retitled(self) -> bool:
        if self.old is None or self.new is None or self.old.info is None or self.new.info is None:
            return False
        return self.old.info.title != self.new.info.title


def _claim_key(claim: Claim) -> Hashable:
    return claim.date, claim.sources, claim.note, claim.announced


def _change_key(change: Change) -> Hashable:
    return (change.announced, change.date, change.status, change.note, change.sources,
            tuple(_claim_key(claim) for claim in change.claims))


def _counted_difference(
    old: Iterable[Change | Claim], new: Iterable[Change | Claim]
) -> tuple[list[Change | Claim], list[Change | Claim]]:
    """What `new` has that `old` has not, and the reverse, counting repeats."""

    def key(item: Change | Claim) -> Hashable:
        return _change_key(item) if isinstance(item, Change) else _claim_key(item)

    old_items, new_items = list(old), list(new)
    if not old_items and not new_items:  # most entries: no changes, no claims
        return [], []
    old_count = Counter(key(item) for item in old_items)
    new_count = Counter(key(item) for item in new_items)
    added, removed = [], []
    for item in new_items:
        k = key(item)
        if old_count[k] > 0:
            old_count[k] -= 1
        else:
            added.append(item)
    for item in old_items:
        k = key(item)
        if new_count[k] > 0:
            new_count[k] -= 1
        else:
            removed.append(item)
    return added, removed


def _detail(entry: Entry, name: str) -> object:
    if name == "warn":  # the entry's own lead times, not the file's default it inherits
        return entry.warn if entry.warn_explicit else None
    return getattr(entry, name)


def entry_differences(
    old: Entry, new: Entry, as_of: AsOf, timelines: tuple[Timeline | None, Timeline | None]
) -> list[Difference]:
    """What differs between two versions of one entry, in the order reviewers read it."""
    found: list[Difference] = []
    if old.title != new.title:
        found.append(Difference(TITLE, old_text=old.title, new_text=new.title))
    written = old.date_text != new.date_text or old.date != new.date
    if written:
        found.append(Difference(DATE, old_date=old.date, new_date=new.date,
                                old_written=old.date_text, new_written=new.date_text))
    then, now = effective(old, as_of, timelines[0]), effective(new, as_of, timelines[1])
    # the effective date, unless that is just the written date that changed (said above)
    merely_written = written and then.date == old.date and now.date == new.date
    if then.date != now.date and not merely_written:
        found.append(Difference(EFFECTIVE, old_date=then.date, new_date=now.date))
    if then.status != now.status:
        found.append(Difference(STATUS, old_text=then.status, new_text=now.status))
    added, removed = _counted_difference(old.changes, new.changes)
    found += [Difference(CHANGE_ADDED, change=c) for c in added if isinstance(c, Change)]
    found += [Difference(CHANGE_REMOVED, change=c) for c in removed if isinstance(c, Change)]
    added, removed = _counted_difference(old.claims, new.claims)
    found += [Difference(CLAIM_ADDED, claim=c) for c in added if isinstance(c, Claim)]
    found += [Difference(CLAIM_REMOVED, claim=c) for c in removed if isinstance(c, Claim)]
    old_sources, new_sources = set(old.sources), set(new.sources)
    found += [Difference(SOURCE_ADDED, source=s) for s in new.sources if s not in old_sources]
    found += [Difference(SOURCE_REMOVED, source=s) for s in old.sources if s not in new_sources]
    details = tuple(name for name in DETAIL_FIELDS if _detail(old, name) != _detail(new, name))
    if details:
        found.append(Difference(DETAILS, fields=details))
    return found


def _order(item: EntryDiff) -> tuple[object, ...]:
    return (*item.current.entry.date.sort_key(), item.id)


def story_diff(key: str, old: Version | None, new: Version | None, as_of: AsOf) -> StoryDiff:
    """The difference of one story between two revisions (None: not in that revision)."""
    if old is None and new is None:
        raise ValueError("a story must be in at least one revision")
    if (old is not None and old.timeline is None) or (new is not None and new.timeline is None):
        return StoryDiff(key, UNREADABLE, old, new)
    if old is new:  # the same bytes at both revisions
        return StoryDiff(key, UNCHANGED, old, new)
    old_timeline = old.timeline if old is not None else None
    new_timeline = new.timeline if new is not None else None
    old_entries = old_timeline.entries if old_timeline is not None else ()
    new_entries = new_timeline.entries if new_timeline is not None else ()
    before = {entry.id: entry for entry in old_entries}
    after_ids = {entry.id for entry in new_entries}
    entries: list[EntryDiff] = []
    for entry in new_entries:
        earlier = before.get(entry.id)
        if earlier is None:
            entries.append(EntryDiff(key, ADDED, effective(entry, as_of, new_timeline)))
            continue
        if earlier is entry:  # one record for both sides: loaded once (see `history`)
            continue
        differences = entry_differences(earlier, entry, as_of, (old_timeline, new_timeline))
        if differences:
            entries.append(
                EntryDiff(key, CHANGED, effective(entry, as_of, new_timeline), tuple(differences))
            )
    entries += [
        EntryDiff(key, REMOVED, effective(entry, as_of, old_timeline))
        for entry in old_entries
        if entry.id not in after_ids
    ]
    entries.sort(key=_order)
    old_sources = old.sources if old is not None else {}
    new_sources = new.sources if new is not None else {}
    # of a story that is new, everything is: its entries say it
    sources_added = () if old is None else tuple(n for n in new_sources if n not in old_sources)
    if old is None:
        state = ADDED
    elif new is None:
        state = REMOVED
    else:
        story = StoryDiff(key, CHANGED, old, new, tuple(entries), sources_added)
        changed = bool(entries) or story.retitled or bool(sources_added)
        state = CHANGED if changed else UNCHANGED
    return StoryDiff(key, state, old, new, tuple(entries), sources_added)


@dataclass(frozen=True, slots=True)
class Revision:
    """One side of a diff: a git revision as given and the commit it named, or the
    working tree (both None)."""

    name: str | None
    commit: str | None = None

    @property
    def label(self) -> str:
        return self.name if self.name is not None else "the working tree"


@dataclass(frozen=True, slots=True)
class WorkspaceDiff:
    old: Revision
    new: Revision
    as_of: AsOf
    stories: tuple[StoryDiff, ...]

    @property
    def problems(self) -> list[tuple[tuple[Revision, ...], Problem]]:
        """Every problem of every story that did not load, with the revisions that have it."""
        return [found for story in self.stories for found in self.story_problems(story)]

    def story_problems(self, story: StoryDiff) -> list[tuple[tuple[Revision, ...], Problem]]:
        if story.old is story.new and story.new is not None:  # the same bytes at both
            return [((self.old, self.new), problem) for problem in story.new.problems]
        found: list[tuple[tuple[Revision, ...], Problem]] = []
        for revision, version in ((self.old, story.old), (self.new, story.new)):
            if version is not None:
                found += [((revision,), problem) for problem in version.problems]
        return found

    @property
    def entry_count(self) -> int:
        return sum(len(story.entries) for story in self.stories)
