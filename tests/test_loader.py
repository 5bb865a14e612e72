"""Every kind of problem in a timeline file: its message, line and column."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from policy_timeline.loader import load
from policy_timeline.timeline import Problem

HEAD = "title: T\nevents:\n"


def entry(body: str) -> str:
    return HEAD + body


# (name, file text, code, line, column, message fragment)
CASES: list[tuple[str, str, str, int, int, str]] = [
    ("yaml syntax", "title: [unclosed\nevents: []\n", "yaml", 2, 7, "YAML syntax"),
    (
        "wrong type",
        entry("  - id: a\n    title: A\n    date: 2025-01-01\n    tags: tariffs\n"),
        "type",
        6,
        11,
        "'tags' must be a list, not 'tariffs'",
    ),
    (
        "missing field",
        entry("  - id: a\n    date: 2025-01-01\n"),
        "missing-field",
        3,
        5,
        "missing required field 'title'",
    ),
    (
        "unknown key",
        entry("  - id: a\n    tittle: A\n    date: 2025-01-01\n"),
        "unknown-key",
        4,
        5,
        "unknown key 'tittle' (did you mean 'title'?)",
    ),
    (
        "unknown top-level key",
        "titel: T\nevents: []\n",
        "unknown-key",
        1,
        1,
        "unknown key 'titel' (did you mean 'title'?)",
    ),
    (
        "duplicate id",
        entry(
            "  - id: a\n    title: A\n    date: 2025-01-01\n"
            "  - id: a\n    title: B\n    date: 2025-01-02\n"
        ),
        "duplicate-id",
        6,
        9,
        "duplicate id 'a' (first defined at",
    ),
    (
        "impossible date",
        entry("  - id: a\n    title: A\n    date: 2025-02-30\n"),
        "bad-date",
        5,
        19,
        "bad date '2025-02-30'",
    ),
    (
        "unknown reference",
        entry(
            "  - id: a\n    title: A\n    date: genva + 90d\n  - id: geneva\n    title: G\n    date: 2025-05-12\n"
        ),
        "unknown-reference",
        5,
        11,
        "unknown id 'genva' in relative date (did you mean 'geneva'?)",
    ),
    (
        "cycle",
        entry(
            "  - id: a\n    title: A\n    date: c + 1d\n"
            "  - id: b\n    title: B\n    date: a + 1d\n"
            "  - id: c\n    title: C\n    date: b + 1d\n"
        ),
        "cycle",
        5,
        11,
        "relative dates form a cycle: a → c → b → a",
    ),
    ("unknown zone", "timezone: Mars/Olympus\nevents: []\n", "unknown-zone", 1, 11, "Mars/Olympus"),
    (
        "bad lead time",
        entry("  - id: a\n    title: A\n    date: 2025-01-01\n    warn: [30d, soon]\n"),
        "bad-lead-time",
        6,
        17,
        "bad lead time 'soon'",
    ),
    (
        "change without announced",
        entry(
            "  - id: a\n    title: A\n    date: 2025-01-01\n    changes:\n"
            "      - date: 2025-02-01\n"
        ),
        "change-without-announced",
        7,
        9,
        "add 'announced: DATE'",
    ),
    (
        "unknown status",
        entry(
            "  - id: a\n    title: A\n    date: 2025-01-01\n    changes:\n"
            "      - announced: 2025-01-02\n        status: postponed\n"
        ),
        "unknown-status",
        8,
        17,
        "unknown status 'postponed'",
    ),
    (
        "unknown confidence",
        entry("  - id: a\n    title: A\n    date: 2025-01-01\n    confidence: sure\n"),
        "unknown-confidence",
        6,
        17,
        "unknown confidence 'sure'",
    ),
    (
        "duplicate key",
        entry("  - id: a\n    title: A\n    title: B\n    date: 2025-01-01\n"),
        "duplicate-key",
        5,
        5,
        "duplicate key 'title' (first at line 4)",
    ),
    (
        "python tag",
        entry(
            "  - id: a\n    title: !!python/object/apply:os.system [echo pwned]\n    date: 2025-01-01\n"
        ),
        "tag",
        4,
        12,
        "tag !!python/object/apply:os.system is not allowed",
    ),
    (
        "bad id",
        entry("  - id: Geneva Truce\n    title: A\n    date: 2025-01-01\n"),
        "bad-id",
        3,
        9,
        "bad id 'Geneva Truce'",
    ),
    (
        "multi-line title",
        entry('  - id: a\n    title: "one\\ntwo"\n    date: 2025-01-01\n'),
        "not-one-line",
        4,
        12,
        "'title' must be one line",
    ),
    ("empty file", "", "empty", 1, 1, "the file is empty"),
    (
        "long title",
        entry(f"  - id: a\n    title: {'x' * 600}\n    date: 2025-01-01\n"),
        "too-long",
        4,
        12,
        "'title' is 600 characters; the limit is 500",
    ),
    (
        "merge key",
        "base: &b {title: T}\n<<: *b\nevents: []\n",
        "key",
        2,
        1,
        "merge keys (<<) are not supported",
    ),
    (
        "self alias",
        "title: &a [*a]\nevents: []\n",
        "alias-cycle",
        1,
        8,
        "an alias refers to itself",
    ),
    ("not a mapping", "- a\n- b\n", "type", 1, 1, "must be a mapping with 'events:'"),
    (
        "relative date where a date is needed",
        entry("  - id: a\n    title: A\n    date: 2025-01-01\n    announced: a + 1d\n"),
        "bad-date",
        6,
        16,
        "'announced' must be a date",
    ),
    (
        "empty change",
        entry(
            "  - id: a\n    title: A\n    date: 2025-01-01\n    changes:\n"
            "      - announced: 2025-01-02\n"
        ),
        "empty-change",
        7,
        9,
        "a change must set 'date', 'status' or 'note'",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "code", "line", "column", "message"), CASES, ids=[c[0] for c in CASES]
)
def test_each_problem_is_located(
    write: Callable[[str], Path],
    name: str,
    text: str,
    code: str,
    line: int,
    column: int,
    message: str,
) -> None:
    path = write(text)
    result = load([path])
    matching = [p for p in result.errors if p.code == code]
    assert matching, f"no {code} problem in {[str(p) for p in result.problems]}"
    problem = matching[0]
    assert message in problem.message
    assert (problem.location.line, problem.location.column) == (line, column), str(problem)
    assert problem.location.path == str(path)


def test_distinct_error_kinds_covered() -> None:
    """The closing note of issue 2 counts these; keep the table growing, not shrinking."""
    assert len({case[2] for case in CASES}) >= 20


def test_five_mistakes_give_five_messages(write: Callable[[str], Path]) -> None:
    path = write(
        entry(
            "  - id: a\n    tittle: A\n    date: 2025-01-01\n"  # unknown key + missing title
            "  - id: b\n    title: B\n    date: 2025-13-01\n"  # bad month
            "  - id: c\n    title: C\n    date: zz + 1d\n"  # unknown reference
            "  - id: d\n    title: D\n    date: 2025-01-01\n    warn: [1x]\n"  # bad lead time
        )
    )
    codes = sorted(p.code for p in load([path]).errors)
    assert codes == [
        "bad-date",
        "bad-lead-time",
        "missing-field",
        "unknown-key",
        "unknown-reference",
    ]


def test_ids_are_unique_per_story(write: Callable[[str, str], Path]) -> None:
    a = write(entry("  - id: x\n    title: A\n    date: 2025-01-01\n"), "a.yaml")
    b = write(
        entry(
            "  - id: y\n    title: B\n    date: x + 2d\n  - id: x\n    title: C\n    date: 2025-02-01\n"
        ),
        "b.yaml",
    )
    result = load([a, b])
    assert result.problems == []
    # the same id in two stories is two entries; a relative date counts in its own story
    by_key = result.timeline.by_key()
    assert by_key["a:x"].title == "A" and by_key["b:x"].title == "C"
    assert by_key["b:y"].date.first_day.isoformat() == "2025-02-03"
    assert by_key["b:y"].relative is not None and by_key["b:y"].relative.ref == "b:x"


def test_ids_unique_within_a_story(write: Callable[[str, str], Path]) -> None:
    a = write(entry("  - id: x\n    title: A\n    date: 2025-01-01\n"), "a.yaml")
    b = write(
        entry("  - id: x\n    title: B\n    date: 2025-01-02\n  - id: x\n    title: C\n"
              "    date: 2025-01-03\n"),
        "b.yaml",
    )
    result = load([a, b])
    [problem] = result.errors
    assert problem.code == "duplicate-id"
    assert problem.location.path == str(b)
    assert f"{b}:3:9" in problem.message
    # the story with the error is left out; the other one loads
    assert [e.key for e in result.timeline.entries] == ["a:x"]


# ------------------------------------------------------------------ hostile input


def _single(result_problems: list[Problem]) -> Problem:
    assert len(result_problems) == 1, result_problems
    return result_problems[0]


def test_missing_file(tmp_path: Path) -> None:
    problem = _single(load([tmp_path / "nope.yaml"]).errors)
    assert "no such file" in str(problem) and problem.code == "no-file"


def test_directory(tmp_path: Path) -> None:
    problem = _single(load([tmp_path]).errors)
    assert "is a directory" in str(problem) and problem.code == "not-a-file"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"title: x\n\x89PNG\x00\x01\x02")
    problem = _single(load([path]).errors)
    assert str(problem).startswith(f"{path}:2:5: error: binary data")
    assert problem.code == "binary"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes("title: café\n".encode("latin-1"))
    problem = _single(load([path]).errors)
    assert str(problem).startswith(f"{path}:1:11: error: not UTF-8 text (byte 0xe9)")
    assert problem.code == "encoding"


def test_alias_bomb_refused_quickly(write: Callable[[str], Path]) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    path = write("\n".join(lines) + "\nevents: []\n")
    started = time.monotonic()
    problem = _single(load([path]).errors)
    assert time.monotonic() - started < 5
    assert "alias bomb" in str(problem) and problem.code == "alias-bomb"


def test_self_referencing_alias(write: Callable[[str], Path]) -> None:
    problem = _single(load([write("title: &a [*a]\nevents: []\n")]).errors)
    assert "refers to itself" in str(problem)


def test_deep_nesting(write: Callable[[str], Path]) -> None:
    started = time.monotonic()
    problem = _single(load([write("title: " + "[" * 20_000 + "]" * 20_000 + "\n")]).errors)
    assert time.monotonic() - started < 5
    assert "nested too deeply" in str(problem) or "nest" in str(problem)


def test_deep_block_nesting(write: Callable[[str], Path]) -> None:
    text = "".join(" " * depth + "k:\n" for depth in range(20_000))
    problem = _single(load([write(text)]).errors)
    assert "nest" in str(problem)


def test_moderate_nesting_within_libyaml_limit(write: Callable[[str], Path]) -> None:
    problem = _single(load([write("title: " + "[" * 500 + "]" * 500 + "\n")]).errors)
    assert "nested more than 64 levels" in str(problem) and problem.code == "too-deep"


def test_huge_title(write: Callable[[str], Path]) -> None:
    path = write(entry(f"  - id: a\n    title: {'x' * 5_000_000}\n    date: 2025-01-01\n"))
    started = time.monotonic()
    problem = _single(load([path]).errors)
    assert time.monotonic() - started < 5
    assert "'title' is 5,000,000 characters; the limit is 500" in str(problem)


def test_python_tags_are_never_executed(write: Callable[[str], Path], tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = write(
        f"title: !!python/object/apply:os.system ['touch {marker}']\n"
        f"events: !!python/object/new:os.system ['touch {marker}']\n"
    )
    errors = load([path]).errors
    assert {p.code for p in errors} == {"tag"}
    assert not marker.exists()


def test_bundled_file_loads_clean() -> None:
    from conftest import BUNDLED, EXAMPLE

    for path in (BUNDLED, EXAMPLE):
        result = load([path])
        assert result.problems == [], [str(p) for p in result.problems]
        assert len(result.timeline.entries) >= 10


@pytest.mark.parametrize(
    ("where", "key", "message"),
    [
        ("entry", "staus", "unknown key 'staus': entries have no 'status'; a status is set by a change"),
        ("entry", "status", "unknown key 'status': entries have no 'status'; a status is set by a change"),
        ("entry", "tittle", "unknown key 'tittle' (did you mean 'title'?)"),
        ("entry", "url", "unknown key 'url': entries have no 'url'; a URL belongs to a source"),
        ("change", "stauts", "unknown key 'stauts' (did you mean 'status'?)"),
        ("change", "titl", "unknown key 'titl'"),
    ],
)
def test_an_unknown_key_suggests_only_what_belongs_there(
    write: Callable[[str], Path], where: str, key: str, message: str
) -> None:
    """A suggestion is a key valid at that place; a key that belongs elsewhere is said to."""
    text = "events:\n  - id: a\n    title: A\n    date: 2025-01-01\n"
    if where == "entry":
        text += f"    {key}: x\n"
    else:
        text += f"    changes:\n      - announced: 2025-01-02\n        note: n\n        {key}: x\n"
    [problem] = load([write(text)]).problems
    assert problem.message.startswith(message), problem.message
    if message.endswith("'?)") or message.endswith(f"'{key}'"):
        assert problem.message == message


def test_an_entry_keeps_its_relative_date_as_written(write: Callable[[str], Path]) -> None:
    path = write(
        "events:\n  - id: a\n    title: A\n    kind: Deadline\n    date: 2025-08-10\n"
        "  - id: b\n    title: B\n    date: a + 2w\n"
    )
    result = load([path])
    assert not result.problems
    by_id = result.timeline.by_id()
    assert by_id["a"].relative is None and by_id["a"].is_deadline
    relative = by_id["b"].relative
    # the ref names the story too (`t` is the file name's stem), the text stays as written
    assert relative is not None and (relative.ref, relative.sign, relative.text) == ("t:a", 1, "a + 2w")
    assert (relative.offset.amount, relative.offset.unit) == (2, "w")
    assert by_id["b"].date.start.date().isoformat() == "2025-08-24"


def test_moving_an_entry_keeps_every_field() -> None:
    """`moved` makes a new record with every location moved and nothing else changed."""
    from policy_timeline.timeline import moved

    entries = load([Path(__file__).resolve().parent.parent / "examples" / "truce-extended.yaml"])
    for entry in entries.timeline.entries:
        there = moved(entry, 7)
        assert there is not entry and moved(there, -7) == entry
        assert there.location is not None and entry.location is not None
        assert there.location.line == entry.location.line + 7
        lines = [c.location.line for c in there.changes if c.location is not None]
        assert lines == [c.location.line + 7 for c in entry.changes if c.location is not None]
    assert moved(entry, 0) is entry


def test_moving_keeps_every_field_of_an_entry_that_sets_them_all() -> None:
    """Every field of `Entry` set (a field added later must be set here too), moved there
    and back: the same entry; moved once, only the locations differ."""
    from dataclasses import MISSING, fields

    from policy_timeline.dates import Offset, parse_date
    from policy_timeline.timeline import Change, Claim, Entry, Location, moved

    day = parse_date("2025-08-10", "UTC")
    known = parse_date("2025-07-01", "UTC")
    relative = parse_date("a + 2d", "UTC")
    here = Location("t.yaml", 10, 5)
    claim = Claim(day, ("s",), "n", Location("t.yaml", 12, 9), day)
    change = Change(day, day, "met", "n", ("s",), (claim,), Location("t.yaml", 14, 9))
    entry = Entry(
        id="b", title="B", date=day, date_text="a + 2d", kind="deadline", tags=("t",),
        actors=("US",), summary="s", sources=("w",), confidence="reported", announced=known,
        warn=(Offset(3, "d"),), warn_explicit=True, claims=(claim,), changes=(change,),
        consequence="c", zone="Europe/Paris", location=here, relative=relative,  # type: ignore[arg-type]
        story="s",
    )  # fmt: skip
    for spec in fields(Entry):
        default = spec.default if spec.default is not MISSING else None
        assert getattr(entry, spec.name) != default, f"set {spec.name} in this test"
    there = moved(entry, 5)
    assert moved(there, -5) == entry
    assert there.location == Location("t.yaml", 15, 5)
    assert there.changes[0].claims[0].location == Location("t.yaml", 17, 9)
    assert there.claims[0].announced == day  # a claim's fields are kept too
    for spec in fields(Entry):
        if spec.name not in ("location", "claims", "changes"):
            assert getattr(there, spec.name) == getattr(entry, spec.name), spec.name


def test_written_text_quoted_in_a_message_stays_on_its_line(tmp_path: Path) -> None:
    """A value quoted in a message shows its line breaks and invisible characters as
    escapes: a located message is one line (a case test_loader_fuzz found)."""
    path = tmp_path / "t.yaml"
    path.write_text('"one\\ntwo\\ufeff"\n', encoding="utf-8")
    [problem] = load([path]).problems
    assert problem.message == (
        "the file must be a mapping with 'events:', not 'one\\ntwo\\ufeff'"
    )
    assert "\n" not in str(problem)
