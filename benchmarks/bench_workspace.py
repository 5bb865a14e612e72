"""Time a workspace of 20 stories × 100 entries (issue 13), against `python -c pass` in the
same run (median of 5 by default).

    python benchmarks/bench_workspace.py [--stories 20] [--entries 100] [--runs 5]

The stories come from `generate.py` (one seed per story), in one folder loaded with
`-f FOLDER`, every command pinned to the same day. Cases, each a whole process:

- warm `remind` and warm `agenda`: the cache holds the workspace as it is;
- the first `remind` after one story changed: one entry of one story retitled before
  every run (the cache holds the workspace as the previous run left it);
- cold: `TIMELINE_NO_CACHE=1`, every story parsed.

Targets: warm `remind` and `agenda` within 0.10 s of `python -c pass`, the first `remind`
after a change within 0.25 s of it, a cold run within 1 s of it.

Figures: benchmarks/README.md ("A workspace of 20 stories").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_edit import median_of, program_env, show
from generate import AS_OF, SEED, generate, timeline_yaml

ROOT = Path(__file__).resolve().parent.parent


def timeline_command() -> list[str]:
    """The console script when installed (as users run it), else the module."""
    script = Path(sys.executable).parent / "timeline"
    return [str(script)] if script.exists() else [sys.executable, "-m", "policy_timeline"]


def write_workspace(folder: Path, stories: int, entries: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(stories):
        path = folder / f"story-{number:02d}.yaml"
        text = timeline_yaml(generate(entries, SEED + number), entries)
        path.write_text(text.replace("title: Benchmark timeline", f"title: Story {number}", 1),
                        encoding="utf-8")
        paths.append(path)
    return paths


Figure = tuple[str, tuple[float, float], float]  # name, (wall, CPU) seconds, target over start-up


def measure(
    stories: int = 20, entries: int = 100, runs: int = 5
) -> tuple[tuple[float, float], list[Figure]]:
    """`python -c pass` (the baseline), and each case with its target, in one run."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        story_folder = folder / "stories"
        paths = write_workspace(story_folder, stories, entries)
        env = program_env(TIMELINE_CACHE_DIR=str(folder / "cache"), NO_COLOR="1",
                          XDG_STATE_HOME=str(folder / "state"))
        if Path(timeline_command()[0]).name != "timeline":
            env["PYTHONPATH"] = str(ROOT / "src")
        base = [*timeline_command(), "-f", str(story_folder), "--as-of", AS_OF.isoformat()]
        remind, agenda = [*base, "remind"], [*base, "agenda"]
        startup = median_of(runs, None, [sys.executable, "-c", "pass"], env)

        median_of(1, None, remind, env)  # fill the cache (and compile the modules)
        median_of(1, None, agenda, env)
        warm_remind = median_of(runs, None, remind, env)
        warm_agenda = median_of(runs, None, agenda, env)

        changed = paths[len(paths) // 2]
        original = changed.read_text(encoding="utf-8")
        edits = iter(range(10**6))

        events = original.index("\nevents:\n")  # the first entry's title, not a source's

        def change_one_story() -> None:
            edit = next(edits)
            entries = original[events:].replace("\n    title: ", f"\n    title: (edit {edit}) ", 1)
            changed.write_text(original[:events] + entries, encoding="utf-8")

        after_change = median_of(runs, change_one_story, remind, env)
        cold = median_of(runs, None, remind, {**env, "TIMELINE_NO_CACHE": "1"})
    return startup, [
        ("remind, cache warm", warm_remind, 0.10),
        ("agenda, cache warm", warm_agenda, 0.10),
        ("remind, one story changed", after_change, 0.25),
        ("remind, no cache", cold, 1.0),
    ]


def verdicts(startup: tuple[float, float], figures: list[Figure]) -> list[str]:
    """A line per case: its time over start-up against its target. Wall time is what users
    wait; CPU time says the same when the machine is busy."""
    lines = []
    for name, measured, target in figures:
        wall, cpu = measured[0] - startup[0], measured[1] - startup[1]
        verdict = "ok" if wall <= target else "MISSED" if cpu > target else "ok by CPU"
        lines.append(f"{name}: {wall:.3f} s wall, {cpu:.3f} s CPU over python -c pass "
                     f"(target {target:.2f} s): {verdict}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=20)
    parser.add_argument("--entries", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    startup, figures = measure(args.stories, args.entries, args.runs)
    show("baseline: python -c pass", startup)
    for name, measured, _ in figures:
        show(f"{args.stories} stories × {args.entries} entries: {name}", measured)
    for line in verdicts(startup, figures):
        print(line)


if __name__ == "__main__":
    main()
