import json
import os
import threading
from pathlib import Path

import pytest

from policy_timeline.state import (
    StateError,
    locked,
    private_folder,
    read_json,
    state_home,
    workspace_id,
    write_json,
)


def test_state_home_follows_xdg_and_ignores_a_relative_value(tmp_path: Path) -> None:
    assert state_home({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "policy-timeline"
    assert state_home({"XDG_STATE_HOME": "relative"}) == Path.home() / ".local/state/policy-timeline"


def test_private_folder_is_created_0700(tmp_path: Path) -> None:
    folder = private_folder(tmp_path / "a" / "b")
    assert folder.is_dir() and (folder.stat().st_mode & 0o777) == 0o700


@pytest.mark.parametrize("mode", [0o770, 0o777, 0o702])
def test_a_folder_others_can_write_is_refused(tmp_path: Path, mode: int) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(mode)
    with pytest.raises(StateError, match="can be written by other users"):
        private_folder(folder)


def test_json_round_trip_and_no_temporary_left(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    assert read_json(path) is None
    write_json(path, {"b": [1, 2], "a": "é"})
    assert read_json(path) == {"a": "é", "b": [1, 2]}
    assert os.listdir(tmp_path) == ["state.json"]
    assert (path.stat().st_mode & 0o777) == 0o600


def test_corrupt_or_writable_state_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    path.chmod(0o600)
    with pytest.raises(StateError, match="not valid JSON"):
        read_json(path)
    path.write_text(json.dumps({}))
    path.chmod(0o666)
    with pytest.raises(StateError, match="other users"):
        read_json(path)


def test_workspace_id_ignores_order_and_spelling(tmp_path: Path) -> None:
    a, b = str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")
    assert workspace_id([a, b]) == workspace_id([b, os.path.join(str(tmp_path), ".", "a.yaml")])
    assert workspace_id([a]) != workspace_id([b])


def test_locked_excludes_a_second_holder(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    inside = threading.Event()
    release = threading.Event()
    order: list[str] = []

    def first() -> None:
        with locked(path):
            order.append("first in")
            inside.set()
            release.wait(5)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    inside.wait(5)

    def second() -> None:
        with locked(path):
            order.append("second in")

    other = threading.Thread(target=second)
    other.start()
    other.join(0.3)
    assert order == ["first in"]  # still waiting for the lock
    release.set()
    thread.join(5)
    other.join(5)
    assert order == ["first in", "first out", "second in"]
