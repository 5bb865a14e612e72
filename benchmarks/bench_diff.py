"""Time `timeline diff HEAD~1 HEAD` on a generated 10,000-entry story with one entry changed
between the two commits (median of 5), against `python -c pass` in the same run.

    python benchmarks/bench_diff.py [--sizes 10000] [--runs 5]

Each figure is a whole process, as a user or a CI job runs it. The story comes from
`generate.py` (the same seeded timelines as the other benchmarks); a fresh git repository
is made in a temporary folder with two commits: the story, then the same story with one
entry retitled and moved a month. Three cases:

- cache warm: the cache already holds the working-tree file, which is HEAD's (any
  `timeline` command run on it leaves it so); only HEAD~1's changed entry is parsed;
- cache cold: an empty cache folder before every run (the first run in a fresh CI job);
- no cache: `TIMELINE_NO_CACHE=1`.

The target (issue 14) is under 1 s more than `python -c pass` for the warm case.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_edit import median_of, program_env, show
from generate import generate, timeline_yaml

ROOT = Path(__file__).resolve().parent.parent
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Benchmark",
    "GIT_AUTHOR_EMAIL": "benchmark@example.org",
    "GIT_COMMITTER_NAME": "Benchmark",
    "GIT_COMMITTER_EMAIL": "benchmark@example.org",
}


def one_entry_changed(text: str) -> str:
    """The story with the entry nearest its middle retitled and its date moved a month."""
    middle = text.index("\n  - id: ", len(text) // 2)
    end = text.find("\n  - id: ", middle + 1)
    entry = text[middle:end]
    entry = re.sub(r"\n    title: ([^\n]*)", r"\n    title: \1 (revised)", entry, count=1)
    entry = re.sub(r"\n    date: (\d{4})-(\d{2})",
                   lambda m: f"\n    date: {m.group(1)}-{int(m.group(2)) % 12 + 1:02d}",
                   entry, count=1)
    return text[:middle] + entry + text[end:]


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, env={**os.environ, **GIT_ENV}, check=True,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        cache = folder / "cache"
        env = program_env(**GIT_ENV, PYTHONPATH=str(ROOT / "src"),
                          TIMELINE_CACHE_DIR=str(cache), XDG_STATE_HOME=str(folder / "state"))
        startup = median_of(args.runs, None, [sys.executable, "-c", "pass"], env)
        show("baseline: python -c pass", startup)
        for size in args.sizes:
            repo = folder / f"repo-{size}"
            repo.mkdir()
            story = repo / "timeline.yaml"
            text = timeline_yaml(generate(size), size)
            git(repo, "init", "-q", "-b", "main")
            story.write_text(text, encoding="utf-8")
            git(repo, "add", "timeline.yaml")
            git(repo, "commit", "-q", "-m", "the story")
            story.write_text(one_entry_changed(text), encoding="utf-8")
            git(repo, "commit", "-q", "-a", "-m", "one entry changed")
            command = [sys.executable, "-m", "policy_timeline", "-f", str(story),
                       "--as-of", "2025-07-28", "diff", "HEAD~1", "HEAD", "--format", "json"]
            here = {**env}
            os.chdir(repo)
            output = subprocess.run(command, env=here, check=True, capture_output=True, text=True)
            changed = output.stdout.count('"change": "changed"')
            size_mb = story.stat().st_size / 2**20

            def empty_cache() -> None:
                shutil.rmtree(cache, ignore_errors=True)

            warm = median_of(args.runs, None, command, here)
            cold = median_of(args.runs, empty_cache, command, here)
            none = median_of(args.runs, None, command, {**here, "TIMELINE_NO_CACHE": "1"})
            label = f"{size:>6,} entries ({size_mb:4.1f} MB), {changed} changed:"
            show(f"{label} diff, cache warm", warm)
            show(f"{label} diff, cache cold", cold)
            show(f"{label} diff, no cache", none)
            print(f"warm diff minus python -c pass: {warm[0] - startup[0]:.3f} s wall "
                  f"(target: under 1 s)")
            os.chdir(folder)


if __name__ == "__main__":
    main()
