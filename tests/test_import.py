"""Importers: ICS and TimelineJS (JSON and sheet CSV) → entries, and what is skipped."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BUNDLED, Run
from policy_timeline import importers
from policy_timeline.dates import DateError, parse_edtf, parse_offset
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


# ------------------------------------------------- this tool's own ICS export, round trip


def _exported_then_imported(run, source: Path, tmp_path: Path, as_of: str):  # type: ignore[no-untyped-def]
    from policy_timeline.loader import load as load_file

    original = load_file([source]).timeline
    feed = tmp_path / "feed.ics"
    assert run("-f", str(source), "--as-of", as_of, "export", "ics", "-o", str(feed)).code == 0
    target = tmp_path / "new.yaml"
    target.write_text(f"timezone: {original.timezone}\nwarn: [{', '.join(w.text for w in original.files[0].warn)}]\nevents: []\n")
    result = run("-f", str(target), "--as-of", as_of, "import", str(feed))
    assert result.code == 0, result.err
    imported = load_file([target])
    assert not imported.errors, [str(p) for p in imported.errors]
    return original, imported.timeline, result


@pytest.mark.parametrize(
    ("name", "as_of"),
    [("timeline.yaml", "2025-07-28"), ("examples/truce-extended.yaml", "2025-11-05"),
     ("examples/truce-extended.yaml", "2025-08-01")],
)
def test_importing_our_own_export_gives_the_same_entries_back(run, tmp_path: Path, name: str, as_of: str) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from policy_timeline.schedule import AsOf, effective

    source = Path(__file__).resolve().parent.parent / name
    original, back, result = _exported_then_imported(run, source, tmp_path, as_of)
    assert "warning" not in result.err, result.err
    moment = AsOf.of_day(date.fromisoformat(as_of), original.timezone)
    before = {e.id: e for e in original.entries if e.announced is None or e.announced.start <= moment.moment}
    after = back.by_id()
    assert set(after) == set(before)
    for entry_id, entry in before.items():
        then, now = effective(entry, moment, original), effective(after[entry_id], moment, back)
        assert now.entry.title == entry.title
        assert now.entry.kind == entry.kind
        assert (now.date.start, now.date.end, now.date.precision) == (then.date.start, then.date.end, then.date.precision), entry_id
        assert (now.date.approximate, now.date.uncertain) == (then.date.approximate, then.date.uncertain)
        assert now.status == then.status, entry_id
        assert now.entry.reminded == entry.reminded, entry_id
        if entry.reminded:
            assert [w.text for w in now.entry.warn] == [w.text for w in entry.warn], entry_id
        assert now.entry.tags == entry.tags and now.entry.actors == entry.actors
        assert now.entry.consequence == entry.consequence


def test_a_timed_deadline_keeps_its_lead_times(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "timed.yaml"
    source.write_text("timezone: Europe/Brussels\nevents:\n  - id: vote\n    title: Vote closes\n    kind: deadline\n    date: 2025-09-10T17:00\n    warn: [2w, 1d]\n")
    _, back, result = _exported_then_imported(run, source, tmp_path, "2025-08-01")
    assert "warning" not in result.err, result.err
    vote = back.by_id()["vote"]
    assert vote.date_text == "2025-09-10T17:00" and vote.kind == "deadline"
    assert [w.text for w in vote.warn] == ["2w", "1d"]


def test_reimporting_a_calendar_after_an_event_moved_updates_the_entry(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from policy_timeline.loader import load as load_file

    calendar = tmp_path / "cal.ics"
    event = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//EN\r\nBEGIN:VEVENT\r\nUID:abc-123@example.org\r\n"
             "DTSTAMP:20250101T000000Z\r\nSUMMARY:Council vote\r\nDTSTART;VALUE=DATE:{day}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    calendar.write_text(event.format(day="20250910"))
    target = tmp_path / "t.yaml"
    target.write_text("events: []\n")
    assert run("-f", str(target), "--as-of", "2025-08-01", "import", str(calendar)).code == 0
    assert "uid: abc-123@example.org" in target.read_text()
    calendar.write_text(event.format(day="20250924"))
    again = run("-f", str(target), "--as-of", "2025-08-05", "import", str(calendar))
    assert again.code == 0, again.err
    assert "moved council-vote from 2025-09-10 to 2025-09-24" in again.out
    entries = load_file([target]).timeline.entries
    assert [e.id for e in entries] == ["council-vote"]
    last = entries[0].changes[-1]
    assert (last.announced.text, last.date and last.date.text) == ("2025-08-05", "2025-09-24")
    assert last.note and "moved by import" in last.note
    third = run("-f", str(target), "--as-of", "2025-08-06", "--format", "json", "import", str(calendar))
    assert json.loads(third.out)["moved"] == [] and json.loads(third.out)["added"] == []


def test_our_own_export_reimported_after_a_move_records_it(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from policy_timeline.loader import load as load_file

    target = tmp_path / "t.yaml"
    target.write_text("events:\n  - id: a\n    title: A\n    kind: deadline\n    date: 2025-09-10\n")
    feed = tmp_path / "feed.ics"
    moved = tmp_path / "moved.yaml"
    moved.write_text(target.read_text().replace("2025-09-10", "2025-09-20"))
    assert run("-f", str(moved), "--as-of", "2025-08-01", "export", "ics", "-o", str(feed)).code == 0
    result = run("-f", str(target), "--as-of", "2025-08-02", "import", str(feed))
    assert result.code == 0, result.err
    entry = load_file([target]).timeline.by_id()["a"]
    assert entry.changes[-1].date is not None and entry.changes[-1].date.text == "2025-09-20"


def test_unknown_tzid_is_said(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    calendar = tmp_path / "cal.ics"
    calendar.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20250101T000000Z\r\n"
                        "SUMMARY:Call\r\nDTSTART;TZID=Mars/Olympus:20250910T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    target = tmp_path / "t.yaml"
    target.write_text("timezone: Europe/Brussels\nevents: []\n")
    result = run("-f", str(target), "--as-of", "2025-08-01", "import", str(calendar))
    assert result.code == 0, result.err
    assert "'Mars/Olympus', which is not known here" in result.err and "Europe/Brussels" in result.err
    assert "date: 2025-09-10T10:00\n" in target.read_text()


def test_json_nested_too_deep_is_a_located_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    deep = tmp_path / "deep.json"
    deep.write_text('{"events": [' + "[" * 100_000 + "]" * 100_000 + "]}")
    target = tmp_path / "t.yaml"
    target.write_text("events: []\n")
    result = run("-f", str(target), "import", str(deep))
    assert result.code == 1
    assert f"{deep}:1:" in result.err and "nested" in result.err and "internal error" not in result.err


def test_our_own_export_of_a_later_moment_is_not_a_move(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = Path(__file__).resolve().parent.parent / "examples" / "truce-extended.yaml"
    target = tmp_path / "t.yaml"
    target.write_bytes(source.read_bytes())
    feed = tmp_path / "feed.ics"
    assert run("-f", str(target), "--as-of", "2025-11-05", "export", "ics", "-o", str(feed)).code == 0
    before = target.read_bytes()
    result = run("-f", str(target), "--as-of", "2025-07-28", "--format", "json", "import", str(feed))
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["moved"] == [] and report["added"] == []
    assert target.read_bytes() == before


# ------------------------------------------------------- property: export → import → same


_DATES = st.one_of(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)).map(lambda d: d.isoformat()),
    st.tuples(st.integers(1990, 2090), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.tuples(st.integers(1990, 2090), st.integers(1, 4)).map(lambda t: f"{t[0]}-Q{t[1]}"),
    st.tuples(st.integers(1990, 2090), st.integers(1, 2)).map(lambda t: f"{t[0]}-H{t[1]}"),
    st.tuples(st.integers(1990, 2090), st.integers(21, 24)).map(lambda t: f"{t[0]}-{t[1]}"),
    st.integers(1990, 2090).map(str),
    st.tuples(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)), st.integers(1, 40)).map(
        lambda t: f"{t[0].isoformat()}/{(t[0] + timedelta(days=t[1])).isoformat()}"),
    st.tuples(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 23),
              st.integers(0, 59), st.sampled_from(["", "Z", "+05:30", "-04:00"])).map(
        lambda t: f"{t[0].isoformat()}T{t[1]:02d}:{t[2]:02d}{t[3]}"),
)


@settings(max_examples=80, deadline=None)
@given(
    written=_DATES,
    mark=st.sampled_from(["", "~", "?", "%"]),
    deadline=st.booleans(),
    leads=st.lists(st.sampled_from(["1d", "3d", "2w", "30d", "1mo", "1y"]), unique=True, max_size=3),
    zone=st.sampled_from(["UTC", "America/New_York", "Asia/Tokyo"]),
)
def test_export_then_import_gives_the_entry_back(
    written: str, mark: str, deadline: bool, leads: list[str], zone: str
) -> None:
    from policy_timeline.exporters import export
    from policy_timeline.schedule import AsOf, known_entries
    from policy_timeline.timeline import Entry, FileInfo, Timeline

    if "T" in written or "/" in written:
        mark = ""  # qualifiers on days and months only here
    try:
        interval = parse_edtf(written + mark, zone)
    except DateError:
        return
    warn = tuple(parse_offset(lead) for lead in leads)
    entry = Entry(id="e", title="Some entry", date=interval, date_text=written + mark,
                  kind="deadline" if deadline else "event", warn=warn if (deadline or warn) else (),
                  warn_explicit=bool(warn), zone=zone)
    default = (parse_offset("7d"),)
    timeline = Timeline((FileInfo("t.yaml", "T", zone, default),), (entry,))
    as_of = AsOf.of_day(date(1989, 1, 1), zone)
    text = export("ics", timeline, as_of, list(known_entries(timeline, as_of)))
    parsed = importers.parse(text, "feed.ics", "ics", zone)
    assert not [p for p in parsed.problems if p.severity == "error"], parsed.problems
    empty = Timeline((FileInfo("new.yaml", None, zone, default),), ())
    outcome = importers.plan(parsed.entries, empty, {}, zone, {}, as_of)
    [back] = outcome.added
    assert back["id"] == "e" and back["title"] == "Some entry"
    again = parse_edtf(back["date"], zone)
    assert (again.start, again.end) == (interval.start, interval.end), (written + mark, back["date"])
    if "/" not in written and "T" not in written:
        assert again.precision == interval.precision
        assert (again.approximate, again.uncertain) == (interval.approximate, interval.uncertain)
    assert back.get("kind") == entry.kind
    if entry.reminded:
        expected = [lead.text for lead in warn] if warn else None
        if deadline and [lead.text for lead in warn] == ["7d"]:
            expected = None  # the file's default is not written again
        got = back.get("warn")  # lead times are a set: the export orders its alarms
        assert (got is None) == (expected is None), (leads, back)
        assert sorted(got or []) == sorted(expected or []), (leads, back)


def test_our_export_passed_through_another_calendar_is_still_ours(tmp_path: Path) -> None:
    from policy_timeline.exporters import export
    from policy_timeline.loader import load as load_file
    from policy_timeline.schedule import AsOf, known_entries

    source = Path(__file__).resolve().parent.parent / "examples" / "truce-extended.yaml"
    timeline = load_file([source]).timeline
    as_of = AsOf.of_day(date(2025, 8, 1), timeline.timezone)
    text = export("ics", timeline, as_of, list(known_entries(timeline, as_of)))
    text = text.replace("PRODID:-//policy-timeline//timeline export//EN", "PRODID:-//Google Inc//Google Calendar 70.9054//EN")
    parsed = importers.parse(text, "feed.ics", "ics", timeline.timezone)
    by_title = {item.fields["title"]: item for item in parsed.entries}
    expiry = by_title["90-day tariff freeze expires"]
    assert expiry.fields["kind"] == "deadline" and expiry.fields["warn"] == ["14d", "3d"]
    assert expiry.preferred_id == "truce-expiry"


def test_backslashes_before_n_comma_and_semicolon_come_back_as_written(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    """icalendar alone reads an escaped backslash before N as a line break."""
    title = "\\N and \\, and \\; end\\"
    source = tmp_path / "a.yaml"
    source.write_text(
        "title: A\nevents:\n  - id: a\n    title: '" + title + "'\n    date: 2025-05-12\n",
        encoding="utf-8",
    )
    calendar = tmp_path / "a.ics"
    assert run("-f", str(source), "--as-of", "2025-01-01", "export", "ics",
               "-o", str(calendar)).code == 0
    target = tmp_path / "b.yaml"
    target.write_text("title: B\nevents: []\n", encoding="utf-8")
    done = run("-f", str(target), "--as-of", "2025-01-01", "import", str(calendar))
    assert done.code == 0, done.err
    [entry] = load([target]).timeline.entries
    assert entry.title == title
