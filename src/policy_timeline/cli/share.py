"""Commands of the `timeline` CLI: see register()."""

from __future__ import annotations

from typing import Any


def register(commands: Any) -> None:
    """Add this module's commands to the parser (filled in by its issue)."""
