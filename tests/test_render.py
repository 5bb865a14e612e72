"""Layout pieces of `render` and the selection of `report`, without the command line."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from rich.console import Console

from policy_timeline.dates import Offset, parse_edtf
from policy_timeline.filters import Selection, select
from policy_timeline.render import ShowOptions, group_label, lanes_of, remind_lines, show_lines
from policy_timeline.report import date_json, dumps, window
from policy_timeline.schedule import AsOf, effective, reminders
from policy_timeline.terminal import Span, cell_width, clean, to_plain, to_rich, wrap_spans
from policy_timeline.timeline import Change, Entry, FileInfo, Source, Timeline

ZONE = "America/New_York"
AS_OF = AsOf.of_day(date(2025, 7, 28), ZONE)
NASTY = "[red]boom[/red] [link=https://evil.example]x[/link] \x1b[2J\x1b]8;;https://e\x07y\x1b]8;;\x07\r\x9b1m\u202eevil"


def entry(entry_id: str, when: str, **fields: object) -> Entry:
    values: dict[str, object] = {"title": entry_id.title(), "kind": "event", "zone": ZONE}
    values.update(fields)
    return Entry(id=entry_id, date=parse_edtf(when, ZONE), date_text=when, **values)  # type: ignore[arg-type]


def timeline_of(*entries: Entry, sources: dict[str, Source] | None = None) -> Timeline:
    """One story (key "", as the entries made here have) with `sources` as its own."""
    info = FileInfo("t.yaml", "Test", ZONE, (Offset(30, "d"),))
    ordered = tuple(sorted(entries, key=lambda e: (*e.date.sort_key(), e.id)))
    return Timeline((info,), ordered, {info.key: sources or {}})


def plain_show(timeline: Timeline, as_of: AsOf = AS_OF, **options: object) -> str:
    selection = select(timeline, as_of)
    return to_plain(show_lines(timeline, as_of, selection, selection, ShowOptions(**options)))  # type: ignore[arg-type]


def rich_text(renderable: object, width: int = 100) -> str:
    out = io.StringIO()
    Console(file=out, width=width, force_terminal=True, color_system="truecolor",
            highlight=False, markup=False, emoji=False).print(renderable)
    return out.getvalue()


# ---------------------------------------------------------------------------- text


@pytest.mark.parametrize(("raw", "shown"), [
    ("plain", "plain"),
    ("a\x1b[31mb", "a\\x1b[31mb"),
    ("bell\x07", "bell\\x07"),
    ("cr\rlf\n", "cr\\x0dlf "),
    ("tab\there", "tab here"),
    ("c1\x9b31m", "c1\\x9b31m"),
    ("del\x7f", "del\\x7f"),
    ("bidi\u202eevil", "bidi\\u202eevil"),
    ("[red]markup[/red]", "[red]markup[/red]"),
    ("Trump–Xi “call” 中国", "Trump–Xi “call” 中国"),
])
def test_clean(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_cell_width_counts_wide_characters() -> None:
    assert cell_width("abc") == 3
    assert cell_width("中国") == 4
    assert cell_width("é") == 1
    assert cell_width("e\u0301") == 1


def test_wrap_keeps_width_and_styles() -> None:
    spans = [Span("alpha beta gamma ", "title"), Span("delta", "muted"), Span(";", "x")]
    rows = wrap_spans(spans, 11)
    texts = ["".join(s.text for s in row) for row in rows]
    assert texts == ["alpha beta", "gamma", "delta;"]  # `delta;` glued across spans
    assert all(cell_width(t) <= 11 for t in texts)
    assert rows[2][0].style == "muted" and rows[2][1].style == "x"


def test_wrap_cuts_words_longer_than_a_line() -> None:
    rows = wrap_spans([Span("x" * 25)], 10)
    assert ["".join(s.text for s in row) for row in rows] == ["x" * 10, "x" * 10, "x" * 5]
    assert wrap_spans([Span("中国中国中国")], 5)[0][0].text == "中国"


def test_terminal_links_are_the_safe_urls_of_safe_text() -> None:
    """The terminal links what `safe_text.safe_url` makes of a source's URL, and only that."""
    sources = {"q": Source("q", "Quoted", None, 'https://example.org/x?q="<b>"'),
               "j": Source("j", "Script", None, "javascript:alert(1)")}
    timeline = timeline_of(entry("a", "2025-06-01", sources=("q", "j")), sources=sources)
    selection = select(timeline, AS_OF)
    output = rich_text(to_rich(show_lines(timeline, AS_OF, selection, selection,
                                          ShowOptions(links=True))))
    targets = set(re.findall(r"\x1b\]8;[^;]*;([^\x1b]+)\x1b", output))
    assert targets == {"https://example.org/x?q=%22%3Cb%3E%22"}


def test_group_labels() -> None:
    """A month under its year rule; a coarser date under the period presentation names."""
    assert group_label(parse_edtf("2025-06~", ZONE)) == ("2025-06", "June")
    assert group_label(parse_edtf("2025-H2", ZONE))[1] == "H2 2025"
    assert group_label(parse_edtf("2025-Q4", ZONE))[1] == "Q4 2025"
    assert group_label(parse_edtf("2025-24", ZONE))[1] == "Winter 2025–2026"
    assert group_label(parse_edtf("2025", ZONE))[1] == "2025"


# --------------------------------------------------------------------------- show


def test_today_rule_falls_between_past_and_future() -> None:
    text = plain_show(timeline_of(entry("past", "2025-07-27"), entry("future", "2025-07-28")))
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if "TODAY · Mon Jul 28, 2025" in line)
    assert lines.index(next(line for line in lines if "Past" in line)) < rule
    assert lines.index(next(line for line in lines if "Future" in line)) > rule


def test_today_rule_at_the_end_when_everything_is_past() -> None:
    text = plain_show(timeline_of(entry("past", "2025-01-02")))
    assert text.rstrip().splitlines()[-3].startswith("━━ TODAY")


def test_history_claims_and_consequence() -> None:
    deadline = entry(
        "expiry", "2025-08-10", kind="deadline", warn=(Offset(14, "d"),), warn_explicit=True,
        consequence="Tariffs snap back",
        changes=(Change(parse_edtf("2025-08-11", ZONE), parse_edtf("2025-11-10", ZONE),
                        note="Extended 90 days by executive order", sources=("eo",)),),
    )
    sources = {"eo": Source("eo", "Executive order", "The White House", "https://example.org/eo")}
    text = plain_show(timeline_of(deadline, sources=sources), AsOf.of_day(date(2025, 8, 12), ZONE),
                      width=160)
    assert ("↳ Aug 10 → Nov 10, 2025: Extended 90 days by executive order (announced Aug 11) [1]"
            in text)
    assert "if it passes: Tariffs snap back" in text
    assert "[1] Executive order — The White House" in text
    assert "https://example.org/eo" in text
    assert "in 90 days" in text


def test_countdowns_and_banner() -> None:
    deadlines = (
        entry("gone", "2025-07-20", kind="deadline", warn=(Offset(7, "d"),), warn_explicit=True),
        entry("now", "2025-07-28", kind="deadline", warn=(Offset(7, "d"),), warn_explicit=True),
        entry("soon", "2025-08-02", kind="deadline", warn=(Offset(7, "d"),), warn_explicit=True),
        entry("far", "2025-12-01", kind="deadline", warn=(Offset(7, "d"),), warn_explicit=True),
    )
    text = plain_show(timeline_of(*deadlines))
    assert "⚠ 1 deadline overdue: Gone (Jul 20, 2025, 8 days overdue)" in text
    assert "⚠ 1 deadline due today: Now (Jul 28, 2025)" in text
    assert "◷ 1 deadline due soon: Soon (Aug 2, 2025, in 5 days)" in text
    assert re.search(r"Far  far +in 126 days\n", text)
    quiet = plain_show(timeline_of(deadlines[3]))
    assert "✓ nothing due; next deadline: Far (Dec 1, 2025, in 126 days)" in quiet


def test_rich_output_colours_countdowns_by_urgency() -> None:
    timeline = timeline_of(
        entry("gone", "2025-07-20", kind="deadline", warn=(Offset(7, "d"),), warn_explicit=True),
        entry("soon", "2025-08-02", kind="deadline", warn=(Offset(7, "d"),), warn_explicit=True),
    )
    selection = select(timeline, AS_OF)
    output = rich_text(to_rich(show_lines(timeline, AS_OF, selection, selection)))
    assert "\x1b[1;31m8 days overdue" in output  # bold red
    assert re.search(r"\x1b\[1;38;2;175;95;0m\s*in 5 days", output)  # bold amber (#af5f00)


def test_lanes_one_per_actor_then_joint() -> None:
    items = [effective(e, AS_OF, None) for e in (
        entry("a", "2025-06-01", actors=("US",)), entry("b", "2025-06-02", actors=("CN",)),
        entry("c", "2025-06-03", actors=("US", "CN")), entry("d", "2025-06-04", actors=("US",)),
    )]
    lanes, assignment = lanes_of(items, 90)
    assert lanes == ["US", "CN", "joint"]
    # by `story:id` (these entries belong to no story: ':id')
    assert assignment == {":a": "US", ":b": "CN", ":c": "joint", ":d": "US"}
    narrow, _ = lanes_of(items, 40)
    assert len(narrow) == 2 and narrow[-1] == "others"


def test_window_around_t() -> None:
    entries = [entry(f"e{n:03}", date.fromordinal(date(2025, 1, 1).toordinal() + n).isoformat())
               for n in range(400)]
    timeline = timeline_of(*entries)
    selection = select(timeline, AS_OF)
    part = window(selection, AS_OF)
    assert len(part.shown) == 40
    first_future = next(i for i, item in enumerate(selection) if item.date.first_day >= AS_OF.day)
    assert part.hidden_before == first_future - 10
    assert part.hidden_before + len(part.shown) + part.hidden_after == 400
    early = window(selection, AsOf.of_day(date(2024, 1, 1), ZONE))
    assert early.hidden_before == 0 and early.hidden_after == 360
    late = window(selection, AsOf.of_day(date(2030, 1, 1), ZONE))
    assert late.hidden_after == 0 and late.hidden_before == 360


def test_filters() -> None:
    timeline = timeline_of(
        entry("a", "2025-06-01", tags=("tariffs",), actors=("US",), summary="Talks stall"),
        entry("b", "2025-07-01", tags=("chips",), actors=("CN",), kind="measure"),
        entry("c", "2025-08-10", kind="deadline", warn=(Offset(7, "d"),), warn_explicit=True),
    )

    def ids(**fields: object) -> list[str]:
        return [item.entry.id for item in select(timeline, AS_OF, Selection(**fields))]  # type: ignore[arg-type]

    assert ids() == ["a", "b", "c"]
    assert ids(tags=("TARIFFS", "chips")) == ["a", "b"]
    assert ids(kinds=("measure",)) == ["b"]
    assert ids(actors=("cn",)) == ["b"]
    assert ids(search="talks STALL") == ["a"]
    assert ids(search="talks chips") == []
    assert ids(deadlines=True) == ["c"]
    assert ids(upcoming=True) == ["c"]
    june = parse_edtf("2025-06", ZONE)
    assert ids(start=june.end) == ["b", "c"]
    assert ids(end=june.end) == ["a"]
    assert ids(tags=("tariffs",), actors=("CN",)) == []


# ------------------------------------------------------------------------- remind


def test_remind_lines_are_aligned_and_empty_when_nothing_is_due() -> None:
    timeline = timeline_of(
        entry("a", "2025-08-10", kind="deadline", warn=(Offset(14, "d"),), warn_explicit=True),
        entry("b", "2025-07-20", kind="deadline", warn=(Offset(14, "d"),), warn_explicit=True),
    )
    text = to_plain(remind_lines(AS_OF, reminders(timeline, AS_OF)))
    assert text.splitlines() == [
        "As of Mon Jul 28, 2025: 1 overdue, 1 upcoming",
        "  OVERDUE   8 days overdue           Jul 20, 2025  B  [b]",
        "  UPCOMING  in 13 days (within 14d)  Aug 10, 2025  A  [a]",
    ]
    assert remind_lines(AsOf.of_day(date(2025, 1, 1), ZONE), []) == []


# ------------------------------------------------------------------------- safety


def nasty_timeline() -> Timeline:
    nasty = entry(
        "nasty", "2025-08-10", title=NASTY, summary=NASTY, tags=(NASTY,), actors=(NASTY,),
        kind="deadline", warn=(Offset(30, "d"),), warn_explicit=True, consequence=NASTY,
        sources=("src", "https://e.example/\x1b]8;;x\x07"),
        changes=(Change(parse_edtf("2025-07-01", ZONE), note=NASTY, sources=("src",)),),
    )
    source = Source("src", NASTY, NASTY, "javascript:alert(1)")
    return timeline_of(nasty, sources={"src": source})


def test_plain_output_shows_markup_and_controls_as_text() -> None:
    text = plain_show(nasty_timeline())
    assert "[red]boom[/red]" in text and "[link=https://evil.example]x[/link]" in text
    assert "\\x1b[2J" in text and "\\x07" in text and "\\x0d" in text and "\\x9b" in text
    assert "\\u202e" in text
    for raw in ("\x1b", "\x07", "\r", "\x9b", "\u202e"):
        assert raw not in text


@pytest.mark.parametrize("links", [False, True])
def test_rich_output_never_obeys_text_from_the_file(links: bool) -> None:
    timeline = nasty_timeline()
    selection = select(timeline, AS_OF)
    lines = show_lines(timeline, AS_OF, selection, selection, ShowOptions(links=links))
    output = rich_text(to_rich(lines))
    visible = re.sub(r"\x1b\[[0-9;]*m", "", output)
    assert "[red]boom[/red]" in visible  # markup shown, not applied
    assert "\x1b[2J" not in output and "\x07" not in output and "\r" not in output
    assert "\x9b" not in output and "\u202e" not in output
    assert "javascript:" not in re.findall(r"\x1b\]8;[^;]*;([^\x1b]*)", output)
    assert "\x1b]8;" not in output  # the only URLs are unsafe: no links at all


def test_links_only_when_asked_and_safe() -> None:
    timeline = timeline_of(entry("a", "2025-06-01", sources=("s",)),
                           sources={"s": Source("s", "Article", None, "https://example.org/a")})
    selection = select(timeline, AS_OF)
    with_links = rich_text(to_rich(show_lines(timeline, AS_OF, selection, selection,
                                              ShowOptions(links=True))))
    assert "\x1b]8;id=" in with_links and "https://example.org/a\x1b\\" in with_links
    without = rich_text(to_rich(show_lines(timeline, AS_OF, selection, selection)))
    assert "\x1b]8;" not in without


def test_json_escapes_controls() -> None:
    text = dumps({"t": "a\x1b[31m\x9b\u2028b"})
    assert "\x1b" not in text and "\x9b" not in text and "\u2028" not in text
    assert "\\u001b" in text and "\\u009b" in text and "\\u2028" in text


def test_date_json() -> None:
    assert date_json(parse_edtf("2025-05", ZONE)) == {
        "text": "2025-05", "start": "2025-05-01", "end": "2025-05-31", "precision": "month",
        "approximate": False, "uncertain": False,
    }
    timed = date_json(parse_edtf("2025-08-12T00:01-04:00", ZONE))
    assert timed["start"] == timed["end"] == "2025-08-12T00:01-04:00"
    span = date_json(parse_edtf("2025-06-09/2025-06-10~", ZONE))
    assert (span["start"], span["end"], span["approximate"]) == ("2025-06-09", "2025-06-10", True)
