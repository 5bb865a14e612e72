"""Exporters: one module a format, each a pure function from the timeline to text.

Every format module defines ``export(timeline, as_of, entries) -> str`` where ``entries``
are the `Effective` items to export (already filtered, in timeline order). Exporters never
write files and never read the clock; the command line does both.

The registry is a fixed table of format name → module, imported on first use, so that
`timeline export ics` does not pay for the HTML or SVG code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from ..schedule import AsOf, Effective
    from ..timeline import Timeline

@dataclass(frozen=True, slots=True)
class Format:
    name: str
    module: str  # under policy_timeline.exporters
    suffix: str  # the usual file name ending
    help: str  # where it is useful, one line


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("ics", "ics", ".ics", "iCalendar feed with alarms, for calendar apps"),
        Format("json", "json", ".json", "the `show --format json` document, for scripts"),
        Format("markdown", "markdown", ".md", "GitHub-flavoured Markdown, for docs and PRs"),
        Format("html", "html", ".html", "one self-contained page, to share or print"),
        Format("svg", "svg", ".svg", "a chart of the timeline, for slides and READMEs"),
        Format("mermaid", "mermaid", ".mmd", "Mermaid timeline and gantt diagrams"),
        Format("timelinejs", "timelinejs", ".json", "Knight Lab TimelineJS JSON, to embed"),
    )
}


class UnknownFormat(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown export format {name!r}; choose one of {', '.join(FORMATS)}")
        self.name = name


def export(
    name: str, timeline: Timeline, as_of: AsOf, entries: Sequence[Effective], **options: str
) -> str:
    """Format ``name``; ``options`` are that format's own (mermaid ``diagram``,
    timelinejs ``group_by``)."""
    found = FORMATS.get(name)
    if found is None:
        raise UnknownFormat(name)
    module = import_module(f"{__name__}.{found.module}")
    return cast(str, module.export(timeline, as_of, entries, **options))


# --------------------------------------------------------------- shared by formats

# C0/C1 control characters other than tab and newline: never valid in XML, meaningless in
# ICS TEXT, and a way to smuggle terminal escapes; shown as U+FFFD instead.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def clean_text(text: str) -> str:
    """File text with control characters replaced, safe to put in XML, HTML or ICS.

    A byte-order mark inside text means nothing and some readers drop it: it goes.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return _CONTROL.sub("\ufffd", text)


def safe_url(reference: str) -> str | None:
    """``reference`` when it is a link a reader may follow (http, https, mailto), else None."""
    text = reference.strip()
    if text.lower().startswith(_SAFE_SCHEMES) and not _CONTROL.search(text) and " " not in text:
        return text
    return None


@dataclass(frozen=True, slots=True)
class SourceLink:
    label: str
    url: str | None


def source_links(timeline: Timeline, references: Sequence[str]) -> list[SourceLink]:
    """Source ids and bare URLs as (label, url): a defined source by its title and publisher."""
    links: list[SourceLink] = []
    for reference in references:
        source = timeline.sources.get(reference)
        if source is not None:
            label = source.title or source.id
            if source.publisher:
                label = f"{label} ({source.publisher})"
            links.append(SourceLink(clean_text(label), safe_url(source.url or "")))
        else:
            links.append(SourceLink(clean_text(reference), safe_url(reference)))
    return links


@dataclass(frozen=True, slots=True)
class Standing:
    """Where an entry stands at T, for colouring and countdowns in pages and charts.

    ``state`` is ``overdue``, ``today``, ``upcoming`` (within a lead time), ``open`` (a
    reminded entry further out), ``met``, ``missed``, ``cancelled``, ``superseded``, or
    ``event`` for entries that are not reminded. ``days_left`` is set for open reminded ones.
    """

    state: str
    days_left: int | None
    window: str | None


def standing(item: Effective, as_of: AsOf) -> Standing:
    """`schedule.standing` in the words pages and charts use as CSS classes and labels."""
    from ..schedule import LATER, OVERDUE, SOON, TODAY
    from ..schedule import standing as countdown_of

    found = countdown_of(item, as_of)
    if found is None:
        return Standing("event", None, None)
    if found.urgency in (LATER, SOON, OVERDUE, TODAY):
        state = {SOON: "upcoming", LATER: "open"}.get(found.urgency, found.urgency)
        window = found.window.text if found.window is not None else None
        return Standing(state, found.days_left, window)
    return Standing(found.urgency, None, None)  # met, missed, cancelled, superseded
