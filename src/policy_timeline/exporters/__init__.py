"""Exporters: one module a format, each a pure function from the timeline to text.

Every format module defines ``export(timeline, as_of, entries) -> str`` where ``entries``
are the `Effective` items to export (already filtered, in timeline order). Exporters never
write files and never read the clock; the command line does both.

The registry is a fixed table of format name → module, imported on first use, so that
`timeline export ics` does not pay for the HTML or SVG code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, cast

from ..presentation import SourceLink, Standing, source_links, standing
from ..safe_text import clean
from ..safe_text import safe_url as _safe_url

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

# the one module that makes file text safe for each output, and the one presentation of an
# entry that every format formats (kept here under the names the formats import)
clean_text = clean
safe_url = _safe_url
__all__ = ["FORMATS", "Format", "SourceLink", "Standing", "UnknownFormat", "clean_text", "export",
           "safe_url", "source_links", "standing"]
