"""Time `timeline` against `remind`, taskwarrior and khal on the same data, in one run.

    python benchmarks/run.py                      # 1,000 / 10,000 / 100,000 entries, median of 5
    python benchmarks/run.py --sizes 1000 10000   # skip the big one
    python benchmarks/run.py --runs 3             # quicker, noisier

Generates the data first when needed (benchmarks/generate.py; the first run at 100,000
takes a few minutes, mostly khal building its own cache). Every command is a whole
process, timed from spawn to exit, output to /dev/null, with peak memory (max RSS)
from the kernel's accounting of that child. Everything is pinned to the same day
(`--as-of` for timeline, the date argument for the peers), and timeline's cache lives
in benchmarks/out/cache, never in the user's. "After an edit" runs on a copy of the
timeline (benchmarks/out/edited) whose middle entry is edited before every run, with a
cache that holds the copy as the previous run left it. Commands that do not exist yet are "n/a".
Prints Markdown and writes it to benchmarks/out/results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_workspace
import generate
from bench_edit import program_env

ROOT = Path(__file__).resolve().parent.parent
OUT = generate.OUT
CACHE = OUT / "cache"
AS_OF = generate.AS_OF.isoformat()
WINDOW_END = (generate.AS_OF + timedelta(days=30)).isoformat()
BUNDLED = ROOT / "timeline.yaml"


@dataclass
class Sample:
    seconds: float
    peak_mb: float
    code: int


@dataclass
class Result:
    label: str
    samples: list[Sample] = field(default_factory=list)
    missing: str | None = None  # why it could not run: "n/a", "not installed", "failed (exit 1)"

    @property
    def seconds(self) -> float | None:
        return (
            statistics.median(s.seconds for s in self.samples)
            if self.samples and not self.missing
            else None
        )

    @property
    def peak_mb(self) -> float | None:
        return (
            statistics.median(s.peak_mb for s in self.samples)
            if self.samples and not self.missing
            else None
        )

    def cell(self) -> str:
        if self.missing or self.seconds is None or self.peak_mb is None:
            return self.missing or "n/a"
        return f"{_seconds(self.seconds)}, {self.peak_mb:.0f} MB"


def _seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


@dataclass
class Command:
    """One command line to time; `env` is called before each run (fresh cache dirs)."""

    label: str
    argv: list[str] | None  # None: the program is not installed
    env: Callable[[], dict[str, str]] = lambda: dict(os.environ)
    warm_up: bool = True
    ok_codes: tuple[int, ...] = (0,)


TIME = shutil.which("time", path="/usr/bin:/bin")


def run_once(argv: list[str], env: dict[str, str]) -> Sample:
    """One whole process: wall time from spawn to exit, and its peak RSS.

    The peak comes from GNU time around the command: the kernel counts a forked child's
    memory from before its exec, so asking for our own child's usage would report this
    script's size. GNU time is small, and its fork and exec cost every command alike.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss", dir=OUT) as rss:
        wrapped = [TIME, "-q", "-f", "%M", "-o", rss.name, *argv] if TIME else argv
        started = time.perf_counter()
        process = subprocess.Popen(
            wrapped,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)
        kilobytes = int(rss.read().split()[-1]) if TIME else usage.ru_maxrss
    return Sample(seconds, kilobytes / 1024, code)


def probe(command: Command) -> str | None:
    """Why a command cannot be timed (not installed, not written yet, failing), or None."""
    if command.argv is None:
        return "not installed"
    completed = subprocess.run(
        command.argv,
        env=command.env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    if completed.returncode in command.ok_codes:
        return None
    if completed.returncode == 2 and (
        "invalid choice" in completed.stderr or "unrecognized" in completed.stderr
    ):
        return "n/a"
    first = next((line for line in completed.stderr.splitlines() if line.strip()), "")
    print(f"  {command.label}: exit {completed.returncode}: {first[:200]}", file=sys.stderr)
    return f"failed (exit {completed.returncode})"


def measure(commands: list[Command], runs: int) -> list[Result]:
    """Round-robin over the commands so that drift on the machine hits all of them alike."""
    results = [Result(c.label) for c in commands]
    for command, result in zip(commands, results, strict=True):
        result.missing = probe(command)
        if result.missing is None and command.warm_up and command.argv:
            run_once(command.argv, command.env())
    for _ in range(runs):
        for command, result in zip(commands, results, strict=True):
            if result.missing is None and command.argv:
                sample = run_once(command.argv, command.env())
                if sample.code not in command.ok_codes:
                    result.missing = f"failed (exit {sample.code})"
                result.samples.append(sample)
    return results


# -------------------------------------------------------------------- commands


def timeline_argv() -> list[str]:
    script = Path(sys.executable).parent / "timeline"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "policy_timeline"]


def base_env() -> dict[str, str]:
    env = program_env(NO_COLOR="1", COLUMNS="120", TZ="America/New_York")
    if not (Path(sys.executable).parent / "timeline").exists():
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])
        )
    return env


def warm_env(name: str) -> Callable[[], dict[str, str]]:
    folder = CACHE / name
    return lambda: {**base_env(), "TIMELINE_CACHE_DIR": str(folder)}


def cold_env() -> dict[str, str]:
    """A new empty cache folder per run: nothing was ever loaded."""
    CACHE.mkdir(parents=True, exist_ok=True)
    return {**base_env(), "TIMELINE_CACHE_DIR": tempfile.mkdtemp(prefix="cold-", dir=CACHE)}


class Edited:
    """A copy of the timeline that is edited before every run, with a cache of its own.

    Each run finds in the cache the file as the previous run left it, and one entry in the
    middle changed since (its title, and one or two comment lines under it, so that every
    entry below moves by a line): the first run after someone edits the file.
    """

    def __init__(self, source: Path, name: str) -> None:
        self.folder = OUT / "edited" / name
        self.path = self.folder / "timeline.yaml"
        self.cache = self.folder / "cache"
        self.lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
        titles = [n for n, line in enumerate(self.lines) if line.startswith("    title: ")]
        self.middle = titles[len(titles) // 2]
        self.runs = 0
        shutil.rmtree(self.folder, ignore_errors=True)
        self.cache.mkdir(parents=True)

    def env(self) -> dict[str, str]:
        self.runs += 1
        title = self.lines[self.middle].rstrip("\n") + f" (edit {self.runs})\n"
        comments = ["    # edited\n"] * (1 + self.runs % 2)
        lines = [*self.lines[: self.middle], title, *comments, *self.lines[self.middle + 1 :]]
        self.path.write_text("".join(lines), encoding="utf-8")
        return {**base_env(), "TIMELINE_CACHE_DIR": str(self.cache)}


def timeline_commands(path: Path, tag: str) -> list[Command]:
    tl = [*timeline_argv(), "-f", str(path), "--as-of", AS_OF]
    remind_edited, check_edited = Edited(path, f"{tag}-remind"), Edited(path, f"{tag}-check")

    def edited(copy: Edited, *args: str) -> list[str]:
        return [*timeline_argv(), "-f", str(copy.path), "--as-of", AS_OF, *args]

    return [
        Command("`timeline remind` (cache warm)", [*tl, "remind"], warm_env(tag)),
        # the warm-up run fills the copy's cache; every timed run then follows an edit
        Command(
            "`timeline remind` (first run after an edit)",
            edited(remind_edited, "remind"),
            remind_edited.env,
        ),
        Command("`timeline remind` (no cache at all)", [*tl, "remind"], cold_env, warm_up=False),
        Command("`timeline check` (cache warm)", [*tl, "check"], warm_env(tag)),
        Command(
            "`timeline check` (after an edit)", edited(check_edited, "check"), check_edited.env
        ),
        Command("`timeline check` (no cache at all)", [*tl, "check"], cold_env, warm_up=False),
        Command("`timeline show --upcoming`", [*tl, "show", "--upcoming"], warm_env(tag)),
        Command("`timeline export ics`", [*tl, "export", "ics"], warm_env(tag)),
    ]


def peer_commands(folder: Path) -> list[Command]:
    day = generate.AS_OF
    remind = shutil.which("remind")
    task = shutil.which("task")
    khal = generate.khal_binary()
    rem = str(folder / "reminders.rem")
    return [
        Command("`remind -q FILE DATE`", [remind, "-q", rem, AS_OF] if remind else None),
        Command(
            "`remind -q FILE DATE *30` (30 days)",
            [remind, "-q", rem, AS_OF, "*30"] if remind else None,
        ),
        Command(
            "`task due.after:… due.before:… list`",
            [
                task,
                "rc.verbose=nothing",
                "rc.color=off",
                "rc.gc=off",
                f"due.after:{(day - timedelta(days=1)).isoformat()}",
                f"due.before:{WINDOW_END}",
                "list",
            ]
            if task
            else None,
            lambda: generate.task_env(folder),
            ok_codes=(0, 1),  # taskwarrior exits 1 when no task matches
        ),
        Command(
            "`khal list DATE 30d`",
            [khal, "-c", str(folder / "khal" / "config"), "list", AS_OF, "30d"] if khal else None,
        ),
    ]


# -------------------------------------------------------------------- reports


BASELINE = "`python -c pass`"
PEERS = {
    "remind": "`remind -q FILE DATE`",
    "task": "`task due.after:… due.before:… list`",
    "khal": "`khal list DATE 30d`",
}


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b <= 0:
        return "n/a"
    ratio = a / b
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.0f}×"


@dataclass
class Target:
    text: str
    met: bool | None  # None: could not be measured
    measured: str


def evaluate(sized: dict[int, dict[str, Result]], bundled: dict[str, Result]) -> list[Target]:
    def sec(results: dict[str, Result], label: str) -> float | None:
        result = results.get(label)
        return result.seconds if result else None

    def mb(results: dict[str, Result], label: str) -> float | None:
        result = results.get(label)
        return result.peak_mb if result else None

    targets: list[Target] = []

    def within(text: str, value: float | None, reference: float | None, limit: float) -> None:
        if value is None or reference is None:
            targets.append(Target(text, None, "not measured"))
            return
        delta = value - reference
        targets.append(
            Target(
                text,
                delta <= limit,
                f"{delta * 1000:+.0f} ms ({_seconds(value)} vs {_seconds(reference)})",
            )
        )

    def ratio(text: str, value: float | None, reference: float | None, limit: float) -> None:
        if value is None or reference is None:
            targets.append(Target(text, None, "not measured"))
            return
        targets.append(
            Target(
                text,
                value <= limit * reference,
                f"{_ratio(value, reference)} ({_seconds(value)} vs {_seconds(reference)})",
            )
        )

    def memory(text: str, value: float | None, limit: float) -> None:
        if value is None:
            targets.append(Target(text, None, "not measured"))
            return
        targets.append(Target(text, value <= limit, f"{value:.0f} MB"))

    base = sec(bundled, BASELINE)
    within(
        "bundled file: `timeline remind` within 0.10 s of `python -c pass`",
        sec(bundled, "`timeline remind`"),
        base,
        0.10,
    )
    within(
        "bundled file: `timeline` within 0.20 s of `python -c pass`",
        sec(bundled, "`timeline`"),
        base,
        0.20,
    )
    if 10_000 in sized:
        r = sized[10_000]
        warm = "`timeline remind` (cache warm)"
        ratio(
            "10,000: `timeline remind` within 10× of `remind -q FILE DATE`",
            sec(r, warm),
            sec(r, PEERS["remind"]),
            10,
        )
        ratio(
            "10,000: `timeline remind` faster than `task`", sec(r, warm), sec(r, PEERS["task"]), 1
        )
        ratio(
            "10,000: `timeline show --upcoming` faster than `khal list`",
            sec(r, "`timeline show --upcoming`"),
            sec(r, PEERS["khal"]),
            1,
        )
    if 100_000 in sized:
        r = sized[100_000]
        warm = "`timeline remind` (cache warm)"
        cold = "`timeline remind` (first run after an edit)"
        check = "`timeline check` (after an edit)"
        ratio(
            "100,000: `timeline remind` (unchanged file) within 3× of `remind -q FILE DATE`",
            sec(r, warm),
            sec(r, PEERS["remind"]),
            3,
        )
        memory("100,000: `timeline remind` (unchanged file) under 100 MB peak", mb(r, warm), 100)
        ratio(
            "100,000: `timeline check` faster than `task`", sec(r, check), sec(r, PEERS["task"]), 1
        )
        memory("100,000: `timeline check` under 300 MB peak", mb(r, check), 300)
        ratio(
            "100,000: first `timeline remind` after an edit faster than `task`",
            sec(r, cold),
            sec(r, PEERS["task"]),
            1,
        )
        memory("100,000: first `timeline remind` after an edit under 300 MB peak", mb(r, cold), 300)
    return targets


def report(
    sized: dict[int, dict[str, Result]], bundled: dict[str, Result], runs: int, notes: list[str]
) -> str:
    sizes = sorted(sized)
    labels: list[str] = []
    for results in sized.values():
        labels += [label for label in results if label not in labels]
    lines = [
        f"Whole process, median of {runs} (peak RSS in MB), as of {AS_OF}; "
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d')}.",
        "",
        "| command | " + " | ".join(f"{n:,} entries" for n in sizes) + " |",
        "| --- |" + " --- |" * len(sizes),
    ]
    for label in labels:
        lines.append(
            f"| {label} | "
            + " | ".join(sized[n][label].cell() if label in sized[n] else "" for n in sizes)
            + " |"
        )
    lines += ["", "Ratios (timeline ÷ peer; below 1 means timeline is faster):", ""]
    lines += [
        "| timeline command | peer | " + " | ".join(f"{n:,}" for n in sizes) + " |",
        "| --- | --- |" + " --- |" * len(sizes),
    ]
    for label in labels:
        if not label.startswith("`timeline"):
            continue
        for peer in PEERS.values():
            if all(peer not in sized[n] or sized[n][peer].seconds is None for n in sizes):
                continue
            cells = [
                _ratio(sized[n][label].seconds, sized[n][peer].seconds)
                if label in sized[n] and peer in sized[n]
                else "n/a"
                for n in sizes
            ]
            lines.append(f"| {label} | {peer} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Bundled file (`timeline.yaml`, cache warm):",
        "",
        "| command | time, peak |",
        "| --- | --- |",
    ]
    lines += [f"| {label} | {result.cell()} |" for label, result in bundled.items()]
    lines += ["", "Targets (issue 6):", ""]
    for target in evaluate(sized, bundled):
        mark = "met" if target.met else "not measured" if target.met is None else "**not met**"
        lines.append(f"- {mark}: {target.text}: {target.measured}")
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


def imports_of(argv: list[str], env: dict[str, str]) -> list[str]:
    """The heavy third-party packages a command imports (via -X importtime)."""
    completed = subprocess.run(
        argv,
        env={**env, "PYTHONPROFILEIMPORTTIME": "1"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    heavy = ("pydantic", "yaml", "rich", "ruamel", "icalendar", "dateutil")
    found = set()
    for line in completed.stderr.splitlines():
        if "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            root = name.split(".")[0]
            if root in heavy:
                found.add(root)
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(generate.SIZES), metavar="N")
    parser.add_argument(
        "--runs", type=int, default=5, help="runs per command; the median is reported"
    )
    parser.add_argument("--output", type=Path, default=OUT / "results.md")
    args = parser.parse_args(argv)

    notes: list[str] = []
    for count in args.sizes:
        generate.build(count)
    shutil.rmtree(CACHE, ignore_errors=True)
    baseline = Command(BASELINE, [sys.executable, "-c", "pass"])

    tl = [*timeline_argv(), "-f", str(BUNDLED), "--as-of", AS_OF]
    bundled_commands = [
        baseline,
        Command("`timeline remind`", [*tl, "remind"], warm_env("bundled")),
        Command("`timeline`", tl, warm_env("bundled")),
    ]
    print("bundled file ...", file=sys.stderr)
    bundled = {r.label: r for r in measure(bundled_commands, args.runs)}
    heavy = imports_of([*tl, "remind"], warm_env("bundled")())
    notes.append(
        "`timeline remind` on a warm cache imports "
        + (
            ", ".join(heavy)
            if heavy
            else "none of pydantic, yaml, rich, ruamel, icalendar, dateutil"
        )
        + " (checked with `-X importtime`)."
    )

    sized: dict[int, dict[str, Result]] = {}
    for count in args.sizes:
        folder = generate.folder_for(count)
        print(f"{count:,} entries ...", file=sys.stderr)
        commands = [
            baseline,
            *timeline_commands(folder / "timeline.yaml", f"n{count}"),
            *peer_commands(folder),
        ]
        sized[count] = {r.label: r for r in measure(commands, args.runs)}
        khal_build = folder / "khal-cache-seconds.txt"
        if khal_build.exists():
            notes.append(
                f"khal built its own sqlite cache of {count:,} entries in "
                f"{float(khal_build.read_text()):.1f} s (once, before timing)."
            )
    print("a workspace of 20 stories × 100 entries ...", file=sys.stderr)
    startup, figures = bench_workspace.measure(runs=args.runs)
    notes.append(
        "A workspace of 20 stories × 100 entries (`bench_workspace.py`), in this run: "
        + "; ".join(bench_workspace.verdicts(startup, figures))
        + "."
    )
    text = report(sized, bundled, args.runs, notes)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    shutil.rmtree(CACHE, ignore_errors=True)
    shutil.rmtree(OUT / "edited", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
