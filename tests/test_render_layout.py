"""What the terminal shows, as people read it (issue 10): a marker per kind, colours that
read on dark and light backgrounds, ids, aligned columns, URLs that copy, filters that
say what they matched."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.color import Color, ColorSystem
from rich.style import Style

from conftest import Run
from policy_timeline.dates import Offset
from policy_timeline.filters import Selection, select, unmatched
from policy_timeline.render import ShowOptions, remind_lines, show_lines
from policy_timeline.schedule import SOON, reminders
from policy_timeline.terminal import THEME, Span, cell_width, to_plain, to_rich, wrap_spans
from policy_timeline.timeline import Source, Timeline
from test_render import AS_OF, entry, plain_show, rich_text, timeline_of

RunCli = Callable[..., Run]
WriteFile = Callable[..., Path]
WARN = {"warn": (Offset(14, "d"),), "warn_explicit": True}


def filtered_show(timeline: Timeline, selection: Selection, width: int = 100) -> str:
    chosen = select(timeline, AS_OF, selection)
    options = ShowOptions(width=width, filtered=selection.active,
                          unmatched=unmatched(timeline, selection))
    return to_plain(show_lines(timeline, AS_OF, chosen, chosen, options))


def legend(text: str) -> dict[str, str]:
    """The legend (the last line block) as {kind: marker}."""
    last = text.rstrip().split("\n\n")[-1]
    return {name: mark for mark, name in re.findall(r"(\S) (\S+)", last)}


# ----------------------------------------------------------------------------- kinds


def test_every_kind_shown_has_its_own_marker() -> None:
    kinds = ["law", "hearing", "vote", "ruling", "deadline", "agreement", "consultation"]
    timeline = timeline_of(*(entry(f"e{n}", f"2025-06-0{n + 1}", kind=kind)
                             for n, kind in enumerate(kinds)))
    shown = legend(plain_show(timeline))
    assert sorted(shown) == sorted(kinds)
    assert len(set(shown.values())) == len(kinds), shown


def test_kinds_are_one_kind_whatever_their_case() -> None:
    timeline = timeline_of(
        entry("a", "2025-08-10", kind="Deadline", **WARN),
        entry("b", "2025-08-11", kind="deadline", **WARN),
        entry("c", "2025-06-01", kind="Law"), entry("d", "2025-06-02", kind="law"),
    )
    text = plain_show(timeline)
    assert legend(text) == {"deadline": "⚑", "Law": legend(text)["Law"]}  # as first written
    assert re.search(r"Aug 10, 2025  ⚑ A", text)
    assert "▲ 2 deadlines due soon" not in text and "2 deadlines due soon" in text
    assert len(filtered_show(timeline, Selection(kinds=("DEADLINE",))).split("⚑ ")) == 4


def test_a_marker_means_one_thing() -> None:
    """The banner's 'due soon' sign is not a kind's marker."""
    timeline = timeline_of(entry("a", "2025-08-01", kind="deadline", **WARN),
                           entry("b", "2025-06-01", kind="concession"))
    text = plain_show(timeline)
    banner_sign = re.search(r"^(\S) 1 deadline due soon", text, re.M)
    assert banner_sign is not None
    assert banner_sign.group(1) not in legend(text).values()


# ---------------------------------------------------------------------------- colour


def _contrast(style: str, background: tuple[int, int, int]) -> float:
    color = Style.parse(style).color
    assert color is not None
    triplet = color.get_truecolor()

    def luminance(rgb: tuple[int, int, int]) -> float:
        parts = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(tuple(triplet)), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("name", [SOON, "state.upcoming"])
def test_soon_reads_on_dark_and_light_backgrounds(name: str) -> None:
    assert _contrast(THEME[name], (255, 255, 255)) >= 3.5
    assert _contrast(THEME[name], (0, 0, 0)) >= 3.5
    on_16_colours = Color.parse(THEME[name].split()[-1]).downgrade(ColorSystem.STANDARD)
    assert on_16_colours.number == 3  # yellow, which light themes darken; not bright yellow


def test_urgency_colours_are_kept_for_urgency() -> None:
    """Red means overdue and amber soon: no kind marker wears them."""
    urgent = {Style.parse(THEME[name]).color for name in ("overdue", SOON)}
    for name, style in THEME.items():
        if name.startswith("marker."):
            assert Style.parse(style).color not in urgent, name


# ------------------------------------------------------------------------------- ids


def test_show_gives_each_entry_its_id() -> None:
    timeline = timeline_of(entry("geneva-truce", "2025-05-12", title="Geneva truce"),
                           entry("truce-expiry", "2025-08-10", kind="deadline",
                                 title="Freeze expires", **WARN))
    text = plain_show(timeline)
    assert "Geneva truce  geneva-truce\n" in text
    assert re.search(r"Freeze expires  truce-expiry +in 13 days\n", text)
    compact = plain_show(timeline, compact=True)
    assert "Geneva truce  geneva-truce" in compact
    lanes = plain_show(timeline, by="actor", width=100)
    assert "geneva-truce" in lanes and "truce-expiry" in lanes


def test_ids_are_dim_in_colour() -> None:
    timeline = timeline_of(entry("geneva-truce", "2025-05-12", title="Geneva truce"))
    selection = select(timeline, AS_OF)
    output = rich_text(to_rich(show_lines(timeline, AS_OF, selection, selection)))
    assert "\x1b[2mgeneva-truce" in output


# --------------------------------------------------------------------------- compact


def test_compact_drops_footnote_markers_with_the_sources() -> None:
    sources = {"wire": Source("wire", "Wire story", None, "https://example.org/wire")}
    timeline = timeline_of(entry("a", "2025-06-01", sources=("wire",)), sources=sources)
    full = plain_show(timeline)
    assert "A [1]" in full and "Sources" in full
    compact = plain_show(timeline, compact=True)
    assert "[1]" not in compact and "Sources" not in compact


# ---------------------------------------------------------------------- date column


def test_one_timed_entry_does_not_widen_the_date_column() -> None:
    timeline = timeline_of(
        entry("day", "2025-08-10", title="A day"),
        entry("timed", "2025-08-12T00:01", title="At a minute past midnight"),
        entry("month", "2025-09", title="A month"),
    )
    text = plain_show(timeline)
    columns = {line.index(title) for line in text.splitlines()
               for title in ("A day", "At a minute", "A month") if title in line}
    assert len(columns) == 1, text
    assert columns.pop() < 2 + 14 + 2 + 2 + 1
    lines = text.splitlines()
    timed = next(i for i, line in enumerate(lines) if "At a minute" in line)
    assert lines[timed].startswith("  Aug 12, 2025 ")
    assert lines[timed + 1].strip().startswith("00:01 EDT")


def test_a_timed_entry_keeps_its_time_in_compact_and_lanes() -> None:
    timeline = timeline_of(entry("timed", "2025-08-12T00:01", title="Midnight", actors=("US",)),
                           entry("day", "2025-08-10", title="Day", actors=("CN",)))
    for text in (plain_show(timeline, compact=True), plain_show(timeline, by="actor")):
        assert "00:01 EDT" in text
        assert all(cell_width(line) <= 100 for line in text.splitlines())


# ------------------------------------------------------------------------------ URLs


def test_a_url_is_never_cut() -> None:
    url = "https://example.org/a/very/long/path/that/does/not/fit/on/one/line/at/all/" + "x" * 40
    rows = wrap_spans([Span("see " + url + " for more")], 40)
    assert [url] in [[span.text for span in row] for row in rows]
    sources = {"long": Source("long", "A report", None, url)}
    timeline = timeline_of(entry("a", "2025-06-01", sources=("long",),
                                 summary=f"Read it at {url} today."), sources=sources)
    text = plain_show(timeline, width=60)
    assert text.count(url) == 2, text


def test_rich_output_does_not_fold_a_url_either(run: RunCli, write: WriteFile) -> None:
    url = "https://example.org/" + "y" * 90
    path = write(f"sources:\n  long: {{title: A report, url: '{url}'}}\n"
                 "events:\n  - {id: a, title: A, date: 2025-06-01, sources: [long]}\n")
    result = run("-f", str(path), "--as-of", "2025-07-28", "--format", "rich",
                 env={"COLUMNS": "60"})
    assert "\x1b[" in result.out
    assert url in re.sub(r"\x1b\[[0-9;]*m", "", result.out)


# ---------------------------------------------------------------------------- remind


def test_remind_wraps_a_long_title_under_the_title_column() -> None:
    title = "Decision on general licences for rare-earth exports to carmakers and makers"
    timeline = timeline_of(entry("licences", "2025-08-10", kind="deadline", title=title, **WARN))
    text = to_plain(remind_lines(AS_OF, reminders(timeline, AS_OF), width=80))
    lines = text.splitlines()[1:]
    start = lines[0].index("Decision")
    assert len(lines) >= 2 and all(cell_width(line) <= 80 for line in lines)
    assert all(line[:start].strip() == "" and line[start] != " " for line in lines[1:])
    assert " ".join(line[start:].strip() for line in lines) == f"{title} [licences]"


def test_remind_in_a_narrow_terminal_puts_titles_under_the_dates() -> None:
    timeline = timeline_of(entry("expiry", "2025-08-10", kind="deadline",
                                 title="90-day tariff freeze expires", **WARN))
    text = to_plain(remind_lines(AS_OF, reminders(timeline, AS_OF), width=50))
    lines = text.splitlines()
    assert all(cell_width(line) <= 50 for line in lines), text
    assert lines[1].startswith("  UPCOMING  in 13 days")
    assert lines[2].startswith("    90-day tariff freeze expires")


# ---------------------------------------------------------------------------- filters


def test_a_filter_that_matches_nothing_does_not_say_nothing_is_due() -> None:
    timeline = timeline_of(entry("expiry", "2025-08-06", kind="deadline", tags=("trade",),
                                 **WARN))
    text = filtered_show(timeline, Selection(tags=("nonexistent",)))
    assert "nothing due" not in text
    assert "No entries match the filters" in text
    assert "1 deadline due soon is not among them" in text


def test_a_filter_value_no_entry_has_is_named_with_a_suggestion() -> None:
    timeline = timeline_of(entry("a", "2025-06-01", tags=("gpai", "ai-act"), actors=("EU",),
                                 kind="measure"))
    text = filtered_show(timeline, Selection(tags=("gpia",), actors=("US",), kinds=("law",)))
    assert "no entry has the tag 'gpia' (did you mean 'gpai'?)" in text
    assert "no entry has the actor 'US'" in text
    assert "no entry has the kind 'law'" in text


def test_filtered_entries_with_nothing_due_say_what_is_due_elsewhere() -> None:
    timeline = timeline_of(entry("expiry", "2025-08-06", kind="deadline", **WARN),
                           entry("talks", "2025-06-01", tags=("talks",)))
    text = filtered_show(timeline, Selection(tags=("talks",)))
    assert "nothing due among these entries; 1 deadline due soon is not among them" in text


def test_unfiltered_banner_is_unchanged_when_nothing_is_due() -> None:
    text = plain_show(timeline_of(entry("talks", "2025-06-01")))
    assert "✓ nothing due; no open deadlines" in text


def test_the_today_rule_is_not_painted_as_a_deadline_due_today() -> None:
    """The rule's style name was the `today` urgency's: it came out white on red."""
    timeline = timeline_of(entry("a", "2025-06-01"))
    selection = select(timeline, AS_OF)
    output = rich_text(to_rich(show_lines(timeline, AS_OF, selection, selection)))
    rule = next(line for line in output.splitlines() if "TODAY ·" in line)
    assert rule.startswith("\x1b[1;35m━━ TODAY")  # bold magenta, no red background


def test_a_long_id_keeps_the_lanes_aligned() -> None:
    timeline = timeline_of(
        entry("a-rather-long-identifier-for-a-lane", "2025-06-01", title="A", actors=("US",)),
        entry("b", "2025-06-02", title="B", actors=("CN",)),
        entry("c", "2025-06-03", title="C", actors=("EU",)),
    )
    text = plain_show(timeline, by="actor", width=60)
    bars = {tuple(i for i, char in enumerate(line) if char == "│")
            for line in text.splitlines() if "│" in line}
    assert len(bars) == 1, text


def test_an_empty_timeline_says_how_to_add_an_entry() -> None:
    """The hint named examples/truce-extended.yaml, a file of the source tree that an
    installed `timeline` does not have."""
    text = plain_show(timeline_of())
    assert "No entries yet." in text
    assert "timeline add" in text and "examples/" not in text


def test_remind_colours_only_the_words_not_the_padding() -> None:
    timeline = timeline_of(entry("now", "2025-07-28", kind="deadline", **WARN),
                           entry("later", "2025-08-10", kind="deadline", **WARN))
    output = rich_text(to_rich(remind_lines(AS_OF, reminders(timeline, AS_OF), 100)))
    today = next(line for line in output.splitlines() if "TODAY" in line)
    assert re.search(r"due today\x1b\[0m {2,}", today), repr(today)
