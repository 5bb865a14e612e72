"""What `timeline notify` owes each target at a moment T (SPEC section 8): pure logic.

A *notice* is one reminder as a target sees it, keyed by (story key, id, effective due
day at T, state, window). A target is owed the notices of T whose key it has not been
delivered yet; since only T's reminders are ever looked at, a key that came and went
between two runs is never sent late (a deadline that went from its 30-day to its 7-day
window unseen gets the 7-day notice only). When the due day of an entry that was already
notified moves, the target is owed one "moved" notice (old → new day).

What was delivered is given and returned as plain records (`Delivered`); reading and
writing them, and sending, is `delivery`'s business. Nothing here does I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .dates import Offset
from .schedule import (
    OVERDUE,
    TODAY,
    UPCOMING,
    AsOf,
    Effective,
    Reminder,
    countdown,
    effective,
    is_known,
    reminders,
)
from .stories import entry_story_key, story_key, story_of
from .terminal import as_of_label, clean, day_label, human_date
from .timeline import Entry, Timeline

MOVED = "moved"

#: The order of notices inside a story, and of stories by their most urgent notice.
_ORDER = {OVERDUE: 0, TODAY: 1, UPCOMING: 2, MOVED: 3}


@dataclass(frozen=True, slots=True)
class Delivered:
    """What one target was told about one entry: the due day it last heard of, and the
    keys (`notice_key`) it got for that day."""

    due: date
    keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class Story:
    key: str
    title: str | None


@dataclass(frozen=True, slots=True)
class Notice:
    """One line of a digest: a reminder due at T, or a move of a notified deadline."""

    story: Story
    id: str
    title: str
    state: str  # overdue | today | upcoming | moved
    due: date  # the effective due day at T
    days_left: int
    window: str | None  # the lead time that holds an upcoming notice
    date_text: str  # the effective date as people read it
    moved_from: date | None  # the due day the target last heard of, when it moved
    consequence: str | None
    note: str | None  # the note of the latest change known at T

    @property
    def name(self) -> str:
        """`story:id`, how every output names an entry across stories."""
        return f"{self.story.key}:{self.id}"

    @property
    def key(self) -> str:
        """The notice's key beside its name; a move is keyed by the day it moved to."""
        return notice_key(self.state, self.due, self.window)


def notice_key(state: str, due: date, window: str | None) -> str:
    return f"{state}/{due.isoformat()}/{window or ''}"


def entry_name(timeline: Timeline, entry: Entry) -> str:
    return f"{entry_story_key(timeline, entry)}:{entry.id}"


def _story(timeline: Timeline, entry: Entry) -> Story:
    info = story_of(timeline, entry)
    return Story(entry_story_key(timeline, entry), info.title if info is not None else None)


def _date_text(item: Effective, due: date) -> str:
    """The effective date as people read it, and the earlier claim that makes it due."""
    text = human_date(item.date)
    if not item.date.span and due != item.date.first_day:
        text += f" (earliest reading {day_label(due)})"
    return text


def _notice(
    timeline: Timeline,
    item: Effective,
    as_of: AsOf,
    state: str,
    window: str | None,
    moved_from: date | None,
) -> Notice:
    entry = item.entry
    return Notice(
        story=_story(timeline, entry),
        id=entry.id,
        title=entry.title,
        state=state,
        due=item.due_day,
        days_left=(item.due_day - as_of.day).days,
        window=window,
        date_text=_date_text(item, item.due_day),
        moved_from=moved_from,
        consequence=entry.consequence,
        note=item.note,
    )


def pending(
    timeline: Timeline,
    as_of: AsOf,
    due: Iterable[Reminder],
    entries: Mapping[str, Entry],
    delivered: Mapping[str, Delivered],
) -> list[Notice]:
    """The notices a target that was `delivered` these (by `story:id`) is owed at T.

    `due` are T's reminders (what `remind` lists); `entries` the reminded entries by
    `story:id`, looked at only for moves of deadlines the target already heard of.
    Sorted as a digest shows them.
    """
    notices: list[Notice] = []
    reminded: set[str] = set()
    for reminder in due:
        name = entry_name(timeline, reminder.entry)
        reminded.add(name)
        window = reminder.window.text if reminder.window is not None else None
        record = delivered.get(name)
        moved_from = record.due if record is not None and record.due != reminder.due_day else None
        key = notice_key(reminder.state, reminder.due_day, window)
        if record is not None and moved_from is None and key in record.keys:
            continue
        notices.append(
            _notice(timeline, reminder.effective, as_of, reminder.state, window, moved_from)
        )
    for name, record in delivered.items():
        entry = entries.get(name)
        if name in reminded or entry is None or not is_known(entry, as_of):
            continue
        item = effective(entry, as_of, timeline)
        if item.status == "open" and item.due_day != record.due:
            notices.append(_notice(timeline, item, as_of, MOVED, None, record.due))
    return digest_order(notices)


def digest_order(notices: Iterable[Notice]) -> list[Notice]:
    """Grouped by story, the story with the most urgent notice first; inside a story
    overdue first, then due today, upcoming and moved, each by due day and id."""
    notices = list(notices)
    urgency: dict[str, tuple[int, str]] = {}
    for notice in notices:
        rank = (_ORDER[notice.state], notice.story.key)
        urgency[notice.story.key] = min(urgency.get(notice.story.key, rank), rank)
    return sorted(
        notices,
        key=lambda n: (urgency[n.story.key], _ORDER[n.state], n.due, n.id),
    )


def recorded(
    delivered: Mapping[str, Delivered], notices: Iterable[Notice]
) -> dict[str, Delivered]:
    """What the target was delivered once it got `notices` too.

    A move forgets the keys of the old day: they cannot come back unless the deadline
    moves back, and then the target hears of that move first.
    """
    result = dict(delivered)
    for notice in notices:
        before = result.get(notice.name)
        keys = before.keys if before is not None and before.due == notice.due else frozenset()
        if notice.state != MOVED:
            keys = keys | {notice.key}
        result[notice.name] = Delivered(notice.due, keys)
    return result


def forget_absent(
    delivered: Mapping[str, Delivered], present: Iterable[str], stories: Iterable[str]
) -> dict[str, Delivered]:
    """The records of entries still in the workspace (`story:id` names), and every record
    of a story that is not loaded (left out for its errors, or `-f` not naming it): only
    a story that was read can say an entry is gone."""
    keep, loaded = set(present), set(stories)
    return {
        name: record
        for name, record in delivered.items()
        if name in keep or name.partition(":")[0] not in loaded
    }


@dataclass(frozen=True, slots=True)
class NoticeBoard:
    """A workspace at T, as every target's notices are worked out from it."""

    timeline: Timeline
    as_of: AsOf
    reminders: tuple[Reminder, ...]  # what `remind` lists at T
    entries: Mapping[str, Entry]  # every reminded entry loaded, by `story:id`
    stories: frozenset[str]  # the keys of the stories loaded

    @classmethod
    def at(cls, timeline: Timeline, as_of: AsOf, within: Offset | None = None) -> NoticeBoard:
        return cls(
            timeline,
            as_of,
            tuple(reminders(timeline, as_of, within)),
            {entry_name(timeline, entry): entry for entry in timeline.entries if entry.reminded},
            frozenset(story_key(info) for info in timeline.files),
        )

    def owed(self, delivered: Mapping[str, Delivered]) -> list[Notice]:
        """What a target that was `delivered` these is owed now, in digest order."""
        return pending(self.timeline, self.as_of, self.reminders, self.entries,
                       self.kept(delivered))

    def kept(self, delivered: Mapping[str, Delivered]) -> dict[str, Delivered]:
        return forget_absent(delivered, self.entries, self.stories)

    def after(
        self, delivered: Mapping[str, Delivered], notices: Iterable[Notice]
    ) -> dict[str, Delivered]:
        """What the target was delivered once it got `notices` too."""
        return recorded(self.kept(delivered), notices)


# ------------------------------------------------------------------------ the digest


@dataclass(frozen=True, slots=True)
class Digest:
    title: str
    body: str
    urgent: bool  # something is overdue or due today


def digest_title(notices: Sequence[Notice]) -> str:
    """`timeline: 1 overdue, 2 upcoming` (and `1 due today`, `1 moved`)."""
    counts = Counter(notice.state for notice in notices)
    parts = [
        f"{counts[state]} {label}"
        for state, label in (
            (OVERDUE, "overdue"),
            (TODAY, "due today"),
            (UPCOMING, "upcoming"),
            (MOVED, "moved"),
        )
        if counts[state]
    ]
    return "timeline: " + ", ".join(parts)


def _when(notice: Notice) -> str:
    if notice.state == TODAY:
        return "due today"
    when = countdown(notice.days_left)
    if notice.window is not None:
        when += f", within {notice.window}"
    return when


def notice_lines(notice: Notice) -> list[str]:
    """One notice: a line saying what and when, then its consequence or the news."""
    if notice.moved_from is None:
        what = f"{notice.date_text}, {_when(notice)}"
    elif notice.state == MOVED:
        what = f"moved {day_label(notice.moved_from)} → {notice.date_text} ({_when(notice)})"
    else:
        what = f"moved {day_label(notice.moved_from)} → {notice.date_text}, {_when(notice)}"
    lines = [f"- {notice.state.upper()} {clean(notice.title)}: {what} [{notice.name}]"]
    if notice.moved_from is not None and notice.note:
        lines.append(f"  {clean(notice.note)}")
    if notice.consequence and notice.state == TODAY:
        lines.append(f"  If it passes: {clean(notice.consequence)}")
    elif notice.consequence and notice.state == OVERDUE:
        lines.append(f"  Consequence: {clean(notice.consequence)}")
    return lines


def digest(as_of: AsOf, notices: Sequence[Notice]) -> Digest:
    """The one message a target gets at T: a title that counts, a body by story."""
    lines = [f"As of {as_of_label(as_of)}:"]
    story: str | None = None
    for notice in notices:
        if notice.story.key != story:
            story = notice.story.key
            heading = clean(notice.story.title) if notice.story.title else story
            lines += ["", f"{heading} ({story})"]
        lines += notice_lines(notice)
    urgent = any(notice.state in (OVERDUE, TODAY) for notice in notices)
    return Digest(digest_title(notices), "\n".join(lines) + "\n", urgent)


TEST_TITLE = "timeline: test message"


def trial_message() -> Digest:
    """What `notify --test` sends: says where it came from, records nothing."""
    body = (
        "A test message from `timeline notify --test`.\n"
        "Reminders will arrive here as one digest per run, each notice once.\n"
    )
    return Digest(TEST_TITLE, body, False)
