"""`timeline news` and `timeline diff` as JSON documents, laid-out lines and Markdown.

Built here, printed by the command line. The lines are `terminal.Line`s, so the same layout
is plain text when piped and rich text on a terminal. Text from the files goes through
`terminal.clean` (terminal) or `exporters.markdown.escape` (Markdown); JSON is plain data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .dates import Interval
from .diff import (
    CHANGE_ADDED,
    CHANGE_REMOVED,
    CLAIM_ADDED,
    CLAIM_REMOVED,
    DATE,
    DETAILS,
    EFFECTIVE,
    SOURCE_ADDED,
    SOURCE_REMOVED,
    STATUS,
    TITLE,
    Difference,
    EntryDiff,
    Revision,
    StoryDiff,
    WorkspaceDiff,
)
from .exporters import safe_url
from .exporters.markdown import escape
from .news import CLAIM, NEW, News, NewsItem
from .presentation import source_label
from .report import date_json, moment_json, source_json
from .schedule import AsOf
from .terminal import Line, Span, as_of_label, clean, human_date
from .timeline import Change, Claim, FileInfo, Problem, Source, Timeline

# ----------------------------------------------------------------------------- shared


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _link_target(url: str) -> str:
    """A link destination in angle brackets: safe with parentheses and backslashes."""
    return "<" + url.replace("\\", "%5C").replace("<", "%3C").replace(">", "%3E") + ">"


def _md_sources(references: Sequence[str], sources: Mapping[str, Source]) -> str:
    parts = []
    for reference in references:
        source = sources.get(reference)
        target = reference if source is None else source.url or ""
        url = safe_url(target)
        label = escape(source_label(reference, sources))
        parts.append(f"[{label}]({_link_target(url)})" if url else label)
    return ", ".join(parts)


def story_json(key: str, info: FileInfo | None, path: str) -> dict[str, object]:
    return {"key": key, "title": info.title if info is not None else None, "path": path}


def _when(interval: Interval) -> str:
    return human_date(interval)


def _md_difference(difference: Difference, as_of: AsOf, sources: Mapping[str, Source]) -> str:
    """A difference in Markdown: a source added or removed is a link, the rest text."""
    if difference.what in (SOURCE_ADDED, SOURCE_REMOVED) and difference.source is not None:
        verb = "added" if difference.what == SOURCE_ADDED else "removed"
        return f"source {verb}: {_md_sources([difference.source], sources)}"
    return escape(difference_text(difference, as_of, sources))


def _md_when(interval: Interval) -> str:
    return escape(human_date(interval))


# ------------------------------------------------------------------------------- news


def _window_text(found: News) -> str:
    return f"announced after {as_of_label(found.since)}, through {as_of_label(found.as_of)}"


def news_item_json(item: NewsItem, timeline: Timeline) -> dict[str, object]:
    entry = item.entry
    sources = timeline.sources_of(entry.story)
    return {
        "story": item.story,
        "id": entry.id,
        "name": f"{item.story}:{entry.id}",
        "title": entry.title,
        "kind": entry.kind,
        "what": item.what,
        "announced": moment_json(item.announced),
        "old_date": date_json(item.old_date) if item.old_date is not None else None,
        "new_date": date_json(item.new_date),
        "claimed": date_json(item.claimed) if item.claimed is not None else None,
        "status": item.status,
        "note": item.note,
        "sources": [source_json(reference, sources) for reference in item.sources],
    }


def news_document(found: News, timeline: Timeline, since_from: str) -> dict[str, object]:
    """`{"as_of", "since", "since_from", "stories", "news": [...]}`; `since_from` says where
    the start came from: `option`, `last-run` or `default` (7 days)."""
    return {
        "as_of": found.as_of.text,
        "since": found.since.text,
        "since_from": since_from,
        "stories": [story_json(story.key, story.info, story.info.path) for story in found.stories],
        "news": [
            news_item_json(item, timeline) for story in found.stories for item in story.items
        ],
    }


def _news_detail(item: NewsItem) -> str:
    if item.what == NEW:
        return f"date: {_when(item.new_date)}"
    if item.what == CLAIM and item.claimed is not None:
        return f"another reading: {_when(item.claimed)} (date: {_when(item.new_date)})"
    if item.old_date is not None:
        return f"{_when(item.old_date)} → {_when(item.new_date)}"
    return f"date: {_when(item.new_date)}"


def news_lines(found: News, timeline: Timeline) -> list[Line]:
    count = found.count
    if not count:
        return [(Span(f"No news {_window_text(found)}.", "muted"),)]
    with_news = [story for story in found.stories if story.items]
    lines: list[Line] = [
        (
            Span(f"News {_window_text(found)}: ", "banner.title"),
            Span(f"{_plural(count, 'item')} in {_plural(len(with_news), 'story', 'stories')}",
                 "banner"),
        )
    ]
    for story in with_news:
        lines.append(())
        title = clean(story.info.title or story.key)
        lines.append((Span(title, "title"), Span(f"  [{story.key}]", "muted")))
        for item in story.items:
            what = item.what
            style = what if what in ("met", "missed", "cancelled", "superseded") else "history"
            lines.append((
                Span("  "), Span(_when(item.announced), "date"), Span("  "),
                Span(what, style), Span("  "), Span(clean(item.entry.title), "title"),
                Span(f" ({item.entry.id})", "muted"),
            ))
            detail = _news_detail(item)
            if item.note:
                detail += f": {clean(item.note)}"
            lines.append((Span("      "), Span(detail)))
            if item.sources:
                sources = timeline.sources_of(item.entry.story)
                labels = ", ".join(clean(source_label(s, sources)) for s in item.sources)
                lines.append((Span("      "), Span(f"sources: {labels}", "muted")))
    return lines


def news_markdown(found: News, timeline: Timeline) -> str:
    """A weekly briefing: one section per story with news, one bullet per item."""
    out = [f"## News {escape(_window_text(found))}", ""]
    with_news = [story for story in found.stories if story.items]
    if not with_news:
        out += ["_Nothing was announced in this period._", ""]
        return "\n".join(out)
    out += [
        f"_{_plural(found.count, 'item')} in "
        f"{_plural(len(with_news), 'story', 'stories')}, as of {escape(found.as_of.text)}._",
        "",
    ]
    for story in with_news:
        out += [f"### {escape(story.info.title or story.key)} (`{story.key}`)", ""]
        for item in story.items:
            line = (
                f"- **{_md_when(item.announced)} · {escape(item.what)}**: "
                f"{escape(item.entry.title)} (`{item.story}:{item.entry.id}`): "
                f"{escape(_news_detail(item))}"
            )
            if item.note:
                line += f". {escape(item.note)}"
            if item.sources:
                line += (". Sources: "
                         f"{_md_sources(item.sources, timeline.sources_of(item.entry.story))}")
            out.append(line)
        out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------------------- diff


def _change_json(change: Change, sources: Mapping[str, Source]) -> dict[str, object]:
    return {
        "announced": moment_json(change.announced),
        "date": date_json(change.date) if change.date is not None else None,
        "status": change.status,
        "note": change.note,
        "sources": [source_json(reference, sources) for reference in change.sources],
    }


def _claim_json(claim: Claim, sources: Mapping[str, Source]) -> dict[str, object]:
    return {
        "date": date_json(claim.date),
        "announced": moment_json(claim.announced) if claim.announced is not None else None,
        "note": claim.note,
        "sources": [source_json(reference, sources) for reference in claim.sources],
    }


def difference_json(difference: Difference, sources: Mapping[str, Source]) -> dict[str, object]:
    what = difference.what
    found: dict[str, object] = {"what": what}
    if what in (TITLE, STATUS):
        found.update(old=difference.old_text, new=difference.new_text)
    elif what in (DATE, EFFECTIVE):
        assert difference.old_date is not None and difference.new_date is not None
        found.update(old=date_json(difference.old_date, difference.old_written),
                     new=date_json(difference.new_date, difference.new_written))
    elif difference.change is not None:
        found["change"] = _change_json(difference.change, sources)
    elif difference.claim is not None:
        found["claim"] = _claim_json(difference.claim, sources)
    elif difference.source is not None:
        found["source"] = source_json(difference.source, sources)
    else:
        found["fields"] = list(difference.fields)
    return found


def _sources_of(story: StoryDiff) -> Mapping[str, Source]:
    """The story's sources at either revision (the newer one's when an id is in both)."""
    merged: dict[str, Source] = {}
    for version in (story.old, story.new):
        if version is not None:
            merged.update(version.sources)
    return merged


def entry_diff_json(item: EntryDiff, sources: Mapping[str, Source]) -> dict[str, object]:
    entry = item.current.entry
    return {
        "story": item.story,
        "id": entry.id,
        "name": f"{item.story}:{entry.id}",
        "title": entry.title,
        "change": item.state,
        "date": date_json(entry.date, entry.date_text),
        "effective": date_json(item.current.date),
        "status": item.current.status,
        "differences": [difference_json(d, sources) for d in item.differences],
    }


def _revision_json(name: str | None, commit: str | None) -> dict[str, object]:
    return {"revision": name, "commit": commit}


def diff_document(found: WorkspaceDiff) -> dict[str, object]:
    """`{"as_of", "from", "to", "stories": [...], "entries": [...], "problems": [...]}`."""
    stories = []
    entries: list[dict[str, object]] = []
    for story in found.stories:
        sources = _sources_of(story)
        version = story.new or story.old
        info = version.info if version is not None else None
        described = story_json(story.key, info, story.path)
        described["change"] = story.state
        described["old_title"] = story.old_title if story.retitled else None
        described["sources_added"] = [source_json(s, sources) for s in story.sources_added]
        stories.append(described)
        entries += [entry_diff_json(item, sources) for item in story.entries]
    problems = []
    for story in found.stories:
        for revisions, problem in found.story_problems(story):
            described = {"story": story.key, **problem.as_json()}
            described["revisions"] = [revision.name for revision in revisions]
            problems.append(described)
    return {
        "as_of": found.as_of.text,
        "from": _revision_json(found.old.name, found.old.commit),
        "to": _revision_json(found.new.name, found.new.commit),
        "stories": stories,
        "entries": entries,
        "problems": problems,
    }


def _date_pair(difference: Difference, written: bool) -> str:
    assert difference.old_date is not None and difference.new_date is not None
    if written:
        return f"{difference.old_written} → {difference.new_written}"
    return f"{_when(difference.old_date)} → {_when(difference.new_date)}"


def _change_text(change: Change) -> str:
    parts = [f"announced {_when(change.announced)}"]
    if change.date is not None:
        parts.append(f"date {_when(change.date)}")
    if change.status is not None:
        parts.append(f"status {change.status}")
    text = ", ".join(parts)
    return f"{text}: {change.note}" if change.note else text


def _claim_text(claim: Claim) -> str:
    text = _when(claim.date)
    if claim.announced is not None:
        text += f" (announced {_when(claim.announced)})"
    return f"{text}: {claim.note}" if claim.note else text


def difference_text(difference: Difference, as_of: AsOf, sources: Mapping[str, Source]) -> str:
    """One difference in words, not yet made safe for any output."""
    what = difference.what
    if what == TITLE:
        return f"title: {difference.old_text} → {difference.new_text}"
    if what == DATE:
        if difference.old_written == difference.new_written:  # counts from a moved entry
            return (f"date {difference.new_written} now falls on: "
                    f"{_date_pair(difference, written=False)}")
        return f"date as written: {_date_pair(difference, written=True)}"
    if what == EFFECTIVE:
        return f"effective as of {as_of.text}: {_date_pair(difference, written=False)}"
    if what == STATUS:
        return f"status as of {as_of.text}: {difference.old_text} → {difference.new_text}"
    if what in (CHANGE_ADDED, CHANGE_REMOVED) and difference.change is not None:
        verb = "added" if what == CHANGE_ADDED else "removed"
        return f"change {verb}: {_change_text(difference.change)}"
    if what in (CLAIM_ADDED, CLAIM_REMOVED) and difference.claim is not None:
        verb = "added" if what == CLAIM_ADDED else "removed"
        return f"claim {verb}: {_claim_text(difference.claim)}"
    if what in (SOURCE_ADDED, SOURCE_REMOVED) and difference.source is not None:
        verb = "added" if what == SOURCE_ADDED else "removed"
        return f"source {verb}: {source_label(difference.source, sources)}"
    assert what == DETAILS
    return "also changed: " + ", ".join(difference.fields)


def _story_heading(story: StoryDiff) -> str:
    title = story.title or story.key
    if story.retitled:
        return f"{story.old_title or story.key} → {title}"
    return title


_MARKS = {"added": "+", "removed": "-", "changed": "~"}


def _diff_summary(found: WorkspaceDiff) -> str:
    changed = [story for story in found.stories if story.state != "unchanged"]
    return (
        f"{_plural(found.entry_count, 'entry', 'entries')} in "
        f"{_plural(len(changed), 'story', 'stories')}"
    )


def problem_text(revisions: Sequence[Revision], problem: Problem) -> str:
    """`path:line:col: error: message (in REV)`: located as editors want, and where."""
    return f"{problem} (in {' and '.join(revision.label for revision in revisions)})"


def diff_lines(found: WorkspaceDiff) -> list[Line]:
    head = f"Changes from {found.old.label} to {found.new.label}, as of {found.as_of.text}"
    changed = [story for story in found.stories if story.state != "unchanged"]
    if not changed:
        return [(Span(clean(f"No changes to the stories from {found.old.label} to "
                            f"{found.new.label}."), "muted"),)]
    lines: list[Line] = [(Span(clean(head) + ": ", "banner.title"),
                          Span(_diff_summary(found), "banner"))]
    for story in changed:
        sources = _sources_of(story)
        lines.append(())
        state = {"added": "story added", "removed": "story removed",
                 "unreadable": "does not load", "changed": ""}[story.state]
        heading = [Span(clean(_story_heading(story)), "title"),
                   Span(clean(f"  [{story.key}] {story.path}"), "muted")]
        if state:
            heading.append(Span(f"  {state}", "overdue" if story.state == "unreadable" else ""))
        lines.append(tuple(heading))
        for source in story.sources_added:
            lines.append((Span("  "), Span(clean(f"source defined: "
                                                 f"{source_label(source, sources)}"))))
        for item in story.entries:
            entry = item.current.entry
            lines.append((
                Span(f"  {_MARKS[item.state]} "), Span(f"{item.state:<9}", "history"),
                Span(clean(entry.title), "title"), Span(f" ({entry.id})", "muted"),
                Span(f"  {_when(item.current.date)}", "date"),
            ))
            for difference in item.differences:
                text = difference_text(difference, found.as_of, sources)
                lines.append((Span("      "), Span(clean(text))))
    return lines  # problems go to stderr, located


def diff_markdown(found: WorkspaceDiff) -> str:
    """A pull-request comment: one section per story that changed, a bullet per entry."""
    out = [f"## Timeline changes: {escape(found.old.label)} → {escape(found.new.label)}", ""]
    changed = [story for story in found.stories if story.state != "unchanged"]
    if not changed:
        out += ["_No changes to the stories._", ""]
        return "\n".join(out)
    out += [f"_{_diff_summary(found)}; effective dates and statuses as of "
            f"{escape(found.as_of.text)}._", ""]
    for story in changed:
        sources = _sources_of(story)
        state = {"added": " (new story)", "removed": " (story removed)",
                 "unreadable": " (does not load)", "changed": ""}[story.state]
        out += [f"### {escape(_story_heading(story))} (`{story.key}`){state}", ""]
        for source in story.sources_added:
            out.append(f"- Source defined: {_md_sources([source], sources)}")
        for item in story.entries:
            entry = item.current.entry
            out.append(
                f"- **{item.state.capitalize()}** `{entry.id}` **{escape(entry.title)}**, "
                f"{_md_when(item.current.date)}"
            )
            out += [f"  - {_md_difference(difference, found.as_of, sources)}"
                    for difference in item.differences]
        out.append("")
    if found.problems:
        out += ["### Problems", ""]
        out += [f"- {escape(problem_text(revisions, problem))}"
                for revisions, problem in found.problems]
        out.append("")
    return "\n".join(out)

