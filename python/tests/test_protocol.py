"""The attach protocol end to end, against the real ``lrledger attach`` and through the
Python client: every refusal names its problem, changes nothing, and leaves the process
serving; commits, rewinds, crashes and schedule changes leave the documented state.

Reference values come from ``lrledger rate`` (the command-line evaluator), from Keras
itself (one test), or from reasoning about what must have been committed."""

from __future__ import annotations

import json
import math
import os
import socket
import sqlite3
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import pytest

import lrledger
from lrledger.checkpoints import checkpoint_name, write_atomically
from lrledger.errors import LedgerError

from conftest import rate_history, segments

INVERSE_TIME = {
    "class_name": "InverseTimeDecay",
    "config": {"initial_learning_rate": 0.1, "decay_steps": 1.0, "decay_rate": 0.5},
}
OTHER = {
    "class_name": "InverseTimeDecay",
    "config": {"initial_learning_rate": 0.2, "decay_steps": 1.0, "decay_rate": 0.5},
}


class Session:
    """One ``lrledger attach`` process, spoken to line by line."""

    def __init__(self, binary: str, db: Path) -> None:
        self.log_path = db.parent / f"attach-{os.urandom(4).hex()}.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [binary, "attach", "--db", str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log
        )

    def line(self, text: str) -> Dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(text.encode() + b"\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, f"lrledger attach ended (status {self.process.poll()}): {self.log_path.read_text()}"
        return json.loads(answer)

    def send(self, message: Dict[str, Any]) -> Dict[str, Any]:
        return self.line(json.dumps(message))

    def ok(self, message: Dict[str, Any]) -> Dict[str, Any]:
        reply = self.send(message)
        assert reply["ok"], reply
        assert reply["op"] == message["op"]
        return reply

    def refused(self, message: Any, code: str, op: Optional[str] = None) -> str:
        reply = self.line(message) if isinstance(message, str) else self.send(message)
        assert reply["ok"] is False, reply
        assert reply["error"]["code"] == code, reply
        if op is not None:
            assert reply["op"] == op
        text = reply["error"]["message"]
        assert text and "\n" not in text
        return text

    def end(self) -> int:
        """Closes standard input (the client going away) and waits for the process."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        status = self.process.wait(timeout=30)
        self._log.close()
        return status

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log.close()


@pytest.fixture
def sessions(binary: str):
    started: List[Session] = []

    def start(db: Path) -> Session:
        session = Session(binary, db)
        started.append(session)
        return session

    yield start
    for session in started:
        session.kill()


def attach_message(run: str = "r", target: int = 10, schedule: Any = INVERSE_TIME, **extra: Any) -> Dict[str, Any]:
    message: Dict[str, Any] = {"op": "attach", "protocol": 1, "run": run, "target_steps": target}
    if schedule is not None:
        message["schedule"] = schedule
    message.update(extra)
    return message


def runs_view(db: Path) -> Dict[str, Dict[str, Any]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        connection.row_factory = sqlite3.Row
        return {row["name"]: dict(row) for row in connection.execute("SELECT * FROM runs")}


def cli_rates(binary: str, schedule: Any, steps: Sequence[int], dtype: str = "float32") -> List[float]:
    """``lrledger rate`` at ``steps``: the shortest decimals of the dtype, read in that dtype."""
    result = subprocess.run(
        [binary, "rate", "--schedule", json.dumps(schedule), "--dtype", dtype, "--format", "json",
         *map(str, steps)],
        capture_output=True, text=True, check=True,
    )
    rows = json.loads(result.stdout, parse_float=str)
    assert [int(row["step"]) for row in rows] == list(steps)
    kind = np.float32 if dtype == "float32" else np.float64
    return [float(kind(row["rate"])) for row in rows]


def audit(binary: str, db: Path, run: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary, "audit", run, "--db", str(db)], capture_output=True, text=True)


def write_checkpoint(folder: Path, step: int, content: bytes) -> Dict[str, Any]:
    name = checkpoint_name(step, ".bin")
    size, sha256 = write_atomically(folder / name, lambda handle: handle.write(content))
    return {"file": name, "size": size, "sha256": sha256}


# -- malformed requests, order of requests ---------------------------------------------------


def test_malformed_lines_and_unknown_ops_are_refused_and_the_process_keeps_serving(
    tmp_path: Path, sessions
) -> None:
    db = tmp_path / "l.sqlite"
    session = sessions(db)
    message = session.refused("this is not json", "malformed")
    assert "not JSON" in message
    assert session.refused('{"op": "attach", "protocol": 1,', "malformed")  # cut off mid-object
    assert "frobnicate" in session.refused({"op": "frobnicate"}, "malformed", op="frobnicate")
    assert session.refused("[1, 2]", "malformed")
    assert session.refused({"run": "r"}, "malformed")  # no op
    assert "bogus" in session.refused({**attach_message(), "bogus": 1}, "malformed", op="attach")
    assert not db.exists()  # nothing was created by a refused line
    # Still serving: the next valid request works.
    reply = session.ok(attach_message())
    assert reply["created"] is True and reply["resume_step"] == 0
    assert session.refused("{not json either", "malformed")
    assert session.refused({"op": "log", "start": 0, "count": 1, "extra": True}, "malformed", op="log")
    assert session.ok({"op": "log", "start": 0, "count": 2})["buffered"] == 2
    assert session.ok({"op": "commit", "step": 2})["rows"] == 2
    session.ok({"op": "close", "reason": "interrupted"})
    assert session.end() == 0
    assert [row[0] for row in rate_history(db, "r")] == [0, 1]


@pytest.mark.parametrize(
    "request_",
    [
        {"op": "log", "start": 0, "count": 1},
        {"op": "rates", "start": 0, "count": 1},
        {"op": "commit", "step": 1},
        {"op": "heartbeat"},
        {"op": "close", "reason": "finished"},
    ],
    ids=lambda request: request["op"],
)
def test_a_request_before_attach_or_after_close_is_not_attached(tmp_path: Path, sessions, request_) -> None:
    db = tmp_path / "n.sqlite"
    session = sessions(db)
    assert "attach" in session.refused(request_, "not_attached", op=request_["op"])
    assert not db.exists()
    session.ok(attach_message())
    session.ok({"op": "close", "reason": "interrupted"})
    session.refused(request_, "not_attached", op=request_["op"])
    assert session.end() == 0
    assert segments(db, "r") == [(1, 0, 0, "interrupted")]


def test_a_second_attach_in_one_session_is_refused(tmp_path: Path, sessions) -> None:
    session = sessions(tmp_path / "a.sqlite")
    session.ok(attach_message())
    session.refused(attach_message(run="other"), "already_attached", op="attach")
    session.ok({"op": "log", "start": 0, "count": 1})


# -- logging -----------------------------------------------------------------------------


def test_steps_going_back_are_refused_and_nothing_of_that_message_is_buffered(
    tmp_path: Path, sessions, binary: str
) -> None:
    db = tmp_path / "o.sqlite"
    session = sessions(db)
    session.ok(attach_message())
    assert session.ok({"op": "log", "start": 0, "losses": [1.0, 2.0, 3.0, 4.0, 5.0]})["buffered"] == 5
    # Within one message: 5 and 7 are fine, 6 goes back.
    message = session.refused({"op": "log", "steps": [5, 7, 6], "losses": [6.0, 8.0, 7.0]}, "steps_out_of_order")
    assert "6" in message
    # Across messages: 2 was already logged.
    session.refused({"op": "log", "start": 2, "count": 3}, "steps_out_of_order", op="log")
    session.refused({"op": "log", "steps": [4]}, "steps_out_of_order")
    # Nothing of the refused messages was kept: step 5 is still the next step.
    assert session.ok({"op": "log", "steps": [5], "losses": [6.5]})["buffered"] == 6
    # A commit at 5 stores exactly the rows before it, with the losses sent.
    assert session.ok({"op": "commit", "step": 5})["rows"] == 5
    rates = cli_rates(binary, INVERSE_TIME, range(5))
    assert rate_history(db, "r") == [(step, rates[step], float(step + 1)) for step in range(5)]
    assert runs_view(db)["r"]["step"] == 5


def test_a_nan_literal_is_malformed_and_bad_rates_are_invalid_values(tmp_path: Path, sessions, binary: str) -> None:
    db = tmp_path / "v.sqlite"
    session = sessions(db)
    session.ok(attach_message())
    assert "NaN" in session.refused('{"op": "log", "start": 0, "losses": [NaN]}', "malformed")
    assert "NaN" in session.refused('{"op": "log", "start": 0, "rates": [NaN]}', "malformed")
    assert "-0.5" in session.refused({"op": "log", "start": 0, "rates": [-0.5]}, "invalid_value", op="log")
    # 1e400 reads as infinity: not a rate.
    assert "inf" in session.refused('{"op": "log", "start": 0, "rates": [1e400]}', "invalid_value").lower()
    session.refused({"op": "log", "start": 0, "rates": [0.1, -1e-9]}, "invalid_value")
    session.refused({"op": "log", "start": 0, "rates": [0.1, 0.2, 0.3], "losses": [1.0]}, "malformed")
    session.refused({"op": "rates", "start": -1, "count": 1}, "invalid_value")
    session.refused({"op": "rates", "start": 0, "count": 0}, "invalid_value")
    # Nothing buffered by any of them: step 0 is still the next step.
    assert session.ok({"op": "log", "start": 0, "losses": [None, 0.25]})["buffered"] == 2
    session.ok({"op": "commit", "step": 2})
    session.ok({"op": "close", "reason": "interrupted"})
    assert session.end() == 0
    rates = cli_rates(binary, INVERSE_TIME, [0, 1])
    assert rate_history(db, "r") == [(0, rates[0], None), (1, rates[1], 0.25)]


def test_the_python_client_sends_a_nan_loss_as_null(tmp_path: Path, binary: str) -> None:
    with lrledger.attach("r", schedule=INVERSE_TIME, target_steps=2, db=tmp_path / "c.sqlite") as segment:
        segment.log(0, math.nan)
        segment.log(1, 0.5)
        segment.commit(2)
    assert [row[2] for row in rate_history(tmp_path / "c.sqlite", "r")] == [None, 0.5]


# -- commits with checkpoint files --------------------------------------------------------


def test_a_commit_whose_file_is_missing_or_differs_commits_nothing(tmp_path: Path, sessions) -> None:
    db = tmp_path / "m.sqlite"
    folder = tmp_path / "ckpt"
    folder.mkdir()
    session = sessions(db)
    session.ok(attach_message(checkpoint_dir=str(folder)))
    session.ok({"op": "log", "start": 0, "count": 3})
    good = write_checkpoint(folder, 3, b"state at step 3")
    wrong_sha = {**good, "sha256": "0" * 64}
    wrong_size = {**good, "size": good["size"] + 1}
    missing = {**good, "file": "ckpt-missing.bin"}
    for checkpoint, words in ((missing, "ckpt-missing.bin"), (wrong_sha, "SHA-256"), (wrong_size, "bytes")):
        message = session.refused({"op": "commit", "step": 3, "checkpoint": checkpoint}, "checkpoint_mismatch", op="commit")
        assert words in message
        # Nothing committed: the run's step and history are unchanged.
        assert runs_view(db)["r"]["step"] == 0
        assert rate_history(db, "r") == []
    # The buffered rows were kept for the valid retry.
    reply = session.ok({"op": "commit", "step": 3, "checkpoint": good, "state": {"epoch": 0}})
    assert reply["rows"] == 3 and reply["step"] == 3
    assert runs_view(db)["r"]["step"] == 3
    assert [row[0] for row in rate_history(db, "r")] == [0, 1, 2]
    session.ok({"op": "close", "reason": "interrupted"})
    assert session.end() == 0

    # The next attach resumes from it, with its state.
    again = sessions(db)
    reply = again.ok(attach_message(checkpoint_dir=str(folder)))
    assert reply["resume_step"] == 3
    assert reply["checkpoint"] == {"step": 3, "file": good["file"], "size": good["size"], "sha256": good["sha256"],
                                   "state": {"epoch": 0}}
    # Steps before the resume step are refused too: they were committed by the last segment.
    assert "3" in again.refused({"op": "log", "start": 2, "count": 2}, "steps_out_of_order", op="log")
    assert again.ok({"op": "log", "start": 3, "count": 1})["buffered"] == 1


# -- one writer per run ------------------------------------------------------------------


def test_a_second_writer_is_refused_with_the_holders_pid_and_host(tmp_path: Path, sessions, binary: str) -> None:
    db = tmp_path / "b.sqlite"
    holder = sessions(db)
    holder.ok(attach_message())
    holder.ok({"op": "log", "start": 0, "count": 2})

    second = sessions(db)
    message = second.refused(attach_message(), "run_busy", op="attach")
    assert f"pid {holder.process.pid}" in message
    assert socket.gethostname() in message
    second.ok(attach_message(run="other"))  # another run in the same ledger is free

    with pytest.raises(LedgerError) as refused:
        lrledger.attach("r", schedule=INVERSE_TIME, target_steps=10, db=db, wait=0)
    assert refused.value.code == "run_busy"
    assert str(holder.process.pid) in refused.value.message and socket.gethostname() in refused.value.message

    # The holder was not disturbed.
    assert holder.ok({"op": "commit", "step": 2})["rows"] == 2
    holder.ok({"op": "close", "reason": "interrupted"})
    assert holder.end() == 0
    assert segments(db, "r") == [(1, 0, 2, "interrupted")]
    with lrledger.attach("r", schedule=INVERSE_TIME, target_steps=10, db=db, wait=0) as segment:
        assert segment.resume_step == 2


def test_attach_without_create_refuses_a_missing_run_and_creates_nothing(tmp_path: Path, sessions) -> None:
    db = tmp_path / "missing.sqlite"
    session = sessions(db)
    message = session.refused(attach_message(creation="forbidden"), "run_not_found", op="attach")
    assert "r" in message
    assert session.end() == 0
    assert list(tmp_path.glob("missing.sqlite*")) == []

    with pytest.raises(LedgerError) as refused:
        lrledger.attach("r", schedule=INVERSE_TIME, target_steps=10, db=db, creation="forbidden")
    assert refused.value.code == "run_not_found"
    assert list(tmp_path.glob("missing.sqlite*")) == []

    # An existing ledger without that run: refused, and the ledger's bytes do not change.
    with lrledger.attach("present", schedule=INVERSE_TIME, target_steps=1, db=db) as segment:
        segment.log(0)
        segment.commit(1)
    before = db.read_bytes()
    other = sessions(db)
    other.refused(attach_message(run="ghost", creation="forbidden"), "run_not_found")
    other.refused(attach_message(run="ghost", creation="forbidden", schedule=None), "run_not_found")
    assert other.end() == 0
    assert db.read_bytes() == before
    assert list(runs_view(db)) == ["present"]


def test_end_of_input_without_close_closes_the_segment_as_crashed(tmp_path: Path, sessions, binary: str) -> None:
    db = tmp_path / "e.sqlite"
    session = sessions(db)
    session.ok(attach_message())
    session.ok({"op": "log", "start": 0, "count": 3})
    session.ok({"op": "commit", "step": 3})
    session.ok({"op": "log", "start": 3, "count": 2})  # never committed
    assert session.end() == 0
    assert segments(db, "r") == [(1, 0, 3, "crashed")]
    assert [row[0] for row in rate_history(db, "r")] == [0, 1, 2]
    assert runs_view(db)["r"]["step"] == 3

    # The next attach resumes at the committed step and can finish the run cleanly.
    with lrledger.attach("r", schedule=INVERSE_TIME, target_steps=10, db=db) as segment:
        assert segment.resume_step == 3
        for step in range(3, 10):
            segment.log(step)
        segment.commit(10)
    assert segments(db, "r") == [(1, 0, 3, "crashed"), (2, 3, 10, "finished")]
    result = audit(binary, db, "r")
    assert result.returncode == 0, result.stdout + result.stderr


# -- schedules --------------------------------------------------------------------------


def test_a_plain_number_is_a_constant_float32_rate(tmp_path: Path, binary: str) -> None:
    db = tmp_path / "k.sqlite"
    with lrledger.attach("c", schedule=0.05, target_steps=4, db=db) as segment:
        assert segment.schedule == 0.05
        rates = segment.rates(0, 4) + segment.rates(10**9, 2)
        assert rates == [float(np.float32(0.05))] * 6 != [0.05] * 6
        for step in range(4):
            segment.log(step)
        segment.commit(4)
    assert [row[1] for row in rate_history(db, "c")] == cli_rates(binary, 0.05, range(4))
    assert audit(binary, db, "c").returncode == 0


def test_a_whole_optimizer_config_gives_its_schedule(tmp_path: Path, binary: str) -> None:
    db = tmp_path / "opt.sqlite"
    optimizer = {"name": "SGD", "learning_rate": INVERSE_TIME, "momentum": 0.9, "nesterov": False}
    steps = [0, 1, 2, 3, 10, 999, 123456]
    with lrledger.attach("o", schedule=optimizer, target_steps=3, db=db) as segment:
        assert segment.schedule["class_name"] == "InverseTimeDecay"
        assert [segment.rates(step, 1)[0] for step in steps] == cli_rates(binary, INVERSE_TIME, steps)
        for step in range(3):
            segment.log(step)
        segment.commit(3)
    # Resuming with the bare schedule is the same schedule, not a change.
    with lrledger.attach("o", schedule=INVERSE_TIME, target_steps=3, db=db) as segment:
        assert segment.resume_step == 3


def test_a_different_schedule_on_resume_is_refused_unless_change_schedule(tmp_path: Path, sessions, binary: str) -> None:
    db = tmp_path / "s.sqlite"
    with lrledger.attach("r", schedule=INVERSE_TIME, target_steps=10, db=db) as segment:
        for step in range(5):
            segment.log(step)
        segment.commit(5)
    before = db.read_bytes()

    session = sessions(db)
    message = session.refused(attach_message(schedule=OTHER), "schedule_mismatch", op="attach")
    assert "0.2" in message and "0.1" in message
    assert session.end() == 0
    with pytest.raises(LedgerError) as refused:
        lrledger.attach("r", schedule=OTHER, target_steps=10, db=db)
    assert refused.value.code == "schedule_mismatch"
    assert db.read_bytes() == before
    assert segments(db, "r") == [(1, 0, 5, "interrupted")]

    with lrledger.attach("r", schedule=OTHER, target_steps=10, db=db, change_schedule=True) as segment:
        assert segment.resume_step == 5
        assert segment.rates(5, 5) == cli_rates(binary, OTHER, range(5, 10))
        for step in range(5, 10):
            segment.log(step)
        segment.commit(10)
    rates = [row[1] for row in rate_history(db, "r")]
    assert rates == cli_rates(binary, INVERSE_TIME, range(5)) + cli_rates(binary, OTHER, range(5, 10))
    result = audit(binary, db, "r")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "schedule",
    [
        INVERSE_TIME,
        {"class_name": "InverseTimeDecay",
         "config": {"initial_learning_rate": 0.3, "decay_steps": 7.0, "decay_rate": 0.9, "staircase": True}},
        {"class_name": "ExponentialDecay",
         "config": {"initial_learning_rate": 0.1, "decay_steps": 100, "decay_rate": 0.96}},
        {"class_name": "PiecewiseConstantDecay", "config": {"boundaries": [10, 1000], "values": [0.1, 0.01, 0.001]}},
        {"class_name": "PolynomialDecay",
         "config": {"initial_learning_rate": 0.1, "decay_steps": 5000, "end_learning_rate": 0.0001, "power": 0.5}},
        {"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 5000}},
        {"class_name": "CosineDecayRestarts", "config": {"initial_learning_rate": 0.1, "first_decay_steps": 300}},
        0.007,
    ],
    ids=lambda schedule: schedule["class_name"] if isinstance(schedule, dict) else "constant",
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rates_equal_the_rate_command(tmp_path: Path, binary: str, schedule: Any, dtype: str) -> None:
    steps = [0, 1, 2, 9, 10, 11, 299, 300, 301, 999, 1000, 4999, 5000, 5001, 65536, 10**7]
    with lrledger.attach("r", schedule=schedule, target_steps=1, db=tmp_path / "r.sqlite", dtype=dtype) as segment:
        assert segment.dtype == dtype
        scattered = [segment.rates(step, 1)[0] for step in steps]
        block = segment.rates(0, 1002)
    assert scattered == cli_rates(binary, schedule, steps, dtype)
    assert block[:3] + block[9:12] + block[299:302] + block[999:1002] == [
        scattered[steps.index(step)] for step in (0, 1, 2, 9, 10, 11, 299, 300, 301, 999, 1000)
    ] + [cli_rates(binary, schedule, [1001], dtype)[0]]
    if dtype == "float32":
        assert all(float(np.float32(rate)) == rate for rate in scattered)


def test_rates_are_the_bits_keras_computes(tmp_path: Path) -> None:
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    keras = pytest.importorskip("keras", reason="Keras is not installed: pip install keras tensorflow-cpu")
    if keras.backend.backend() != "tensorflow":
        pytest.skip("the ledger's rates are Keras-on-TensorFlow's bits")
    configs = [
        {"initial_learning_rate": 0.1, "decay_steps": 1.0, "decay_rate": 0.5},
        {"initial_learning_rate": 0.05, "decay_steps": 13.0, "decay_rate": 0.7, "staircase": True},
    ]
    steps = list(range(0, 600)) + [1000, 4096, 99_999, 1_000_000, 123_456_789]
    for index, config in enumerate(configs):
        schedule = keras.optimizers.schedules.InverseTimeDecay(**config)
        expected = np.array([np.float32(keras.ops.convert_to_numpy(schedule(step))) for step in steps], dtype=np.float32)
        serialized = keras.optimizers.schedules.serialize(schedule)
        with lrledger.attach(f"k{index}", schedule=serialized, target_steps=1, db=tmp_path / "k.sqlite") as segment:
            block = segment.rates(0, 600)
            tail = [segment.rates(step, 1)[0] for step in steps[600:]]
        got = np.array(block + tail, dtype=np.float64)
        assert np.array_equal(got.astype(np.float32).astype(np.float64), got)  # float32 values exactly
        assert got.astype(np.float32).view(np.uint32).tolist() == expected.view(np.uint32).tolist(), config


# -- checkpoint files: damage, rewinds, pruning ---------------------------------------------


def damage(path: Path, how: str) -> None:
    if how == "truncate":
        with open(path, "r+b") as handle:
            handle.truncate(path.stat().st_size - 1)
    elif how == "flip":
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    else:
        path.unlink()


@pytest.mark.parametrize("how", ["truncate", "flip", "delete"])
def test_a_damaged_latest_checkpoint_rewinds_to_the_previous_one(tmp_path: Path, binary: str, how: str) -> None:
    db = tmp_path / "d.sqlite"
    folder = tmp_path / "ckpt"

    def train(segment: lrledger.Segment, start: int, stop: int) -> None:
        for step in range(start, stop):
            segment.log(step, loss=1.0 / (step + 1))
            if (step + 1) % 5 == 0:
                name = checkpoint_name(step + 1, ".bin")
                write_atomically(folder / name, lambda handle: handle.write(b"weights %d" % (step + 1) * 50))
                segment.commit(step + 1, name, {"step": step + 1})

    with lrledger.attach("r", schedule=INVERSE_TIME, target_steps=20, db=db, checkpoint_dir=folder) as segment:
        train(segment, 0, 10)
    damage(folder / checkpoint_name(10, ".bin"), how)

    with lrledger.attach("r", schedule=INVERSE_TIME, target_steps=20, db=db, checkpoint_dir=folder) as segment:
        assert segment.resume_step == 5
        assert segment.rewound_from == 10
        assert segment.checkpoint is not None and segment.checkpoint.step == 5
        assert segment.checkpoint.state == {"step": 5}
        assert segment.checkpoint.path is not None and segment.checkpoint.path.read_bytes() == b"weights 5" * 50
        assert [(item["step"], item["file"]) for item in segment.discarded_checkpoints] == [
            (10, checkpoint_name(10, ".bin"))
        ]
        assert segment.discarded_checkpoints[0]["problem"]
        # Rows 5..9 described updates whose state is gone: out of the canonical history.
        assert [row[0] for row in rate_history(db, "r")] == [0, 1, 2, 3, 4]
        assert runs_view(db)["r"]["step"] == 5
        train(segment, 5, 20)
    assert [row[0] for row in rate_history(db, "r")] == list(range(20))
    assert segments(db, "r") == [(1, 0, 10, "interrupted"), (2, 5, 20, "finished")]
    result = audit(binary, db, "r")
    assert result.returncode == 0, result.stdout + result.stderr


def test_checkpoints_beyond_keep_checkpoints_are_removed_after_the_commit_that_drops_them(
    tmp_path: Path, sessions
) -> None:
    db = tmp_path / "p.sqlite"
    folder = tmp_path / "ckpt"
    folder.mkdir()
    session = sessions(db)
    session.ok(attach_message(checkpoint_dir=str(folder), keep_checkpoints=2))
    names = []
    for step in range(1, 6):
        session.ok({"op": "log", "start": step - 1, "count": 1})
        checkpoint = write_checkpoint(folder, step, b"state %d" % step)
        names.append(checkpoint["file"])
        reply = session.ok({"op": "commit", "step": step, "checkpoint": checkpoint})
        expected_removed = [names[-3]] if step >= 3 else []
        assert reply["removed"] == expected_removed
        assert sorted(path.name for path in folder.iterdir()) == names[-2:]
    session.ok({"op": "close", "reason": "interrupted"})
    assert session.end() == 0
    # A resume finds the latest of the kept ones.
    again = sessions(db)
    assert again.ok(attach_message(checkpoint_dir=str(folder), keep_checkpoints=2))["checkpoint"]["file"] == names[-1]
