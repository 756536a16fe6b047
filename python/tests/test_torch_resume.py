"""PyTorch runs killed with SIGKILL at random instants, or stopped with SIGTERM, finish
exactly as an uninterrupted run does: same rate history, bit-equal final weights (model
parameters, buffers), a clean audit."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES, _environment, kill_and_resume, rate_history, run_example, segments

pytest.importorskip("torch", reason="PyTorch is not installed: pip install torch (the CPU build is enough)")

# SGD with momentum 0.9 and dropout, so a lost or repeated update, a momentum buffer not
# restored or a random generator not restored all show in the weights.
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
STEPS = 1200
COMMON = ["--steps", str(STEPS), "--checkpoint-every", "10", "--schedule", OPTIMIZER, "--seed", "5"]


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The final weights of the uninterrupted run without a ledger."""
    folder = tmp_path_factory.mktemp("plain")
    result = run_example("torch_resume.py", ["--mode", "plain", "--weights-out", "plain.bin", *COMMON], folder)
    assert result.returncode == 0, result.stderr
    weights = (folder / "plain.bin").read_bytes()
    # 20*32 + 32 + 32*3 + 3 float32 values.
    assert len(weights) == 4 * (20 * 32 + 32 + 32 * 3 + 3)
    return weights


def committed_step(db: Path, run: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            row = connection.execute("SELECT step FROM runs WHERE name = ?", (run,)).fetchone()
    except sqlite3.Error:
        return 0
    return row[0] if row else 0


def training_seconds(db: Path, run: str) -> float:
    """Wall time from the first attach to the last close of ``run``."""
    from datetime import datetime

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        started, ended = connection.execute(
            "SELECT min(started_at), max(ended_at) FROM segments WHERE run = ?", (run,)
        ).fetchone()
    parse = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))  # noqa: E731
    return (parse(ended) - parse(started)).total_seconds()


def audit(binary: str, db: Path, run: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary, "audit", run, "--db", str(db)], capture_output=True, text=True)


def test_a_torch_run_killed_ten_times_matches_its_uninterrupted_twin(tmp_path: Path, binary: str, plain: bytes) -> None:
    twin = run_example(
        "torch_resume.py", ["--db", "twin.sqlite", "--run", "r", "--weights-out", "twin.bin", *COMMON], tmp_path
    )
    assert twin.returncode == 0, twin.stderr
    assert f"run r: finished at step {STEPS}" in twin.stdout
    # Kills land at random instants within a window scaled to this machine's speed, so the
    # ten kills come before the run can finish (each restart keeps what it committed).
    window = min(0.8, max(0.05, training_seconds(tmp_path / "twin.sqlite", "r") / 6))

    killed = kill_and_resume(
        "torch_resume.py",
        ["--db", "killed.sqlite", "--run", "r", "--weights-out", "killed.bin", *COMMON],
        tmp_path, tmp_path / "killed.sqlite", "r", kills=10, window=(0.0, window), seed=13,
        checkpoint_dir=tmp_path / "r-checkpoints",
    )
    final = killed["final"]
    assert isinstance(final, subprocess.CompletedProcess)
    assert final.returncode == 0, final.stderr
    assert f"run r: finished at step {STEPS}" in final.stdout
    assert killed["landed"] >= 10
    print(
        f"kills while training: {killed['landed']} (window {window:.2f} s), "
        f"of which during a checkpoint write: {killed['during_write']}"
    )

    # The uninterrupted run with the ledger equals the one without it, and the killed one both.
    assert (tmp_path / "twin.bin").read_bytes() == plain
    assert (tmp_path / "killed.bin").read_bytes() == plain
    history = rate_history(tmp_path / "killed.sqlite", "r")
    assert [row[0] for row in history] == list(range(STEPS))
    # Same rates and same losses, bit for bit, as the uninterrupted twin.
    assert history == rate_history(tmp_path / "twin.sqlite", "r")
    assert history[0][1] == 0.10000000149011612  # float32(0.1): Keras's rate at step 0
    assert all(row[2] is not None for row in history)

    reasons = [row[3] for row in segments(tmp_path / "killed.sqlite", "r")]
    assert reasons[-1] == "finished"
    assert reasons.count("crashed") == killed["landed"]
    assert set(reasons) <= {"crashed", "finished"}
    result = audit(binary, tmp_path / "killed.sqlite", "r")
    assert result.returncode == 0, result.stdout + result.stderr
    # No temporary checkpoint file is left behind, and the ledger kept 3 checkpoints.
    folder = tmp_path / "r-checkpoints"
    assert not list(folder.glob(".*.tmp-*"))
    assert sorted(path.name for path in folder.iterdir()) == [
        f"ckpt-{step:012d}.pt" for step in (STEPS - 20, STEPS - 10, STEPS)
    ]


def test_sigterm_commits_closes_the_segment_interrupted_and_exits_0(tmp_path: Path, binary: str, plain: bytes) -> None:
    db = tmp_path / "term.sqlite"
    arguments = ["--db", str(db), "--run", "t", "--weights-out", "term.bin", *COMMON]
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "torch_resume.py"), *arguments], cwd=tmp_path, env=_environment(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        # Wait for the first commits: the handlers are installed and training is under way.
        deadline = time.monotonic() + 120
        while committed_step(db, "t") < 30 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert process.poll() is None, f"the trainer ended before the SIGTERM: {process.communicate()}"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err

    stopped = committed_step(db, "t")
    assert 30 <= stopped < STEPS
    assert f"run t: interrupted at step {stopped}" in err
    assert [row[0] for row in rate_history(db, "t")] == list(range(stopped))
    assert segments(db, "t") == [(1, 0, stopped, "interrupted")]
    assert not (tmp_path / "term.bin").exists()

    again = run_example("torch_resume.py", arguments, tmp_path)
    assert again.returncode == 0, again.stderr
    assert f"run t: finished at step {STEPS}" in again.stdout
    assert segments(db, "t") == [(1, 0, stopped, "interrupted"), (2, stopped, STEPS, "finished")]
    assert (tmp_path / "term.bin").read_bytes() == plain
    assert [row[0] for row in rate_history(db, "t")] == list(range(STEPS))
    result = audit(binary, db, "t")
    assert result.returncode == 0, result.stdout + result.stderr


# -- the library pieces, in process ------------------------------------------------------


def _model_and_optimizer(seed: int):
    import torch

    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Dropout(0.5), torch.nn.Linear(3, 2))
    # Two param groups: both must get the ledger's rate.
    optimizer = torch.optim.SGD(
        [{"params": model[0].parameters()}, {"params": model[2].parameters(), "lr": 123.0}], lr=7.0, momentum=0.9
    )
    return model, optimizer


def _train(model, optimizer, scheduler, segment, steps) -> None:
    import torch

    for step in steps:
        optimizer.zero_grad()
        loss = model(torch.full((5, 4), 0.1 * (step + 1))).square().mean()
        loss.backward()
        optimizer.step()
        scheduler.step()
        segment.log(step, loss.item())


def test_ledger_lr_and_the_checkpointer_resume_model_optimizer_rates_and_random_state(tmp_path: Path) -> None:
    import torch

    import lrledger
    from lrledger.torch import LedgerLR, TorchCheckpointer

    db, folder = tmp_path / "u.sqlite", tmp_path / "ckpt"
    with lrledger.attach("u", schedule=OPTIMIZER, target_steps=8, db=db, checkpoint_dir=folder) as segment:
        rates = segment.rates(0, 8)
        model, optimizer = _model_and_optimizer(1)
        scheduler = LedgerLR(optimizer, segment)
        checkpointer = TorchCheckpointer(segment, model, optimizer, scheduler)
        assert checkpointer.restore() is None  # a new run
        assert [group["lr"] for group in optimizer.param_groups] == [rates[0]] * 2
        assert rates[0] == 0.10000000149011612
        _train(model, optimizer, scheduler, segment, range(3))
        assert scheduler.current_step == 3
        assert [group["lr"] for group in optimizer.param_groups] == [rates[3]] * 2 == scheduler.get_last_lr()
        checkpointer.commit(3, data_state={"epoch": 0, "batch": 3})
        state = scheduler.state_dict()
        assert json.loads(json.dumps(state)) == {"format": "lrledger.torch/1", "run": "u", "step": 3}
        after_commit = torch.rand(4)  # the random state continues from the committed one
        weights = {name: value.clone() for name, value in model.state_dict().items()}
        momentum = [optimizer.state[p]["momentum_buffer"].clone() for p in model.parameters()]
        _train(model, optimizer, scheduler, segment, range(3, 5))  # logged, never committed

    with lrledger.attach("u", schedule=OPTIMIZER, target_steps=8, db=db, checkpoint_dir=folder) as segment:
        assert segment.resume_step == 3
        model, optimizer = _model_and_optimizer(2)  # other weights until restored
        scheduler = LedgerLR(optimizer, segment)
        assert scheduler.current_step == 3
        assert [group["lr"] for group in optimizer.param_groups] == [rates[3]] * 2
        checkpointer = TorchCheckpointer(segment, model, optimizer, scheduler)
        restored = checkpointer.restore()
        assert restored == {"format": "lrledger.torch/1", "step": 3, "data": {"epoch": 0, "batch": 3}}
        assert all(torch.equal(value, weights[name]) for name, value in model.state_dict().items())
        assert all(
            torch.equal(optimizer.state[p]["momentum_buffer"], m) for p, m in zip(model.parameters(), momentum)
        )
        assert [group["lr"] for group in optimizer.param_groups] == [rates[3]] * 2
        assert torch.equal(torch.rand(4), after_commit)
        # The ledger decides the step: a scheduler state from another step is refused.
        with pytest.raises(lrledger.LedgerError) as refused:
            scheduler.load_state_dict({"format": "lrledger.torch/1", "run": "u", "step": 5})
        assert refused.value.code == "checkpoint_mismatch"
        _train(model, optimizer, scheduler, segment, range(3, 8))
        checkpointer.commit(8)
    history = rate_history(db, "u")
    assert [row[0] for row in history] == list(range(8))
    assert [row[1] for row in history] == rates
    assert [row[3] for row in segments(db, "u")] == ["interrupted", "finished"]


def test_restore_refuses_a_run_past_step_0_without_a_checkpoint(tmp_path: Path) -> None:
    import lrledger
    from lrledger.torch import LedgerLR, TorchCheckpointer

    db = tmp_path / "n.sqlite"
    with lrledger.attach("n", schedule=0.01, target_steps=4, db=db) as segment:
        segment.log(0)
        segment.log(1)
        segment.commit(2)  # a step counter without a model state
    with lrledger.attach("n", schedule=0.01, target_steps=4, db=db, checkpoint_dir=tmp_path / "c") as segment:
        model, optimizer = _model_and_optimizer(0)
        checkpointer = TorchCheckpointer(segment, model, optimizer, LedgerLR(optimizer, segment))
        with pytest.raises(lrledger.LedgerError) as refused:
            checkpointer.restore()
        assert refused.value.code == "checkpoint_mismatch"
        assert "step 2" in str(refused.value) and "no checkpoint" in str(refused.value)
