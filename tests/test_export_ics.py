"""ICS export: RFC 5545 shape, alarms, UIDs and SEQUENCE, round trips, and khal as a client."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from conftest import BUNDLED, EXAMPLE, ROOT, khal_runner
from policy_timeline.dates import parse_edtf
from policy_timeline.exporters import export
from policy_timeline.exporters.ics import uid
from policy_timeline.loader import load
from policy_timeline.schedule import AsOf, known_entries, sorted_by_effective
from policy_timeline.timeline import Entry, FileInfo, Timeline

TRICKY = ROOT / "tests" / "fixtures" / "export" / "tricky.yaml"


def ics(path: Path, as_of: str) -> str:
    timeline = load([str(path)]).timeline
    moment = AsOf.of_day(date.fromisoformat(as_of), timeline.timezone)
    return export("ics", timeline, moment, sorted_by_effective(known_entries(timeline, moment)))


def events(text: str) -> dict[str, object]:
    calendar = Calendar.from_ical(text)
    return {_id(event): event for event in calendar.walk("VEVENT")}


def _id(event: object) -> str:
    return str(event["uid"]).split("@")[0].rsplit("-", 1)[0]  # type: ignore[index]


# ------------------------------------------------------------------------ goldens


@pytest.mark.parametrize(
    ("name", "path", "as_of"),
    [("bundled", BUNDLED, "2025-07-28"), ("example", EXAMPLE, "2025-09-01"),
     ("example-later", EXAMPLE, "2025-12-01"), ("tricky", TRICKY, "2025-03-01")],
)
def test_golden(golden: Callable[[str, str], None], name: str, path: Path, as_of: str) -> None:
    text = ics(path, as_of)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    golden(f"export/{name}.ics", text.replace("\r\n", "\n"))


# -------------------------------------------------------------------------- shape


def test_lines_are_folded_and_ascii_safe() -> None:
    for line in ics(TRICKY, "2025-03-01").split("\r\n"):
        assert len(line.encode("utf-8")) <= 75


def test_one_event_per_entry_with_stable_unique_uids() -> None:
    first = Calendar.from_ical(ics(EXAMPLE, "2025-09-01")).walk("VEVENT")
    again = Calendar.from_ical(ics(EXAMPLE, "2025-12-01")).walk("VEVENT")
    uids = [str(event["uid"]) for event in first]
    assert len(uids) == len(set(uids)) == 10
    assert {str(event["uid"]) for event in again} == set(uids)


def test_uids_differ_between_files_with_the_same_ids() -> None:
    interval = parse_edtf("2025-05-12")
    entry = Entry(id="truce", title="Truce", date=interval, date_text="2025-05-12", story="a")
    other = Entry(id="truce", title="Truce", date=interval, date_text="2025-05-12", story="b")
    one = Timeline((FileInfo("a.yaml", "Story A", "UTC", (), "a"),), (entry,))
    two = Timeline((FileInfo("b.yaml", "Story B", "UTC", (), "b"),), (other,))
    assert uid(one, entry) != uid(two, other)
    assert uid(one, entry) == uid(one, entry)
    # the key, never the title: retitling a story keeps every UID
    retitled = Timeline((FileInfo("a.yaml", "Story A, fixed", "UTC", (), "a"),), (entry,))
    assert uid(retitled, entry) == uid(one, entry)


def test_all_day_dates_spans_partials_and_instants() -> None:
    found = events(ics(EXAMPLE, "2025-09-01"))
    geneva = found["geneva-truce"]
    assert geneva["dtstart"].params.get("VALUE") == "DATE"  # type: ignore[index]
    assert geneva["dtstart"].dt == date(2025, 5, 12)  # type: ignore[index]
    assert geneva["dtend"].dt == date(2025, 5, 13)  # type: ignore[index]
    london = found["london-talks"]  # 2025-06-09/2025-06-10: DTEND is exclusive
    assert (london["dtstart"].dt, london["dtend"].dt) == (date(2025, 6, 9), date(2025, 6, 11))  # type: ignore[index]
    magnets = found["magnets-easing"]  # 2025-06~: on its earliest day, precision in SUMMARY
    assert magnets["dtstart"].dt == date(2025, 6, 1)  # type: ignore[index]
    assert str(magnets["summary"]).endswith("(~Jun 2025)")  # type: ignore[index]
    assert "month precision" in str(magnets["description"])  # type: ignore[index]
    quarter = found["rare-earth-licences"]
    assert quarter["dtstart"].dt == date(2025, 10, 1)  # type: ignore[index]
    assert "(Q4 2025)" in str(quarter["summary"])  # type: ignore[index]
    notice = found["tariff-snapback-notice"]  # written with an offset: given in UTC
    assert notice["dtstart"].dt == datetime(2025, 8, 12, 4, 1, tzinfo=UTC)  # type: ignore[index]
    assert "dtend" not in notice  # type: ignore[operator]


def test_instant_without_offset_keeps_the_file_zone_with_a_vtimezone() -> None:
    text = ics(TRICKY, "2025-03-01")
    assert "DTSTART;TZID=Europe/Berlin:20250310T120000" in text
    calendar = Calendar.from_ical(text)
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    vote = events(text)["berlin-instant"]
    assert vote["dtstart"].dt.utcoffset() == timedelta(hours=1)  # type: ignore[index]


def test_one_vtimezone_per_zone_in_use_in_order(write: Callable[..., Path]) -> None:
    """Two files in two zones, instants with and without offsets: a VTIMEZONE for exactly
    the TZIDs the events use (as icalendar finds them), once each, sorted."""
    tokyo = write(
        "timezone: Asia/Tokyo\nevents:\n"
        "  - {id: t1, title: T1, date: 2025-03-10T09:00}\n"
        "  - {id: t2, title: T2, date: 2025-03-11T09:00/2025-03-11T10:00}\n"
        "  - {id: utc, title: U, date: 2025-03-12T09:00Z}\n",
        "tokyo.yaml",
    )
    berlin = write(
        "timezone: Europe/Berlin\nevents:\n"
        "  - {id: b1, title: B1, date: 2025-03-13T12:00}\n"
        "  - {id: off, title: O, date: '2025-03-14T12:00+05:00'}\n"
        "  - {id: day, title: D, date: 2025-03-15}\n",
        "berlin.yaml",
    )
    timeline = load([str(tokyo), str(berlin)]).timeline
    moment = AsOf.of_day(date(2025, 3, 1), timeline.timezone)
    text = export("ics", timeline, moment, sorted_by_effective(known_entries(timeline, moment)))
    calendar = Calendar.from_ical(text)
    zones = [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")]
    assert zones == ["Asia/Tokyo", "Europe/Berlin"]
    assert set(zones) == calendar.get_used_tzids()
    assert len(calendar.walk("VEVENT")) == 6


def test_alarms_one_per_lead_time_at_the_start_of_the_lead_day() -> None:
    found = events(ics(EXAMPLE, "2025-07-28"))
    expiry = found["truce-expiry"]
    triggers = [alarm["trigger"].dt for alarm in expiry.walk("VALARM")]  # type: ignore[attr-defined]
    assert triggers == [timedelta(days=-14), timedelta(days=-3)]
    alarm = expiry.walk("VALARM")[0]  # type: ignore[attr-defined]
    assert str(alarm["action"]) == "DISPLAY"
    assert "Tariffs snap back" in str(alarm["description"])
    assert "counted in calendar days in America/New_York" in str(expiry["description"])  # type: ignore[index]
    assert "If missed: Tariffs snap back" in str(expiry["description"])  # type: ignore[index]
    # an instant with its own warn: 2d before its day starts, in the file's zone
    notice = found["tariff-snapback-notice"]
    (trigger,) = [alarm["trigger"].dt for alarm in notice.walk("VALARM")]  # type: ignore[attr-defined]
    assert trigger == -timedelta(days=2, minutes=1)
    # plain events get none
    assert not found["geneva-truce"].walk("VALARM")  # type: ignore[attr-defined]


def test_no_alarms_for_met_or_cancelled_and_status_cancelled() -> None:
    chip = events(ics(EXAMPLE, "2025-10-01"))["chip-rule-review"]
    assert str(chip["status"]) == "CANCELLED"  # type: ignore[index]
    assert not chip.walk("VALARM")  # type: ignore[attr-defined]
    assert "[cancelled]" in str(chip["summary"])  # type: ignore[index]
    before = events(ics(EXAMPLE, "2025-09-01"))["chip-rule-review"]
    assert str(before["status"]) == "CONFIRMED" and before.walk("VALARM")  # type: ignore[index, attr-defined]
    met = events(ics(TRICKY, "2025-03-25"))["met-deadline"]
    assert not met.walk("VALARM")  # type: ignore[attr-defined]
    assert str(met["status"]) != "CANCELLED"  # type: ignore[index]


def test_sequence_counts_applied_changes_and_dtstart_moves() -> None:
    before = events(ics(EXAMPLE, "2025-07-28"))["truce-expiry"]
    after = events(ics(EXAMPLE, "2025-12-01"))["truce-expiry"]
    assert (before["sequence"], after["sequence"]) == (0, 2)  # type: ignore[index]
    assert before["uid"] == after["uid"]  # type: ignore[index]
    assert after["dtstart"].dt == date(2026, 11, 10)  # type: ignore[index]
    assert "moved from Aug 10, 2025 to Nov 10, 2025" in str(after["description"])  # type: ignore[index]


def test_dtstamp_comes_from_as_of_not_the_clock() -> None:
    text = ics(EXAMPLE, "2025-09-01")
    assert text == ics(EXAMPLE, "2025-09-01")
    stamps = {event["dtstamp"].dt for event in Calendar.from_ical(text).walk("VEVENT")}
    assert stamps == {datetime(2025, 9, 2, 3, 59, 59, tzinfo=UTC)}  # end of Sep 1 in New York


def test_disputed_claims_are_described() -> None:
    expiry = events(ics(EXAMPLE, "2025-07-28"))["truce-expiry"]
    description = str(expiry["description"])  # type: ignore[index]
    assert "Other dates reported:\n- Aug 12, 2025" in description
    assert str(expiry["status"]) == "TENTATIVE"  # type: ignore[index]


def test_text_with_delimiters_newlines_and_non_ascii_survives() -> None:
    text = ics(TRICKY, "2025-03-01")
    calendar = Calendar.from_ical(text)
    assert str(calendar["x-wr-calname"]) == (
        "Tricky <b>file</b>, with; commas & </script><script>alert(1)</script>")
    found = events(text)
    meeting = found["script-title"]
    assert str(meeting["summary"]) == (  # type: ignore[index]
        "<script>console.error('injected')</script> Zölle, Gespräche; 关税 ✓")
    description = str(meeting["description"])  # type: ignore[index]
    # icalendar reads an escaped backslash before "n" as a newline; decode the raw property
    raw = _property(text, "script-title", "DESCRIPTION")
    assert raw.startswith("Line one, with commas; semicolons\\n\n\nSecond paragraph")
    assert "A \"quoted\" source; with, punctuation" in description
    assert "javascript:" not in text  # not a link anyone should follow
    vote = found["berlin-instant"]
    assert "If missed: Funding lapses;\nnew vote needed, maybe" in str(vote["description"])  # type: ignore[index]


def _property(text: str, entry_id: str, name: str) -> str:
    """A property of one event, unfolded and unescaped by RFC 5545 section 3.3.11 by hand."""
    unfolded = text.replace("\r\n ", "").split("\r\n")
    start = unfolded.index(next(line for line in unfolded if line.startswith(f"UID:{entry_id}-")))
    block = unfolded[:start][::-1]
    begin = len(unfolded[:start]) - block.index("BEGIN:VEVENT")
    for line in unfolded[begin:]:
        if line.startswith(f"{name}:"):
            value = line.split(":", 1)[1]
            return re.sub(r"\\([\\;,nN])",
                          lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
    raise AssertionError(f"{name} not found for {entry_id}")


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=80))
@example("\ufeff")  # a byte-order mark alone: some readers drop it, so it never goes out
@example("a\\,b;c\nd")
def test_any_title_round_trips(title: str) -> None:
    from policy_timeline.exporters.ics import one_line

    expected = one_line(title)
    entry = Entry(id="x", title=title, date=parse_edtf("2025-05-12"), date_text="2025-05-12")
    timeline = Timeline((FileInfo("t.yaml", title, "UTC", ()),), (entry,))
    as_of = AsOf.of_day(date(2025, 5, 1))
    text = export("ics", timeline, as_of, list(known_entries(timeline, as_of)))
    assert len(Calendar.from_ical(text).walk("VEVENT")) == 1  # parses
    # read back by the RFC by hand: icalendar mis-reads an escaped backslash before , ; n
    assert _property(text, "x", "SUMMARY") == expected


# ---------------------------------------------------------------------------- CLI


def test_cli_writes_the_file_atomically_with_crlf(run: Callable[..., object], tmp_path: Path) -> None:
    target = tmp_path / "out.ics"
    target.write_text("old", encoding="utf-8")
    result = run("-f", str(EXAMPLE), "--as-of", "2025-09-01", "export", "ics", "-o", str(target))
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    data = target.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert [p.name for p in tmp_path.iterdir()] == ["out.ics"]  # no temporary left behind


def test_cli_filters_and_as_of(run: Callable[..., object]) -> None:
    result = run("-f", str(EXAMPLE), "--as-of", "2025-09-01", "export", "ics", "--tag", "chips")
    assert result.code == 0  # type: ignore[attr-defined]
    calendar = Calendar.from_ical(result.out)  # type: ignore[attr-defined]
    assert [_id(event) for event in calendar.walk("VEVENT")] == ["chip-rule-review"]
    early = run("-f", str(EXAMPLE), "--as-of", "2025-06-15", "export", "ics", "--deadlines")
    ids = [_id(event) for event in Calendar.from_ical(early.out).walk("VEVENT")]  # type: ignore[attr-defined]
    # deadlines and entries with their own warn; rare-earth-licences is not announced yet
    assert ids == ["truce-expiry", "tariff-snapback-notice", "chip-rule-review"]


def test_cli_usage_errors(run: Callable[..., object]) -> None:
    assert run("-f", str(EXAMPLE), "export", "pdf").code == 2  # type: ignore[attr-defined]
    bad = run("-f", str(EXAMPLE), "export", "ics", "--from", "someday")
    assert bad.code == 2 and "--from" in bad.err  # type: ignore[attr-defined]


# ------------------------------------------------------------------- a real client


@pytest.fixture
def khal(tmp_path: Path) -> Callable[..., str]:
    """Run khal with a private config, calendar folder and database under tmp_path."""
    return khal_runner(tmp_path, "timeline", "America/New_York")


LIST_FORMAT = "{start-date}|{end-date}|{title}|{status}|{alarm-symbol}"


def _rows(listed: str) -> list[str]:
    return ["|".join(part.strip() for part in line.split("|"))
            for line in listed.splitlines() if "|" in line]


@pytest.mark.slow
def test_khal_imports_and_lists_every_entry(khal: Callable[..., str], tmp_path: Path) -> None:
    feed = tmp_path / "example.ics"
    feed.write_text(ics(EXAMPLE, "2025-09-01"), encoding="utf-8", newline="")
    khal("import", "--batch", "-a", "timeline", str(feed))
    listed = khal("list", "--format", LIST_FORMAT, "--day-format", "", "2025-01-01", "2027-12-31")
    lines = _rows(listed)
    titles = {line.split("|")[2] for line in lines}
    timeline = load([str(EXAMPLE)]).timeline
    for entry in timeline.entries:
        assert any(entry.title in title for title in titles), (entry.title, listed)
    assert "2025-06-09|2025-06-10|London talks on an implementation framework|CONFIRMED|" in lines
    assert any(line.startswith("2025-06-01|2025-06-01|China eases rare-earth magnet exports "
                               "for carmakers (~Jun 2025)") for line in lines)
    expiry = [line for line in lines if "90-day tariff freeze expires" in line]
    assert expiry == ["2025-11-10|2025-11-10|Deadline: 90-day tariff freeze expires|TENTATIVE|⏰"]


@pytest.mark.slow
def test_khal_updates_a_moved_deadline_instead_of_duplicating(
    khal: Callable[..., str], tmp_path: Path
) -> None:
    for as_of in ("2025-07-28", "2025-12-01"):
        feed = tmp_path / f"{as_of}.ics"
        feed.write_text(ics(EXAMPLE, as_of), encoding="utf-8", newline="")
        khal("import", "--batch", "-a", "timeline", str(feed))
    listed = khal("list", "--format", LIST_FORMAT, "--day-format", "", "2025-01-01", "2027-12-31")
    expiry = [line for line in _rows(listed) if "tariff freeze expires" in line]
    assert expiry == ["2026-11-10|2026-11-10|Deadline: 90-day tariff freeze expires|TENTATIVE|⏰"]


@pytest.mark.slow
def test_khal_keeps_tricky_text(khal: Callable[..., str], tmp_path: Path) -> None:
    feed = tmp_path / "tricky.ics"
    feed.write_text(ics(TRICKY, "2025-03-01"), encoding="utf-8", newline="")
    khal("import", "--batch", "-a", "timeline", str(feed))
    listed = khal("list", "--format", "{start}|{title}|{description}", "--day-format", "",
                  "2025-01-01", "2025-12-31")
    assert "<script>console.error('injected')</script> Zölle, Gespräche; 关税 ✓" in listed
    assert "Line one, with commas; semicolons" in listed
    assert "2025-03-10 07:00|Deadline: Vote at noon" in listed  # noon in Berlin, in New York


def test_a_written_backslash_n_stays_text_not_a_line_break() -> None:
    """icalendar's own escaping reads a literal `\\N` as a line break; ours does not."""
    entry = Entry(id="x", title="a \\N b", date=parse_edtf("2025-05-12"), date_text="2025-05-12")
    timeline = Timeline((FileInfo("t.yaml", "T", "UTC", ()),), (entry,))
    as_of = AsOf.of_day(date(2025, 5, 1))
    text = export("ics", timeline, as_of, list(known_entries(timeline, as_of)))
    assert "SUMMARY:a \\\\N b\r\n" in text
    assert _property(text, "x", "SUMMARY") == "a \\N b"
