"""After an edit, only the entries whose text changed are parsed again: same answers as cold.

The cache keeps, with each error-free load, every entry by the hash of its text; the next
load of an edited file takes the unchanged ones from there (moving their locations when
lines were inserted above) and parses the rest. Every test compares the output with a run
that uses no cache at all (`TIMELINE_NO_CACHE=1`). The tests look only at what the program
does: its answers, the problems it reports and where, and the files in the cache folder
(an entry parsed again is stored again, in a new segment file; one taken unchanged is not).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run
from policy_timeline import cache, scan
from policy_timeline.loader import load

AS_OF = "2025-07-28"
COMMANDS = (
    ("check", "--format", "json"),
    ("show", "--all", "--format", "json"),
    ("remind", "--within", "400d", "--format", "json"),
)
HEADER = """\
# a timeline for the incremental tests
title: Incremental
timezone: America/New_York
warn: [30d, 7d]
sources:
  wire:
    title: A wire story
"""


def entry(number: int) -> str:
    """One entry of a varied shape: deadlines, relative dates, claims, changes, comments."""
    kind = number % 5
    lines = [f"  - id: e{number:03}", f"    title: Entry {number}"]
    if kind == 0:
        lines += ["    kind: deadline", f"    date: 2025-{number % 12 + 1:02}-{number % 27 + 1:02}"]
    elif kind == 1 and number > 1:
        lines += [f"    date: e{number - 1:03} + {number % 9 + 1}d  # counts from the one above"]
    elif kind == 2:
        lines += [
            f"    date: 2025-{number % 12 + 1:02}",
            "    claims:",
            "      - date: 2025-12",
            "        sources: [wire, nowhere]",
        ]
    elif kind == 3:
        lines += [
            "    kind: deadline",
            "    date: 2025-09-01",
            "    warn: [60d]",
            "    changes:",
            "      - announced: 2025-06-01",
            "        date: 2025-10-01",
            "        sources: [missing-source]",
            "        note: |",
            "          Moved by a later notice,",
            "          which said so in two lines.",
        ]
    else:
        lines += [f"    date: 2024-Q{number % 4 + 1}", "    summary: 'quoted: text'"]
    return "\n".join(lines) + "\n\n"


def timeline(numbers: range | list[int], header: str = HEADER) -> str:
    return header + "\nevents:\n" + "".join(entry(n) for n in numbers)


@pytest.fixture
def answers(run: Callable[..., Run], tmp_path: Path) -> Callable[..., list[str]]:
    """What every command in `COMMANDS` prints for these files, loaded together."""

    def _answers(*paths: Path) -> list[str]:
        files = [arg for path in paths for arg in ("-f", str(path))]
        outputs = []
        for command in COMMANDS:
            result = run(*files, "--as-of", AS_OF, *command)
            outputs.append(f"{result.code}\n{result.out}\n{result.err}")
        return outputs

    return _answers


@pytest.fixture
def cold(
    answers: Callable[..., list[str]], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., list[str]]:
    """The same without any cache."""

    def _cold(*paths: Path) -> list[str]:
        with monkeypatch.context() as patch:
            patch.setenv("TIMELINE_NO_CACHE", "1")
            return answers(*paths)

    return _cold


def segments() -> dict[str, tuple[int, int]]:
    """The segment files in the cache: name → (inode, size); a rewritten file gets a new inode."""
    folder = cache.directory()
    assert folder is not None
    return {p.name: (p.stat().st_ino, p.stat().st_size) for p in Path(folder).glob("segment-*")}


def stored_again(before: dict[str, tuple[int, int]]) -> int:
    """The bytes of segments written since `before`: the entries the last loads parsed."""
    return sum(size for name, (inode, size) in segments().items()
               if before.get(name, (None, 0))[0] != inode)


EDITS: dict[str, Callable[[str], str]] = {
    "appended": lambda text: text + entry(99),
    "changed in the middle": lambda text: text.replace("title: Entry 12\n", "title: Twelve\n"),
    "grown in the middle": lambda text: text.replace(
        "title: Entry 12\n", "title: Entry 12\n    tags: [one, two]\n    actors: [EU]\n"
    ),
    "inserted at the top": lambda text: text.replace("events:\n", "events:\n" + entry(98), 1),
    "removed at the top": lambda text: text.replace(entry(0), "", 1),
    "relative target moved": lambda text: text.replace("date: 2025-11-11", "date: 2026-02-03"),
    "comment above the block": lambda text: text.replace("title: Incremental\n", "# new\n" * 3),
}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_an_edit_gives_the_answers_of_a_cold_run(
    edit: str,
    write: Callable[[str, str], Path],
    answers: Callable[[Path], list[str]],
    cold: Callable[[Path], list[str]],
) -> None:
    path = write(timeline(range(30)), "t.yaml")
    answers(path)  # fills the cache
    [(first, (inode, size))] = segments().items()
    before = path.read_text(encoding="utf-8")
    after = EDITS[edit](before)
    assert after != before
    path.write_text(after, encoding="utf-8")
    assert answers(path) == cold(path)
    # most entries were not parsed again: the first segment stays, the new one is small
    assert segments()[first] == (inode, size)
    assert stored_again({first: (inode, size)}) < size // 5
    assert answers(path) == cold(path)  # and the run after that, from the whole-file cache


@pytest.mark.parametrize("every", [1, 7], ids=["all changed", "one in seven changed"])
def test_many_changed_entries_are_put_in_order(
    every: int,
    write: Callable[[str, str], Path],
    answers: Callable[[Path], list[str]],
    cold: Callable[[Path], list[str]],
) -> None:
    """A few entries changed (placed one at a time) or all of them (sorted with the
    others): either way, the order of a cold load."""
    import re

    path = write(timeline(range(600)), "t.yaml")
    answers(path)
    text = path.read_text(encoding="utf-8")
    changed = re.sub(
        r"title: Entry (\d+)\n",
        lambda m: f"title: Item {m[1]}\n" if int(m[1]) % every == 0 else m[0],
        text,
    )
    changed = re.sub(  # and dates that move them in the timeline
        r"date: 2025-(\d\d)-(\d\d)\n",
        lambda m: f"date: 2026-{m[1]}-{m[2]}\n" if int(m[2]) % every == 0 else m[0],
        changed,
    )
    assert len(set(changed.splitlines()) - set(text.splitlines())) > 600 // every
    path.write_text(changed, encoding="utf-8")
    assert answers(path) == cold(path)


def test_a_new_timezone_reads_every_entry_again(
    write: Callable[[str, str], Path],
    answers: Callable[[Path], list[str]],
    cold: Callable[[Path], list[str]],
) -> None:
    path = write(timeline(range(20)), "t.yaml")
    answers(path)
    [(_, size)] = segments().values()
    before = segments()
    path.write_text(timeline(range(20), HEADER.replace("America/New_York", "Asia/Tokyo")))
    assert answers(path) == cold(path)
    assert stored_again(before) > size // 2  # every date is read (and stored) in the new zone


def test_new_default_lead_times_read_every_entry_again(
    write: Callable[[str, str], Path],
    answers: Callable[[Path], list[str]],
    cold: Callable[[Path], list[str]],
) -> None:
    path = write(timeline(range(20)), "t.yaml")
    answers(path)
    [(_, size)] = segments().values()
    before = segments()
    path.write_text(timeline(range(20), HEADER.replace("[30d, 7d]", "[90d]")))
    assert answers(path) == cold(path)
    assert stored_again(before) > size // 2  # every entry read (and stored) again


def test_relative_dates_follow_a_changed_target(
    write: Callable[[str, str], Path], run: Callable[..., Run]
) -> None:
    text = timeline([]) + (
        "  - id: base\n    title: Base\n    date: 2025-01-01\n"
        "  - id: next\n    title: Next\n    date: base + 10d\n"
        "  - id: last\n    title: Last\n    date: next + 1d\n"
    )
    path = write(text, "t.yaml")
    first = load([path], previous=None)
    assert [e.date.text for e in first.timeline.entries] == ["2025-01-01", "2025-01-11", "2025-01-12"]
    path.write_text(text.replace("date: 2025-01-01", "date: 2025-03-01"), encoding="utf-8")
    second = load([path], previous=first.chunks)
    assert [e.date.text for e in second.timeline.entries] == ["2025-03-01", "2025-03-11", "2025-03-12"]
    assert second.timeline == load([path]).timeline


def test_an_error_in_a_changed_entry_is_located_at_its_new_line(
    write: Callable[[str, str], Path],
    answers: Callable[[Path], list[str]],
    cold: Callable[[Path], list[str]],
    run: Callable[..., Run],
) -> None:
    path = write(timeline(range(20)), "t.yaml")
    answers(path)
    text = path.read_text(encoding="utf-8")
    broken = text.replace("events:\n", "events:\n" + entry(97) + entry(98), 1)
    broken = broken.replace("title: Entry 15\n", "title: Entry 15\n    colour: red\n")
    broken = broken.replace("title: Entry 16\n    date: e015 + 8d", "title: Entry 16\n    date: e999 + 8d")
    path.write_text(broken, encoding="utf-8")
    assert answers(path) == cold(path)
    result = run("-f", str(path), "--as-of", AS_OF, "check")
    lines = broken.splitlines()
    colour = next(n for n, line in enumerate(lines, 1) if "colour: red" in line)
    unknown = next(n for n, line in enumerate(lines, 1) if "e999" in line)
    assert f"{path}:{colour}:5: error: unknown key 'colour'" in result.out
    assert f"{path}:{unknown}:11: error: unknown id 'e999'" in result.out
    # fixed again: the entries that were never broken still come from the last good load
    path.write_text(text, encoding="utf-8")
    assert answers(path) == cold(path)


def test_a_duplicate_id_between_unchanged_and_new_entries(
    write: Callable[[str, str], Path],
    answers: Callable[[Path], list[str]],
    cold: Callable[[Path], list[str]],
) -> None:
    path = write(timeline(range(10)), "t.yaml")
    answers(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("events:\n", "events:\n" + entry(4), 1), encoding="utf-8")
    outputs = answers(path)
    assert outputs == cold(path)
    assert "duplicate id 'e004'" in outputs[0]


@pytest.mark.parametrize("damage", ["truncated", "garbage", "missing"])
def test_a_broken_previous_load_is_only_a_miss(
    damage: str,
    write: Callable[[str, str], Path],
    answers: Callable[[Path], list[str]],
    cold: Callable[[Path], list[str]],
) -> None:
    path = write(timeline(range(10)), "t.yaml")
    answers(path)
    folder = cache.directory()
    assert folder is not None
    for payload in Path(folder).glob("timeline-*"):
        data = payload.read_bytes()
        if damage == "truncated":
            payload.write_bytes(data[: len(data) // 2])
        elif damage == "garbage":
            payload.write_bytes(data[:40] + bytes(len(data) - 40))
        else:
            payload.unlink()
    path.write_text(path.read_text(encoding="utf-8") + entry(50), encoding="utf-8")
    assert answers(path) == cold(path)


# ------------------------------------------------------------------ the scan


FALLBACKS = {
    "flow list": "title: T\nevents: [{id: a, title: A, date: 2025-01-01}]\n",
    "anchor across entries": (
        "events:\n  - id: a\n    title: &t A\n    date: 2025-01-01\n"
        "  - id: b\n    title: *t\n    date: 2025-01-02\n"
    ),
    "tab indentation": "events:\n  - id: a\n\t title: A\n    date: 2025-01-01\n",
    "second document": "events:\n  - id: a\n    title: A\n    date: 2025-01-01\n---\nx: 1\n",
    "directive": "%YAML 1.1\n---\nevents:\n  - id: a\n    title: A\n    date: 2025-01-01\n",
    "less indented line": "events:\n   - id: a\n     title: A\n  date: 2025-01-01\n",
    "no items": "title: T\nevents:\n# nothing yet\n",
    "lone carriage return": "events:\n  - id: a\r    title: A\n    date: 2025-01-01\n",
    "line separator": "events:\n  - id: a\n    title: A\u2028B\n    date: 2025-01-01\n",
    "paragraph separator": "events:\n  - id: a\n    title: A\u2029B\n    date: 2025-01-01\n",
    "next line": "events:\n  - id: a\n    title: A\u0085B\n    date: 2025-01-01\n",
    "tab before a less indented line": "events:\n  - id: a\n    title: A\n \tdate: 2025-01-01\n",
}


@pytest.mark.parametrize("text", list(FALLBACKS.values()), ids=list(FALLBACKS))
def test_what_the_scan_does_not_follow_is_read_whole(
    text: str, write: Callable[[str, str], Path]
) -> None:
    """Read whole: the load keeps nothing for the next one to reuse, and the cache answers
    as a load does."""
    assert scan.split_events(text.encode("utf-8")) is None
    path = write(text, "t.yaml")
    result = load([path])
    assert result.chunks == {}
    _same(cache.load([str(path)]), result)
    _same(cache.load([str(path)]), result)  # and warm


CHUNKED = {
    "a tab and a percent inside values": "events:\n  - id: a\n    title: 50%\tof it\n"
    "    date: 2025-01-01\n  - id: b\n    title: B\n    date: 2025-01-02\n",
    "column-zero items": "events:\n- id: a\n  title: A\n  date: 2025-01-01\n- id: b\n  title: B\n"
    "  date: 2025-01-02\n",
    "comments between and around": "events:  # the list\n# first\n  - id: a  # here\n    title: A\n"
    "# at column 0\n    date: 2025-01-01\n\n    # deeper\n  # at the dashes\n  - id: b\n"
    "    title: B\n    date: a + 1d\n# the end\n",
    "keys after the block": "events:\n  - id: a\n    title: A\n    date: 2025-01-01\n"
    "timezone: Europe/Paris\nwarn: [3d]\n",
    "crlf line ends": "title: T\r\nevents:\r\n  - id: a\r\n    title: A\r\n    date: 2025-01-01\r\n",
    "byte order mark and no final newline": "\ufeffevents:\n  - id: a\n    title: A\n"
    "    date: 2025-01-01",
    "block scalars and a dash inside": "events:\n  - id: a\n    title: A\n    date: 2025-01-01\n"
    "    summary: |\n      - not an item\n\n      # nor a comment\n  - id: b\n    title: B\n"
    "    date: x\n",
    "errors of every kind": "timezone: Mars/Base\nevents:\n  - id: a\n    title: A\n"
    "    date: 2025-13-01\n  - id: a\n    title: B\n    date: b + 1d\n  - just text\n  -\n"
    "  - id: c\n    title: C\n    date: c + 1d\n    changes:\n      - date: 2025-01-01\n",
    "a tag in an entry": "events:\n  - id: a\n    title: !!binary QQ==\n    date: 2025-01-01\n",
    "a duplicate key in an entry": "events:\n  - id: a\n    title: A\n    title: B\n"
    "    date: 2025-01-01\n",
    "a syntax error in an entry": "events:\n  - id: a\n    title: 'A\n  - id: b\n    title: B'\n"
    "    date: 2025-01-01\n",
    "a second events key": "events:\n  - id: a\n    title: A\n    date: 2025-01-01\nevents: []\n",
}


@pytest.mark.parametrize("name", list(CHUNKED))
def test_reading_by_chunks_gives_what_reading_whole_gives(
    name: str, write: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan follows each of these files; what the parser then finds that only a whole
    read reports exactly (a tag, a duplicate key, a syntax error, a second `events:`) is
    reported as a whole read reports it."""
    text = CHUNKED[name]
    path = write(text, "t.yaml")
    path.write_bytes(text.encode("utf-8"))  # exactly these bytes (no newline translation)
    plain = text.removeprefix("\ufeff").encode("utf-8")  # as the loader reads it
    assert scan.split_events(plain) is not None  # read by chunks, if it can be
    result = load([path])
    with monkeypatch.context() as patch:
        patch.setattr(scan, "split_events", lambda data: None)
        whole = load([path])
    _same(result, whole)


def test_the_scan_finds_every_item_and_its_line() -> None:
    text = timeline(range(12)).replace("Entry 3", "Entrée – 3")  # not only ASCII
    data = text.encode("utf-8")
    split = scan.split_events(data)
    assert split is not None
    lines = text.splitlines()
    dashes = [n for n, line in enumerate(lines, 1) if line.startswith("  - id: ")]
    assert list(split.lines) == dashes
    assert split.key_line == lines.index("events:") + 1
    assert b"".join(split.chunk(data, i) for i in range(12)) == data[split.starts[0] :]
    assert split.header.count("\n") == text.count("\n")
    assert "id:" not in split.header


# ------------------------------------------------------------ stored in segments


def test_after_an_edit_only_the_changed_entry_is_pickled_again(
    write: Callable[[str, str], Path], answers: Callable[[Path], list[str]]
) -> None:
    path = write(timeline(range(40)), "t.yaml")
    answers(path)
    [(first, (inode, size))] = segments().items()
    text = path.read_text(encoding="utf-8")
    # one entry changed, and three lines inserted above half of the others
    path.write_text(
        text.replace("title: Entry 20\n", "title: Twenty\n    # one\n    # two\n    # three\n"),
        encoding="utf-8",
    )
    answers(path)
    after = segments()
    assert after[first] == (inode, size)  # not rewritten
    [new] = set(after) - {first}
    assert after[new][1] < size // 10  # the new segment holds the changed entry only


def test_a_chain_of_edits_gives_the_answers_of_a_cold_run(
    write: Callable[[str, str], Path],
    answers: Callable[[Path], list[str]],
    cold: Callable[[Path], list[str]],
) -> None:
    """Entries pickled at one line and moved by several later edits, segments merged on
    the way, reminded pickles copied from payload to payload: always the cold answers,
    and never more than `MERGE_SEGMENTS` segments or one left behind."""
    import random

    rng = random.Random(6)
    numbers = list(range(40))
    path = write(timeline(numbers), "t.yaml")
    answers(path)
    folder = cache.directory()
    assert folder is not None
    comments = 0
    for step in range(3 * cache.MERGE_SEGMENTS):
        if step % 3 == 0:  # lines added in the header: every entry moves
            comments += 1
        if step % 4 == 1:  # an entry removed (not one that another counts from)
            numbers.remove(rng.choice([n for n in numbers if n % 5 != 0]))
        numbers.insert(rng.randrange(len(numbers) + 1), 100 + step)  # a new entry
        text = timeline(numbers, HEADER + "# note\n" * comments)
        if step % 2:  # an entry's title changed in place (back again at the next step)
            target = rng.choice(numbers)
            text = text.replace(f"title: Entry {target}\n", f"title: Entry {target}, changed\n")
        path.write_text(text, encoding="utf-8")
        assert answers(path) == cold(path), f"step {step}"
        # one edit, one new segment: with none left behind, never more than the bound
        assert len(segments()) <= cache.MERGE_SEGMENTS, "a segment was left behind"
        assert len(list(Path(folder).glob("timeline-*"))) == 1
        assert answers(path) == cold(path), f"step {step}, warm"
        # what a warm `remind` reads, located as a cold load locates it
        reminded = cache.load([str(path)], reminded_only=True).timeline.entries
        assert reminded == cache.reminded_subset(load([path]).timeline).entries


def test_a_corrupt_segment_is_only_a_miss(
    write: Callable[[str, str], Path],
    answers: Callable[[Path], list[str]],
    cold: Callable[[Path], list[str]],
) -> None:
    path = write(timeline(range(20)), "t.yaml")
    answers(path)
    folder = cache.directory()
    assert folder is not None
    [segment] = Path(folder).glob("segment-*")
    data = bytearray(segment.read_bytes())
    data[len(data) // 2] ^= 0xFF
    segment.write_bytes(bytes(data))
    assert answers(path) == cold(path)  # the warm read misses
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Entry 3\n", "title: Three\n"), encoding="utf-8")
    segment.unlink(missing_ok=True)
    assert answers(path) == cold(path)  # the previous load cannot be read: a full load


def test_a_load_from_scratch_sweeps_what_nothing_uses(
    write: Callable[[str, str], Path], answers: Callable[[Path], list[str]]
) -> None:
    """Files no index leads to (a killed writer's, two writers' at once) go when they are
    old; young ones may be another process's, and what is in use always stays."""
    import os
    import time

    folder = cache.directory()
    assert folder is not None
    first = write(timeline(range(10)), "a.yaml")
    answers(first)
    in_use = {p.name for p in Path(folder).iterdir()}
    hour_ago = time.time() - 2 * 3600
    leftovers = {
        "segment-" + "0" * 32: hour_ago,
        "timeline-" + "1" * 40: hour_ago,
        ".tmp-abc": hour_ago,
        "segment-" + "2" * 32: time.time(),  # young: perhaps being written right now
    }
    for name, when in leftovers.items():
        (Path(folder) / name).write_bytes(b"left behind")
        os.utime(Path(folder) / name, (when, when))
    for name in in_use:  # old, but in use
        os.utime(Path(folder) / name, (hour_ago, hour_ago))
    answers(write(timeline(range(5)), "b.yaml"))  # a load from scratch: it sweeps
    left = {p.name for p in Path(folder).iterdir()}
    assert in_use <= left
    assert "segment-" + "2" * 32 in left
    assert not {"segment-" + "0" * 32, "timeline-" + "1" * 40, ".tmp-abc"} & left
    assert answers(first) == answers(first)  # the first file is still served warm


def test_concurrent_runs_after_an_edit(
    write: Callable[[str, str], Path], cold: Callable[[Path], list[str]]
) -> None:
    """Six processes run at once right after an edit, each storing what it loaded: every
    one answers as a cold run does, and so does the run after them."""
    import subprocess
    import sys

    from conftest import process_env

    path = write(timeline(range(200)), "t.yaml")
    env = process_env(COLUMNS="100")
    argv = [sys.executable, "-m", "policy_timeline", "-f", str(path), "--as-of", AS_OF]
    command = [*argv, "remind", "--within", "400d", "--format", "json"]
    subprocess.run(command, env=env, check=True, capture_output=True)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Entry 100\n", "title: Hundred\n# moved\n"), "utf-8")
    expected = cold(path)[2].split("\n", 1)[1]  # the JSON of `remind`, after the exit code
    children = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert out + "\n" + err == expected
    again = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert again.stdout + "\n" + again.stderr == expected


def test_edits_to_one_of_two_files(
    write: Callable[[str, str], Path],
    answers: Callable[..., list[str]],
    cold: Callable[..., list[str]],
) -> None:
    """Two files loaded together share one cached load; an edit to either reuses the
    other's entries and its own unchanged ones, with the answers of a cold run."""
    first = write(timeline(range(30)), "a.yaml")
    second = write(timeline(range(100, 130), HEADER.replace("Incremental", "Other")), "b.yaml")
    answers(first, second)
    for path, old, new in (
        (first, "title: Entry 12\n", "title: Twelve\n# a\n"),
        (second, "title: Entry 110\n", "title: Hundred and ten\n"),
        (first, "events:\n", "events:\n" + entry(99)),
    ):
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), "utf-8")
        assert answers(first, second) == cold(first, second)
        assert answers(first, second) == cold(first, second)


def test_a_story_unchanged_byte_for_byte_is_not_split_again(
    write: Callable[[str, str], Path],
    answers: Callable[..., list[str]],
    cold: Callable[..., list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In a workspace where one story changed, the others are taken as they were read (no
    scan of their text), with their locations where their text is now: also for a story
    whose entries moved in an earlier edit, and for an error found in it only because
    another story changed (the date it counts from is gone)."""
    first = write(timeline(range(30)), "a.yaml")
    second = write(
        timeline(range(100, 130), HEADER.replace("Incremental", "Other"))
        + "  - id: counts\n    title: Counts from the other story\n    date: a:e012 + 3d\n",
        "b.yaml",
    )
    answers(first, second)
    second.write_text(  # the entries of b move down: b's next load keeps them as moved
        second.read_text(encoding="utf-8").replace("events:\n", "events:\n" + entry(98), 1),
        "utf-8",
    )
    assert answers(first, second) == cold(first, second)

    scanned: list[int] = []
    split_events = scan.split_events

    def counted(data: bytes) -> scan.Split | None:
        scanned.append(len(data))
        return split_events(data)

    monkeypatch.setattr(scan, "split_events", counted)
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("title: Entry 12\n", "title: Twelve\n", 1), "utf-8")
    assert answers(first, second) == cold(first, second)
    scanned.clear()
    first.write_text(text.replace("title: Entry 12\n", "title: Twelve again\n", 1), "utf-8")
    answers(first, second)
    assert scanned == [len(first.read_bytes())]  # a only, and once: then the cache answers

    without = text.replace(entry(12), "", 1)  # b's entry now counts from nothing
    first.write_text(without, "utf-8")
    warm = answers(first, second)
    assert warm == cold(first, second)
    errors = json.loads(warm[0].split("\n", 1)[1].rsplit("\n\n", 1)[0])["errors"]
    lines = second.read_text(encoding="utf-8").splitlines()
    where = next(n for n, line in enumerate(lines, 1) if "date: a:e012" in line)
    assert [(Path(e["path"]).name, e["line"]) for e in errors if "e012" in e["message"]] == [
        ("b.yaml", where)
    ]


def test_a_file_that_stops_and_starts_being_read_by_chunks(
    write: Callable[[str, str], Path],
    answers: Callable[[Path], list[str]],
    cold: Callable[[Path], list[str]],
) -> None:
    """An anchor makes the file be read whole (no chunks to reuse), removing it makes it
    chunked again: each step answers as a cold run does."""
    path = write(timeline(range(30)), "t.yaml")
    answers(path)
    text = path.read_text(encoding="utf-8")
    steps = [
        text.replace("title: Entry 3\n", "title: &three Entry 3\n", 1),
        text.replace("title: Entry 4\n", "title: Four\n", 1),
        text,
    ]
    for step in steps:
        path.write_text(step, encoding="utf-8")
        assert answers(path) == cold(path)
        assert answers(path) == cold(path)


# ------------------------------------------------------------ generated comparisons

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# pieces an entry's text is made of: right and wrong, so that problems are compared too
_DATES = st.sampled_from(
    ["2025-08-10", "2025-08", "2025", "2025-Q3", "2025-06~", "2025-06-09/2025-06-10",
     "2025-08-12T00:01-04:00", "2025-02-30", "'2025-07-01'"]
)  # fmt: skip
_EXTRAS = st.lists(
    st.sampled_from(
        [
            "    kind: deadline\n",
            "    kind: Deadline\n",
            "    warn: [14d, 2d]\n",
            "    warn: [soon]\n",
            "    tags: [trade, ai]\n",
            "    summary: |\n      Two lines\n      of text.\n",
            "    # a comment inside\n",
            "    claims:\n      - date: 2025-09-01\n        sources: [https://example.org/a]\n",
            "    changes:\n      - announced: 2025-07-01\n        date: 2025-10-01\n",
            "    changes:\n      - announced: 2025-07-01\n        status: met\n",
            "    changes:\n      - announced: 2025-07-01\n",
            "    tittle: typo\n",
            "    announced: 2025-07-20\n",
        ]
    ),
    max_size=3,
    unique=True,
)


@st.composite
def _entry(draw: st.DrawFn, number: int, ids: list[str]) -> str:
    """One entry: its id (sometimes one used already), a date (sometimes relative to an
    earlier entry, or to one that does not exist), and a few extras."""
    entry_id = draw(st.sampled_from(ids)) if ids and draw(st.integers(0, 15)) == 0 else f"e{number}"
    if ids and draw(st.booleans()):
        target = draw(st.sampled_from([*ids, "nowhere"]))
        date = f"{target} + {draw(st.integers(1, 40))}{draw(st.sampled_from(['d', 'w', 'mo']))}"
    else:
        date = draw(_DATES)
    text = f"  - id: {entry_id}\n    title: Entry {number}\n    date: {date}\n"
    text += "".join(draw(_EXTRAS))
    return text + draw(st.sampled_from(["", "\n", "  # between entries\n"]))


@st.composite
def _entries(draw: st.DrawFn, count: int = 12) -> list[str]:
    ids: list[str] = []
    texts = []
    for number in range(draw(st.integers(1, count))):
        texts.append(draw(_entry(number, ids)))
        ids.append(f"e{number}")
    return texts


_HEADERS = st.sampled_from(
    [
        "title: G\n",
        "title: G\ntimezone: America/New_York\nwarn: [30d, 7d]\n",
        "# a comment\ntitle: G\ntimezone: Asia/Tokyo\n",
    ]
)


def _text(header: str, entries: list[str]) -> str:
    return header + "events:\n" + "".join(entries)


def _same(a: object, b: object) -> None:
    from policy_timeline.result import LoadResult

    assert isinstance(a, LoadResult) and isinstance(b, LoadResult)
    assert [str(p) for p in a.problems] == [str(p) for p in b.problems]
    assert a.timeline == b.timeline


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=_HEADERS, entries=_entries())
def test_loading_by_chunks_gives_what_loading_whole_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, header: str, entries: list[str]
) -> None:
    """Random files, with and without problems: reading an entry at a time gives the
    same timeline and the same problems, at the same places, as reading the whole file."""
    path = tmp_path / "g.yaml"
    path.write_text(_text(header, entries), encoding="utf-8")
    assert scan.split_events(path.read_bytes()) is not None  # read by chunks indeed
    by_chunks = load([path])
    with monkeypatch.context() as patch:
        patch.setattr(scan, "split_events", lambda data: None)
        whole = load([path])
    _same(by_chunks, whole)


_EDITS = st.sampled_from(["insert", "remove", "retitle", "redate", "comment", "header", "swap"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=_HEADERS,
    entries=_entries(),
    edits=st.lists(st.tuples(_EDITS, st.integers(0, 99), _entry(50, ["e0", "e1"])), max_size=6),
)
def test_warm_answers_equal_cold_after_random_edits(
    tmp_path: Path,
    header: str,
    entries: list[str],
    edits: list[tuple[str, int, str]],
) -> None:
    """A random file through a random chain of edits: after each, what the cache gives
    (the whole load, and the reminded entries a warm `remind` reads) is what a load
    without any cache gives."""
    path = tmp_path / "w.yaml"
    entries = list(entries)
    for step, (edit, at, new) in enumerate([("none", 0, ""), *edits]):
        where = at % (len(entries) + 1)
        if edit == "insert":
            entries.insert(where, new.replace("e50", f"n{step}"))
        elif edit == "remove" and len(entries) > 1:
            entries.pop(where % len(entries))
        elif edit == "retitle" and entries:
            entries[where % len(entries)] += "    consequence: changed\n"
        elif edit == "redate" and entries:
            index = where % len(entries)
            entries[index] = entries[index].replace("2025-", "2026-", 1)
        elif edit == "comment":
            entries.insert(where, "  # a comment\n\n")
        elif edit == "header":
            header = "# moved down\n" + header
        elif edit == "swap" and len(entries) > 1:
            entries[0], entries[-1] = entries[-1], entries[0]
        path.write_text(_text(header, entries), encoding="utf-8")
        cold = load([path])
        _same(cache.load([str(path)]), cold)
        _same(cache.load([str(path)]), cold)  # and warm
        if not cold.errors:
            reminded = cache.load([str(path)], reminded_only=True).timeline.entries
            assert reminded == cache.reminded_subset(cold.timeline).entries
