"""Importers: ICS and TimelineJS (JSON and sheet CSV) → entries, and what is skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BUNDLED
from policy_timeline import importers
from policy_timeline.loader import load

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"


def parse(name: str) -> importers.Parsed:
    path = FIXTURES / name
    text = path.read_text(encoding="utf-8")
    return importers.parse(text, name, importers.detect_format(name, text))


def test_ics_events_alarms_and_dates() -> None:
    parsed = parse("calendar.ics")
    by_title = {e.fields["title"]: e for e in parsed.entries}
    expiry = by_title["Tariff freeze expires"]
    assert expiry.fields == {
        "title": "Tariff freeze expires",
        "date": "2025-08-12",
        "tags": ["tariffs", "truce"],
        "summary": "The 90-day freeze ends, unless extended.\nTariffs snap back.",
        "sources": ["https://example.org/freeze"],
        "warn": ["2w", "3d"],  # -P14D and -PT72H; the 15-minute alarm is reported
    }
    assert expiry.uid == "freeze-expiry@example.org"
    assert expiry.location.line == 21
    assert by_title["London talks"].fields["date"] == "2025-06-09/2025-06-10"  # DTEND exclusive
    call = by_title["Trump–Xi phone call"].fields
    assert call["date"] == "2025-06-05T10:30-04:00" and call["warn"] == ["1d"]  # absolute trigger
    assert by_title["Briefing in UTC"].fields["date"] == "2025-07-01T16:00Z"
    messages = [(p.severity, p.location.line, p.message) for p in parsed.problems]
    assert ("warning", 21, "'Tariff freeze expires': an alarm 15 minutes before the start cannot "
            "be written as a lead time (whole days before the date): skipped") in messages
    assert any("repeats" in m for _, _, m in messages)


def test_timelinejs_json() -> None:
    parsed = parse("timeline.json")
    assert [(e.fields["title"], e.fields["date"], e.uid) for e in parsed.entries] == [
        ("Geneva trade truce", "2025-05", "geneva"),
        ("London talks", "2025-06-09/2025-06-10", None),
        ("Tariff freeze expires", "2025-08-12T00:01", "expiry"),
        ("Rare-earth licences", "2025", None),
    ]
    first = parsed.entries[0].fields
    assert first["summary"] == "A 90-day freeze.\n\nBoth sides & more."
    assert first["tags"] == ["tariffs"]
    assert parsed.entries[1].fields["sources"] == ["https://example.org/london"]
    assert not parsed.problems


def test_timelinejs_sheet_csv() -> None:
    parsed = parse("sheet.csv")
    assert [(e.fields["title"], e.fields["date"], e.location.line) for e in parsed.entries] == [
        ("Geneva trade truce", "2025-05-12", 3),
        ("London talks", "2025-06-09/2025-06-10", 4),
        ("Trump–Xi phone call", "2025-06-05T13:30", 5),  # 1:30 PM
        ("Rare-earth licences due", "2025-08", 6),
    ]
    assert parsed.entries[3].fields["summary"] == "Multi-line\ntext here"
    assert [(p.location.line, p.message) for p in parsed.problems] == [
        (2, "a 'title' row is not an event: skipped"),
        (8, "a 'era' row is not an event: skipped"),
    ]


@pytest.mark.parametrize(
    ("name", "text", "line", "fragment"),
    [
        ("bad.ics", "BEGIN:VCALENDAR\nnot a line\n", 1, "not an iCalendar file"),
        ("bad.json", '{"events": [\n  {"start_date": {"year": 2025}, }\n]}', 2, "not JSON"),
        ("bad.json", '{"title": {}}', 1, "'events' list"),
        ("bad.json", '{"events": [{"start_date": {"year": 2025, "month": 2, "day": 30},'
                     ' "text": {"headline": "X"}}]}', 1, "'X': bad date"),
        ("bad.csv", "Year,Headline\n2025,\n", 2, "without a headline"),
        ("bad.csv", "Year,Month,Headline\n2025,13,X\n", 2, "month 13"),
        ("bad.csv", "Year,Month,Day,Time,Headline\n2025,1,2,25:00,X\n", 2, "24-hour"),
        ("bad.csv", "Name,Date\nX,2025\n", 1, "not a TimelineJS sheet"),
    ],
)
def test_bad_input_is_a_located_error(name: str, text: str, line: int, fragment: str) -> None:
    parsed = importers.parse(text, name, importers.detect_format(name, text))
    errors = [p for p in parsed.problems if p.severity == "error"]
    assert errors, parsed
    assert errors[0].location.line == line
    assert fragment in errors[0].message


def test_detect_format_by_name_then_content() -> None:
    assert importers.detect_format("a.ICS", "") == "ics"
    assert importers.detect_format("-", "BEGIN:VCALENDAR\r\n") == "ics"
    assert importers.detect_format("-", ' {"events": []}') == "json"
    assert importers.detect_format("feed", "Year,Headline\n") == "csv"


def test_plan_skips_same_uid_and_same_title_and_date() -> None:
    timeline = load([BUNDLED]).timeline
    geneva = timeline.by_id()["geneva-truce"]
    location = geneva.location
    assert location is not None
    items = [
        importers.Imported({"title": "GENEVA  trade truce", "date": geneva.date_text}, location),
        importers.Imported({"title": "Other", "date": "2030"}, location, uid="geneva-truce@example.org"),
        importers.Imported({"title": "Exported", "date": "2030"}, location, uid="x-1@policy-timeline"),
        importers.Imported({"title": "New thing", "date": "2031"}, location, uid="n@example.org"),
        importers.Imported({"title": "New thing", "date": "2031"}, location),  # repeated in the file
        importers.Imported({"title": "Geneva trade truce", "date": "2031"}, location),
    ]
    plan = importers.plan(items, timeline, {}, timeline.timezone, {"x-1@policy-timeline": "trump-xi-call"})
    assert [(s.imported.fields["title"], s.reason) for s in plan.skipped] == [
        ("GENEVA  trade truce", "same title and date as 'geneva-truce'"),
        ("Other", "same UID as 'geneva-truce'"),
        ("Exported", "same UID as 'trump-xi-call'"),
        ("New thing", "same title and date as 'new-thing'"),
    ]
    assert [(e["id"], e["date"]) for e in plan.added] == [
        ("new-thing", "2031"),
        ("geneva-trade-truce", "2031"),
    ]
