"""Whatever the bytes, loading never raises: it returns problems located inside the file."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_timeline.loader import load

# Pieces of real timeline files, so that mutations reach past the YAML parser into
# validation and date resolution, not only into syntax errors.
FRAGMENTS = [
    "title: T\n", "timezone: America/New_York\n", "timezone: Nowhere/Else\n", "warn: [30d, 7d]\n",
    "events:\n", "  - id: a\n", "  - id: b\n", "    title: A\n", "    date: 2025-05-12\n",
    "    date: a + 90d\n", "    date: b - 1mo\n", "    date: 2025-02-30\n", "    date: 2025-06~\n",
    "    date: 2025-06-09/2025-06-10\n", "    kind: deadline\n", "    warn: [14d, x]\n",
    "    changes:\n", "      - announced: 2025-08-11\n", "        date: 2025-11-10\n",
    "        status: met\n", "        status: gone\n", "    claims:\n", "      - date: 2025-08-12\n",
    "    tags: [x, y]\n", "    tags: x\n", "&a [*a]\n", "!!python/object:os.system x\n",
    "- [\n", "}\n", "\t\n", "  \n", ": :\n", "<<: *a\n", "\ufeff", "\x00", "\xe9",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25) | st.text(max_size=300))
def test_loading_never_raises_and_locates_every_problem(tmp_path: Path, parts: list[str] | str) -> None:
    text = parts if isinstance(parts, str) else "".join(parts)
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    result = load([path])
    lines = max(1, text.count("\n") + 1)
    for problem in result.problems:
        assert problem.location.path == str(path)
        assert 1 <= problem.location.line <= lines + 1, str(problem)
        assert problem.location.column >= 1
        assert problem.message and "\n" not in problem.message
