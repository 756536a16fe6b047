"""Keras 3 runs killed with SIGKILL at random instants finish exactly as an uninterrupted
run does: same rate history, bit-equal final weights, a clean audit."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import kill_and_resume, rate_history, run_example, segments

pytest.importorskip("keras", reason="Keras is not installed: pip install keras==3.15.1 tensorflow-cpu==2.21.0")

# SGD with momentum, so a lost or repeated optimizer update shows in the weights too.
OPTIMIZER = json.dumps(
    {
        "name": "SGD",
        "learning_rate": {
            "class_name": "InverseTimeDecay",
            "config": {"initial_learning_rate": 0.1, "decay_steps": 1.0, "decay_rate": 0.5},
        },
        "momentum": 0.9,
    }
)
COMMON = ["--epochs", "6", "--checkpoint-every", "5", "--schedule", OPTIMIZER, "--shuffle", "--seed", "3"]
STEPS = 6 * 126


def test_a_keras_run_killed_ten_times_matches_its_uninterrupted_twin(tmp_path: Path, binary: str) -> None:
    plain = run_example("keras_resume.py", ["--mode", "plain", "--weights-out", "plain.bin", *COMMON], tmp_path)
    assert plain.returncode == 0, plain.stderr
    twin = run_example(
        "keras_resume.py", ["--db", "twin.sqlite", "--run", "r", "--weights-out", "twin.bin", *COMMON], tmp_path
    )
    assert twin.returncode == 0, twin.stderr

    killed = kill_and_resume(
        "keras_resume.py",
        ["--db", "killed.sqlite", "--run", "r", "--weights-out", "killed.bin", *COMMON],
        tmp_path, tmp_path / "killed.sqlite", "r", kills=10, window=(0.0, 1.2), seed=11,
        checkpoint_dir=tmp_path / "r-checkpoints",
    )
    final = killed["final"]
    assert isinstance(final, subprocess.CompletedProcess)
    assert final.returncode == 0, final.stderr
    assert killed["landed"] >= 10
    print(f"kills while training: {killed['landed']}, of which during a checkpoint write: {killed['during_write']}")

    # The uninterrupted run with the ledger equals the one without it, and the killed one both.
    assert (tmp_path / "twin.bin").read_bytes() == (tmp_path / "plain.bin").read_bytes()
    assert (tmp_path / "killed.bin").read_bytes() == (tmp_path / "plain.bin").read_bytes()
    history = rate_history(tmp_path / "killed.sqlite", "r")
    assert [row[0] for row in history] == list(range(STEPS))
    assert history == rate_history(tmp_path / "twin.sqlite", "r")

    reasons = [row[3] for row in segments(tmp_path / "killed.sqlite", "r")]
    assert reasons[-1] == "finished"
    assert reasons.count("crashed") == killed["landed"]
    audit = subprocess.run([binary, "audit", "r", "--db", str(tmp_path / "killed.sqlite")], capture_output=True, text=True)
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_sigterm_commits_closes_the_segment_interrupted_and_exits_0(tmp_path: Path, binary: str) -> None:
    import signal
    import sys
    import time

    from conftest import EXAMPLES, segment_count

    plain = run_example("keras_resume.py", ["--mode", "plain", "--weights-out", "plain.bin", *COMMON], tmp_path)
    assert plain.returncode == 0, plain.stderr
    arguments = ["--db", "l.sqlite", "--run", "r", "--weights-out", "final.bin", *COMMON]
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "keras_resume.py"), *arguments], cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    while segment_count(tmp_path / "l.sqlite", "r") == 0 and process.poll() is None:
        time.sleep(0.02)
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    out, error = process.communicate(timeout=120)
    assert process.returncode == 0, error
    assert "interrupted at step" in error
    assert not (tmp_path / "final.bin").exists()  # the script ends at the commit, before its own last lines
    [(_, start, stopped, reason)] = segments(tmp_path / "l.sqlite", "r")
    assert (start, reason) == (0, "interrupted")
    assert 0 < stopped < STEPS
    assert [row[0] for row in rate_history(tmp_path / "l.sqlite", "r")] == list(range(stopped))

    again = run_example("keras_resume.py", arguments, tmp_path)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "final.bin").read_bytes() == (tmp_path / "plain.bin").read_bytes()


def test_plain_array_inputs_resume_at_the_last_epoch_end_with_every_step_once(tmp_path: Path, binary: str) -> None:
    # Arrays without shuffling: the data order does not depend on the process, so the
    # weights must match too; the step counter and rates are exact in any case.
    common = ["--epochs", "5", "--input", "arrays", "--seed", "5"]
    plain = run_example("keras_resume.py", ["--mode", "plain", "--weights-out", "plain.bin", *common], tmp_path)
    assert plain.returncode == 0, plain.stderr
    killed = kill_and_resume(
        "keras_resume.py", ["--db", "a.sqlite", "--run", "a", "--weights-out", "a.bin", *common],
        tmp_path, tmp_path / "a.sqlite", "a", kills=3, window=(0.3, 1.0), seed=5,
    )
    final = killed["final"]
    assert isinstance(final, subprocess.CompletedProcess)
    assert final.returncode == 0, final.stderr
    history = rate_history(tmp_path / "a.sqlite", "a")
    assert [row[0] for row in history] == list(range(5 * 126))
    starts = [row[1] for row in segments(tmp_path / "a.sqlite", "a")]
    assert all(start % 126 == 0 for start in starts), starts  # resumed at epoch ends only
    assert (tmp_path / "a.bin").read_bytes() == (tmp_path / "plain.bin").read_bytes()
    audit = subprocess.run([binary, "audit", "a", "--db", str(tmp_path / "a.sqlite")], capture_output=True, text=True)
    assert audit.returncode == 0, audit.stdout + audit.stderr
