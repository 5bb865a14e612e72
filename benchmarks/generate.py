"""Deterministic benchmark timelines, and the same entries for the peers.

    python benchmarks/generate.py                 # 1,000 / 10,000 / 100,000 entries
    python benchmarks/generate.py --sizes 1000    # just one size
    python benchmarks/generate.py --force         # regenerate even if up to date

For each size N this writes, under benchmarks/out/data/N/:

    timeline.yaml     the timeline (what `timeline -f` reads)
    reminders.rem     the same entries for `remind` (REM ... +N AT ... MSG)
    tasks.json        the same entries for taskwarrior, imported into taskdata/ with
                      an isolated taskrc (only when `task` is installed)
    khal/             one .ics per entry in khal/calendar/ and khal/config (only when
                      khal is installed: on PATH or in benchmarks/out/khal-venv)

Entries are drawn from a seeded generator: ~10% deadlines (half with their own lead
times, some with changes that were announced before or after the as-of day, some with
disputed claims, old ones mostly closed as met/missed like a maintained file would be),
the rest events of various kinds; tags, actors, sources (ids and bare URLs), summaries,
month/approximate/uncertain/quarter dates, spans, times of day, and relative dates
(`other-id + 30d`, chains included). The peers get what each entry means on AS_OF: its
effective date after the changes announced by then, and its largest lead time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"
DATA = OUT / "data"
KHAL_VENV = OUT / "khal-venv"
SIZES = (1_000, 10_000, 100_000)
SEED = 20250728
AS_OF = date(2025, 7, 28)  # every benchmark pins --as-of to this day
START = date(2020, 1, 1)
SPAN_DAYS = 3653  # ten years around AS_OF: ~27 entries a day at 100,000
ZONE = "America/New_York"
VERSION = 3  # bump when the output changes, so stale data is regenerated

KINDS = ("agreement", "measure", "announcement", "statement", "meeting", "report", "call", "ruling")
ACTORS = (
    "US",
    "CN",
    "EU",
    "JP",
    "KR",
    "IN",
    "UK",
    "CA",
    "MX",
    "BR",
    "AU",
    "VN",
    "TW",
    "DE",
    "FR",
    "WTO",
)
TAGS = (
    "tariffs",
    "truce",
    "rare-earths",
    "export-controls",
    "semiconductors",
    "gallium",
    "germanium",
    "graphite",
    "magnets",
    "antimony",
    "steel",
    "aluminium",
    "autos",
    "solar",
    "batteries",
    "shipping",
    "soybeans",
    "pork",
    "fentanyl",
    "entity-list",
    "investment",
    "subsidies",
    "anti-dumping",
    "sanctions",
    "licences",
    "critical-minerals",
    "ai-chips",
    "wto",
    "customs",
    "port-fees",
)
VERBS = (
    "announces",
    "extends",
    "suspends",
    "imposes",
    "lifts",
    "tightens",
    "reviews",
    "proposes",
    "confirms",
    "delays",
    "publishes",
    "signs",
    "rejects",
    "expands",
)
TOPICS = (
    "export licences for gallium",
    "tariffs on steel",
    "controls on rare-earth magnets",
    "port fees on vessels",
    "duties on solar cells",
    "entity list additions",
    "soybean purchase commitments",
    "chip export rules",
    "graphite anode licences",
    "antimony shipments",
    "investment screening rules",
    "anti-dumping duties on aluminium",
    "critical-minerals framework",
    "battery subsidies",
    "customs inspections",
    "fentanyl precursor controls",
    "auto tariffs",
    "the trade truce",
    "sanctions on refiners",
    "licence fees for ai chips",
    "rules of origin",
    "a WTO dispute panel",
    "tariffs on pork",
)
CONSEQUENCES = (
    "Tariffs snap back to the earlier rates",
    "Licences lapse and shipments stop",
    "Duties rise by 25 points",
    "The exemption ends",
    "Retaliatory measures take effect",
    "The panel report becomes final",
    "Port fees double",
)
NOTES = (
    "Extended by executive order",
    "Postponed after talks",
    "Moved up by the ministry",
    "Delayed",
)
LEADS = (["14d", "3d"], ["30d", "7d"], ["7d", "1d"], ["60d", "14d", "1d"], ["2w", "2d"])
FILE_WARN = ["30d", "7d", "1d"]
SOURCES = 200


@dataclass
class Item:
    """One generated entry, and what it means on AS_OF (for the peers)."""

    id: str
    title: str
    kind: str
    date_text: str
    day: date  # first day of its date (the start of its interval)
    due_day: date  # the day a deadline is due: the start, or the end of a span
    tags: list[str]
    actors: list[str]
    sources: list[str] = field(default_factory=list)
    summary: str | None = None
    time_of_day: str | None = None  # "HH:MM" for timed entries
    warn: list[str] | None = None
    consequence: str | None = None
    claims: list[str] = field(default_factory=list)
    changes: list[dict[str, str]] = field(default_factory=list)
    announced: str | None = None
    effective_day: date | None = None  # the due day on AS_OF after applied changes
    status: str = "open"  # on AS_OF

    @property
    def lead_days(self) -> int:
        return max(_days(w) for w in (self.warn or FILE_WARN))


def _days(lead: str) -> int:
    amount = int(lead.rstrip("dwmoy"))
    return amount * (7 if lead.endswith("w") else 1)


def _iso(day: date) -> str:
    return day.isoformat()


def generate(count: int, seed: int = SEED) -> list[Item]:
    rng = random.Random(seed + count)
    items: list[Item] = []
    day_refs: list[int] = []  # indexes of day-precision entries a relative date may follow
    for index in range(count):
        topic = rng.choice(TOPICS)
        actor = rng.choice(ACTORS)
        is_deadline = rng.random() < 0.10
        kind = "deadline" if is_deadline else rng.choice(KINDS)
        entry_id = f"{actor.lower()}-{topic.split()[-1].lower()}-{index:06d}"
        title = f"{actor} {rng.choice(VERBS)} {topic}"
        if is_deadline:
            title = f"Deadline for {topic} ({actor})"
        day = START + timedelta(days=rng.randrange(SPAN_DAYS))
        due_day = day
        time_of_day = None
        form = rng.random()
        if form < 0.06 and day_refs:
            ref = items[day_refs[-1 - rng.randrange(min(len(day_refs), 500))]]
            amount, unit = rng.choice(((30, "d"), (90, "d"), (2, "w"), (60, "d"), (1, "w")))
            sign = "-" if rng.random() < 0.1 else "+"
            delta = timedelta(days=amount * (7 if unit == "w" else 1))
            day = ref.day - delta if sign == "-" else ref.day + delta
            due_day = day
            date_text = f"{ref.id} {sign} {amount}{unit}"
        elif form < 0.10:
            day = day.replace(day=1)
            due_day = day
            date_text = day.strftime("%Y-%m") + ("~" if rng.random() < 0.3 else "")
        elif form < 0.12:
            date_text = _iso(day) + "?"
        elif form < 0.13:
            quarter = (day.month - 1) // 3
            day = date(day.year, 3 * quarter + 1, 1)
            due_day = day
            date_text = f"{day.year}-Q{quarter + 1}"
        elif form < 0.15:
            due_day = day + timedelta(days=rng.randrange(1, 4))
            date_text = f"{_iso(day)}/{_iso(due_day)}"
        elif form < 0.18:
            time_of_day = f"{rng.randrange(8, 18):02d}:{rng.choice((0, 15, 30, 45)):02d}"
            date_text = f"{_iso(day)}T{time_of_day}"
        else:
            date_text = _iso(day)
        item = Item(
            id=entry_id,
            title=title,
            kind=kind,
            date_text=date_text,
            day=day,
            due_day=due_day if is_deadline else day,
            tags=rng.sample(TAGS, rng.randrange(1, 4)),
            actors=rng.sample(ACTORS, rng.randrange(1, 3)),
        )
        if not is_deadline and (date_text == _iso(day) or " " in date_text):
            day_refs.append(index)  # relative dates follow plain days, never moved deadlines
        if rng.random() < 0.7:
            item.sources = [f"src-{rng.randrange(SOURCES):03d}"]
            if rng.random() < 0.15:
                item.sources.append(f"https://example.org/news/{index}")
        if rng.random() < 0.3:
            item.summary = (
                f"{actor} said the decision on {topic} follows talks with "
                f"{rng.choice(ACTORS)} officials – détails in the source."
            )
        if is_deadline:
            _deadline(item, rng)
        elif rng.random() < 0.03 and time_of_day is None:
            item.announced = _iso(day - timedelta(days=rng.randrange(1, 60)))
        items.append(item)
    for item in items:
        _effective(item)
    return items


def _deadline(item: Item, rng: random.Random) -> None:
    if rng.random() < 0.5:
        item.warn = list(rng.choice(LEADS))
    item.consequence = rng.choice(CONSEQUENCES)
    if rng.random() < 0.05:
        item.claims = [_iso(item.due_day + timedelta(days=rng.choice((-2, -1, 1, 2))))]
    due = item.due_day
    if rng.random() < 0.3 and "/" not in item.date_text and "T" not in item.date_text:
        for _ in range(rng.randrange(1, 3)):
            announced = due - timedelta(days=rng.randrange(3, 40))
            due = due + timedelta(days=rng.choice((30, 60, 90)))
            item.changes.append(
                {"announced": _iso(announced), "date": _iso(due), "note": rng.choice(NOTES)}
            )
    if due < AS_OF - timedelta(days=1) and rng.random() < 0.97:
        # a maintained file records what happened to old deadlines
        status = rng.choice(("met", "met", "met", "missed", "cancelled"))
        item.changes.append({"announced": _iso(due + timedelta(days=1)), "status": status})


def _effective(item: Item) -> None:
    due = item.due_day
    status = "open"
    for change in item.changes:
        if date.fromisoformat(change["announced"]) > AS_OF:
            continue
        if "date" in change:
            due = date.fromisoformat(change["date"])
        status = change.get("status", status)
    item.effective_day = due
    item.status = status


# ---------------------------------------------------------------------- writers


def _flow(words: list[str]) -> str:
    return "[" + ", ".join(words) + "]"


def timeline_yaml(items: list[Item], count: int) -> str:
    lines = [
        f"# {count:,} generated entries: benchmarks/generate.py (seed {SEED}); do not edit",
        f"title: Benchmark timeline, {count:,} entries",
        f"timezone: {ZONE}",
        f"warn: {_flow(FILE_WARN)}",
        "",
        "sources:",
    ]
    for number in range(SOURCES):
        lines += [
            f"  src-{number:03d}:",
            f"    title: Trade report number {number}",
            "    publisher: Bench Wire",
            f"    url: https://example.org/reports/{number}",
        ]
    lines += ["", "events:"]
    append = lines.append
    for item in items:
        append(f"  - id: {item.id}")
        append(f"    title: {item.title}")
        append(f"    date: {item.date_text}")
        append(f"    kind: {item.kind}")
        append(f"    tags: {_flow(item.tags)}")
        append(f"    actors: {_flow(item.actors)}")
        if item.sources:
            append(f"    sources: {_flow(item.sources)}")
        if item.summary:
            append(f"    summary: {json.dumps(item.summary, ensure_ascii=False)}")
        if item.announced:
            append(f"    announced: {item.announced}")
        if item.warn:
            append(f"    warn: {_flow(item.warn)}")
        if item.consequence:
            append(f"    consequence: {item.consequence}")
        if item.claims:
            append("    claims:")
            for claim in item.claims:
                append(f"      - date: {claim}")
                append("        sources: [https://example.org/other-report]")
        if item.changes:
            append("    changes:")
            for change in item.changes:
                append(f"      - announced: {change['announced']}")
                for key in ("date", "status", "note"):
                    if key in change:
                        append(f"        {key}: {change[key]}")
    return "\n".join(lines) + "\n"


def remind_file(items: list[Item]) -> str:
    """Deadlines warn ahead by their largest lead time; closed ones and events do not."""
    lines = [
        "# generated by benchmarks/generate.py: the same entries, as remind sees them on AS_OF"
    ]
    for item in items:
        day = item.effective_day or item.day
        when = f"{day.day} {day.strftime('%b')} {day.year}"
        ahead = ""
        if item.kind == "deadline" and item.status == "open":
            ahead = f" +{item.lead_days}"
        at = f" AT {item.time_of_day}" if item.time_of_day else ""
        lines.append(f"REM {when}{ahead}{at} MSG {item.title}")
    return "\n".join(lines) + "\n"


def task_json(items: list[Item]) -> str:
    """One task per entry, due on its effective day; closed deadlines are completed."""
    namespace = uuid.UUID("7c0e2a51-9b1e-4f0c-9d8a-2a5b1f6e0d11")
    tasks = []
    for item in items:
        day = item.effective_day or item.day
        hour = item.time_of_day.replace(":", "") if item.time_of_day else "0000"
        due = f"{day.strftime('%Y%m%d')}T{hour}00Z"
        task: dict[str, object] = {
            "uuid": str(uuid.uuid5(namespace, item.id)),
            "description": item.title,
            "entry": "20200101T000000Z",
            "due": due,
            "status": "pending",
            "project": item.kind,
            "tags": [tag.replace("-", "_") for tag in item.tags],
        }
        if item.status != "open":
            task["status"] = "completed"
            task["end"] = due
        tasks.append(task)
    return json.dumps(tasks, indent=0) + "\n"


def ics_event(item: Item) -> str:
    day = item.effective_day or item.day
    if item.time_of_day:
        start = (
            f"DTSTART;TZID={ZONE}:{day.strftime('%Y%m%d')}T{item.time_of_day.replace(':', '')}00"
        )
    else:
        start = f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}"
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//policy-timeline//benchmark//EN",
            "BEGIN:VEVENT",
            f"UID:{item.id}@policy-timeline.invalid",
            "DTSTAMP:20250101T000000Z",
            start,
            f"SUMMARY:{item.title}",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


def khal_config(folder: Path) -> str:
    return f"""[calendars]
[[bench]]
path = {folder / "calendar"}
type = calendar

[locale]
local_timezone = {ZONE}
default_timezone = {ZONE}
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M

[sqlite]
path = {folder / "khal.db"}
"""


# ---------------------------------------------------------------------- peers


def task_env(folder: Path) -> dict[str, str]:
    """taskwarrior isolated in `folder`: its own taskrc and data, never the user's."""
    return {**os.environ, "TASKRC": str(folder / "taskrc"), "TASKDATA": str(folder / "taskdata")}


def khal_binary() -> str | None:
    local = KHAL_VENV / "bin" / "khal"
    if local.exists():
        return str(local)
    return shutil.which("khal")


def import_tasks(folder: Path) -> float:
    data = folder / "taskdata"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    (folder / "taskrc").write_text(
        f"data.location={data}\nconfirmation=off\nverbose=nothing\ncolor=off\n"
        "hooks=off\nrecurrence=off\nnews.version=2.6.2\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    subprocess.run(
        ["task", "import", str(folder / "tasks.json")],
        env=task_env(folder),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def write_khal(items: list[Item], folder: Path) -> None:
    khal = folder / "khal"
    shutil.rmtree(khal, ignore_errors=True)
    calendar = khal / "calendar"
    calendar.mkdir(parents=True)
    for item in items:
        (calendar / f"{item.id}.ics").write_bytes(ics_event(item).encode("utf-8"))
    (khal / "config").write_text(khal_config(khal), encoding="utf-8")


def build_khal_cache(folder: Path) -> float | None:
    """khal builds its sqlite cache on first use; time it once, it is khal's cold start."""
    binary = khal_binary()
    if binary is None:
        return None
    khal = folder / "khal"
    started = time.perf_counter()
    subprocess.run(
        [binary, "-c", str(khal / "config"), "list", _iso(AS_OF), "1d"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


# ---------------------------------------------------------------------- main


def _stamp(count: int, peers: list[str]) -> str:
    return json.dumps({"count": count, "seed": SEED, "version": VERSION, "peers": peers})


def folder_for(count: int) -> Path:
    return DATA / str(count)


def build(count: int, *, force: bool = False, log: bool = True) -> Path:
    """Write every file for `count` entries, unless they are already up to date."""
    folder = folder_for(count)
    peers = [name for name, ok in (("task", shutil.which("task")), ("khal", khal_binary())) if ok]
    stamp_path = folder / "stamp.json"
    stamp = _stamp(count, peers)
    if not force and stamp_path.exists() and stamp_path.read_text(encoding="utf-8") == stamp:
        if log:
            print(f"{count:>7,} entries: up to date in {folder.relative_to(ROOT.parent)}")
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    stamp_path.unlink(missing_ok=True)
    started = time.perf_counter()
    items = generate(count)
    (folder / "timeline.yaml").write_text(timeline_yaml(items, count), encoding="utf-8")
    (folder / "reminders.rem").write_text(remind_file(items), encoding="utf-8")
    (folder / "tasks.json").write_text(task_json(items), encoding="utf-8")
    notes = [f"written in {time.perf_counter() - started:.1f} s"]
    if "task" in peers:
        notes.append(f"task import {import_tasks(folder):.1f} s")
    if "khal" in peers:
        write_khal(items, folder)
        seconds = build_khal_cache(folder)
        notes.append(f"khal cache build {seconds:.1f} s")
        (folder / "khal-cache-seconds.txt").write_text(f"{seconds:.2f}\n", encoding="utf-8")
    stamp_path.write_text(stamp, encoding="utf-8")
    if log:
        size = (folder / "timeline.yaml").stat().st_size / 2**20
        print(f"{count:>7,} entries: {size:.1f} MiB; " + ", ".join(notes))
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), metavar="N")
    parser.add_argument("--force", action="store_true", help="regenerate even when up to date")
    args = parser.parse_args(argv)
    for count in args.sizes:
        build(count, force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
