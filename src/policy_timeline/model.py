"""The timeline file as written (SPEC section 1): pydantic models, no I/O.

These models validate the *shape* of a file: which keys exist, their types, ids and
enumerations. Dates, lead times and references stay strings here; `resolve` turns them
into intervals once every entry of every file is known. The JSON Schema served by
`timeline schema` is generated from these models, so descriptions here are what
editors show while people type.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
MAX_LINE = 500  # a title is one line; anything longer is a mistake, not a title
MAX_TEXT = 20_000  # summaries, notes and consequences

EntryId = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=100),
    Field(description="Unique within the story (file): lowercase letters, digits and '-'."),
]
StoryKey = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=100),
    Field(
        description="The story's key, used by calendar UIDs, notifications and references "
        "from other stories ('key:id + 30d'); default: the file name without its extension."
    ),
]
OneLine = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_LINE, pattern=r"^[^\r\n]*$"),
]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Word = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\r\n]*$")]
_EDTF_FORMS = (
    "2025, 2025-05, 2025-05-12, 2025-08-12T00:01-04:00 (without an offset: in the file's "
    "timezone), 2025-06~ (approximate), 2025-06-10? (uncertain), 2025-Q3, 2025-H2, "
    "2025-06-09/2025-06-10 (a span)"
)
#: What editors flag in the fields where the loader refuses a relative date (JSON Schema
#: only: the loader's own message says why).
_RELATIVE_FORM = r"^\s*[a-z0-9-]*[a-z][a-z0-9-]*\s*[+-]\s*[0-9]+\s*(d|w|mo|y)\s*$"

EntryDate = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    Field(
        description=(
            f"An EDTF level 0-1 date ({_EDTF_FORMS}), or a date relative to another entry of "
            "this story: 'geneva-truce + 90d' (d, w, mo, y; '-' too)."
        ),
        examples=["2025-05-12", "2025-06~", "2025-08-12T00:01-04:00", "geneva-truce + 90d"],
    ),
]
FixedDate = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    Field(
        description=(
            f"An EDTF level 0-1 date ({_EDTF_FORMS}); not relative to another entry "
            "(only an entry's own 'date' may be)."
        ),
        examples=["2025-08-11", "2025-08", "2025-08-11T16:30-04:00", "2025-08~"],
        json_schema_extra={"not": {"pattern": _RELATIVE_FORM}},
    ),
]
LeadTime = Annotated[
    str,
    StringConstraints(max_length=20),
    Field(description="A lead time: a number and d, w, mo or y.", examples=["30d", "2w"]),
]
SourceRef = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000),
    Field(description="The id of a source under `sources`, or a bare URL."),
]


class Confidence(StrEnum):
    CONFIRMED = "confirmed"
    REPORTED = "reported"
    DISPUTED = "disputed"
    RUMORED = "rumored"


class Status(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class SourceModel(_Strict):
    title: OneLine | None = None
    publisher: OneLine | None = None
    url: Annotated[str, StringConstraints(max_length=2000)] | None = None
    date: FixedDate | None = Field(default=None, description=(
        "When the source was published: an EDTF level 0-1 date; not relative to another "
        "entry."
    ))


class ClaimModel(_Strict):
    date: FixedDate = Field(description=(
        "Another reading of the entry's date that these sources give: an EDTF level 0-1 "
        "date; not relative to another entry."
    ))
    sources: list[SourceRef] = Field(default_factory=list)
    note: Text | None = None
    announced: FixedDate | None = Field(
        default=None, description="When this reading became known; ignored as of earlier."
    )


class ChangeModel(_Strict):
    announced: FixedDate = Field(description=(
        "When the change became known (required): an EDTF level 0-1 date; not relative to "
        "another entry."
    ))
    date: FixedDate | None = Field(default=None, description=(
        "The new date, if it moved: an EDTF level 0-1 date; not relative to another entry "
        "(for 'extended by 90 days', write the date that gives)."
    ))
    status: Status | None = None
    note: Text | None = None
    sources: list[SourceRef] = Field(default_factory=list)
    claims: list[ClaimModel] = Field(default_factory=list)


class EntryModel(_Strict):
    id: EntryId
    title: OneLine
    date: EntryDate
    kind: Word = Field(default="event", description="Free word; `deadline` is special.")
    tags: list[Word] = Field(default_factory=list)
    actors: list[Word] = Field(default_factory=list)
    summary: Text | None = None
    sources: list[SourceRef] = Field(default_factory=list)
    confidence: Confidence = Confidence.CONFIRMED
    announced: FixedDate | None = Field(default=None, description=(
        "When this entry became known (hidden when viewing as of earlier): an EDTF level 0-1 "
        "date; not relative to another entry."
    ))
    warn: list[LeadTime] | None = Field(
        default=None, description="Lead times for reminders; overrides the file's default."
    )
    claims: list[ClaimModel] = Field(default_factory=list)
    changes: list[ChangeModel] = Field(default_factory=list)
    consequence: Text | None = None
    uid: Annotated[str, StringConstraints(min_length=1, max_length=1000)] | None = Field(
        default=None,
        description="The UID of the calendar event this entry was imported from: "
        "importing that calendar again updates this entry.",
    )


class FileModel(_Strict):
    """Top level of a timeline file."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="policy-timeline file",
        json_schema_extra={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://policy-timeline.invalid/schema/timeline.json",
        },
    )

    key: StoryKey | None = None
    title: OneLine | None = None
    timezone: Annotated[str, StringConstraints(max_length=100)] = Field(
        default="UTC", description="IANA zone for times written without an offset."
    )
    warn: list[LeadTime] = Field(
        default_factory=lambda: ["30d", "7d", "1d"],
        description="Default lead times for deadline reminders.",
    )
    sources: dict[EntryId, SourceModel] = Field(default_factory=dict)
    events: list[EntryModel] = Field(default_factory=list)


#: The keys each mapping accepts, for "did you mean" suggestions.
KNOWN_KEYS: dict[str, tuple[str, ...]] = {
    "file": tuple(FileModel.model_fields),
    "entry": tuple(EntryModel.model_fields),
    "change": tuple(ChangeModel.model_fields),
    "claim": tuple(ClaimModel.model_fields),
    "source": tuple(SourceModel.model_fields),
}

_CHANGE_KEYS = "a change holds only 'announced', 'date', 'status', 'note', 'sources' and 'claims'"

#: For a key that is not valid where it was written but means something elsewhere: what
#: the file should hold instead. By place (as in KNOWN_KEYS), then key; for the loader's
#: "unknown key" message, in place of a "did you mean" among the keys valid there.
MISPLACED_KEY_HINTS: dict[str, dict[str, str]] = {
    "file": {
        "id": "entries go in the 'events' list, each with its own 'id', 'title' and 'date'",
        "date": "entries go in the 'events' list, each with its own 'id', 'title' and 'date'",
        "kind": "entries go in the 'events' list, each with its own 'kind'",
        "entries": "the list of entries is 'events'",
    },
    "entry": {
        "status": (
            "an entry has no status of its own: a change sets it, when it became known "
            "(changes: - announced: 2025-08-11, status: met); 'changes' lists them"
        ),
        "note": "an entry's text is its 'summary'; a 'note' belongs to one of its 'changes'",
        "url": "list URLs (or ids of 'sources' defined at the top) under 'sources'",
        "source": "the key is 'sources': a list of source ids or URLs",
        "deadline": "a deadline is an entry with 'kind: deadline' and its 'date'",
        "due": "a deadline's due date is its 'date' (with 'kind: deadline')",
        "lead": "lead times are 'warn', a list such as [14d, 3d]",
        "reminders": "lead times are 'warn', a list such as [14d, 3d]",
    },
    "change": {
        key: f"{_CHANGE_KEYS}; '{key}' belongs to the entry itself"
        for key in ("title", "kind", "tags", "actors", "summary", "warn", "confidence",
                    "consequence", "id")
    },
    "claim": {
        "status": (
            "a claim holds only 'date', 'sources', 'note' and 'announced'; "
            "a change sets a 'status'"
        ),
    },
    "source": {
        "name": "a source's name is its 'title' (and 'publisher')",
        "link": "a source's address is its 'url'",
        "href": "a source's address is its 'url'",
    },
}
