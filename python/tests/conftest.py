"""Shared fixtures: the lrledger binary, the examples, and a harness that kills a
trainer at random instants and restarts it until it finishes."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLES = REPOSITORY / "examples"


@pytest.fixture(scope="session")
def binary() -> str:
    """The lrledger binary under test: $LRLEDGER_BIN, else the repository's build."""
    explicit = os.environ.get("LRLEDGER_BIN")
    if explicit:
        return explicit
    for kind in ("debug", "release"):
        built = REPOSITORY / ".build" / kind / "lrledger"
        if built.is_file():
            os.environ["LRLEDGER_BIN"] = str(built)
            return str(built)
    pytest.fail("no lrledger binary: build it with `swift build` or set LRLEDGER_BIN")


def segment_count(db: Path, run: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM segments WHERE run = ?", (run,)).fetchone()[0]
    except sqlite3.Error:
        return 0


def rate_history(db: Path, run: str) -> List[Tuple[int, float, Optional[float]]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return connection.execute(
            "SELECT step, rate, loss FROM rate_history WHERE run = ? ORDER BY step", (run,)
        ).fetchall()


def segments(db: Path, run: str) -> List[Tuple[int, int, Optional[int], Optional[str]]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return connection.execute(
            "SELECT id, start_step, end_step, end_reason FROM segments WHERE run = ? ORDER BY id", (run,)
        ).fetchall()


def run_example(script: str, arguments: Sequence[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *arguments],
        cwd=cwd, capture_output=True, text=True, timeout=timeout, env=_environment(),
    )


def _environment() -> Dict[str, str]:
    environment = dict(os.environ)
    environment.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    environment["PYTHONUNBUFFERED"] = "1"
    return environment


def kill_and_resume(
    script: str, arguments: Sequence[str], cwd: Path, db: Path, run: str, kills: int, window: Tuple[float, float],
    seed: int, checkpoint_dir: Optional[Path] = None,
) -> Dict[str, object]:
    """Starts the example, SIGKILLs it at a random instant after it attached (uniform in
    ``window`` seconds), and restarts it, ``kills`` times; then lets it finish.

    Returns the kills that landed while training (the process had attached and had not
    exited), how many of them left a checkpoint file half written in ``checkpoint_dir``,
    every exit status of the restarts, and the final run's result.
    """
    chooser = random.Random(seed)
    statuses: List[int] = []
    landed = 0
    during_write = 0
    attempts = 0
    while landed < kills and attempts < kills * 4:
        attempts += 1
        before = segment_count(db, run)
        process = subprocess.Popen(
            [sys.executable, str(EXAMPLES / script), *arguments], cwd=cwd, env=_environment(),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 120
        while segment_count(db, run) == before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if process.poll() is not None:
            statuses.append(process.returncode)
            if process.returncode != 0:
                raise AssertionError(f"{script} exited {process.returncode} before attaching: {process.stderr.read()}")
            break  # it finished before the kill
        if checkpoint_dir is not None and landed % 2 == 1:
            # Every other kill is aimed at a checkpoint write: the instant a temporary file shows.
            aim = time.monotonic() + window[1] * 4
            while process.poll() is None and time.monotonic() < aim and not any(checkpoint_dir.glob(".*.tmp-*")):
                time.sleep(0.0005)
        else:
            time.sleep(chooser.uniform(*window))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            landed += 1
            process.wait()
            if checkpoint_dir is not None and any(checkpoint_dir.glob(".*.tmp-*")):
                during_write += 1
        process.wait()
        error = process.stderr.read()
        statuses.append(process.returncode)
        if process.returncode not in (0, -signal.SIGKILL):
            raise AssertionError(f"a restart of {script} failed with status {process.returncode}: {error}")
    final = run_example(script, arguments, cwd)
    return {"landed": landed, "during_write": during_write, "statuses": statuses, "final": final}
