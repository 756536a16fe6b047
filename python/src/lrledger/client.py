"""A client for ``lrledger attach``: one segment of a run, driven from Python."""

from __future__ import annotations

import json
import math
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from .binary import find_binary
from .checkpoints import PathLike
from .checkpoints import digest as file_digest
from .errors import LedgerError

PROTOCOL = 1
"""The attach protocol version this package speaks."""

Schedule = Union[Mapping[str, Any], float, str]
"""A schedule as Keras has it: ``keras.optimizers.schedules.serialize(...)``, a
``get_config()`` dict with ``class_name``, a whole optimizer config, a plain number (a
constant rate), or the JSON text of any of these."""


@dataclass(frozen=True)
class Checkpoint:
    """The checkpoint a segment resumes from."""

    step: int
    """The step counter committed with it: the next update is step ``step``."""
    path: Optional[Path]
    """The file, inside the checkpoint folder; None for a state kept in the ledger."""
    size: int
    sha256: str
    state: Optional[Dict[str, Any]]
    """The trainer state committed with it (epoch, data position, ...)."""


class Segment:
    """One segment of a run: attach, log, commit, heartbeat, close.

    Use it as a context manager; leaving the block closes the segment (``finished``
    once the target is committed, ``interrupted`` before that or on ``KeyboardInterrupt``
    and ``SystemExit``, ``failed`` on another exception). A process killed without a
    close leaves the segment to be closed as ``crashed``; the next attach resumes from
    the last commit::

        with lrledger.attach("demo", schedule=config, target_steps=1000, checkpoint_dir="ckpt") as run:
            for step in range(run.resume_step, 1000):
                lr = run.rate(step)          # the ledger's Keras-exact rate
                loss = train_one_step(lr)
                run.log(step, loss)
                if (step + 1) % 100 == 0:
                    run.commit(step + 1, checkpoint="ckpt-%d.pt" % (step + 1))

    Logging is buffered in memory and sent with the next commit (or every
    ``block`` steps); a commit makes the step counter, the rows before it and the
    checkpoint durable in one transaction.
    """

    def __init__(self, process: subprocess.Popen, reply: Dict[str, Any], checkpoint_dir: Optional[Path], block: int):
        self._process = process
        self._checkpoint_dir = checkpoint_dir
        self._block = block
        self.run: str = reply["run"]
        self.segment: int = reply["segment"]
        self.created: bool = reply["created"]
        self.resume_step: int = reply["resume_step"]
        self.target_steps: int = reply["target_steps"]
        self.schedule: Any = reply["schedule"]
        self.dtype: str = reply["dtype"]
        self.settings: Dict[str, Any] = reply["settings"]
        self.rewound_from: Optional[int] = reply["rewound_from"]
        self.discarded_checkpoints: List[Dict[str, Any]] = reply["discarded_checkpoints"]
        self.recovered_segments: List[int] = reply["recovered_segments"]
        found = reply["checkpoint"]
        self.checkpoint: Optional[Checkpoint] = None
        if found is not None:
            path = None
            if found["file"] is not None and checkpoint_dir is not None:
                path = checkpoint_dir / found["file"]
            self.checkpoint = Checkpoint(found["step"], path, found["size"], found["sha256"], found["state"])
        self.committed_step: int = self.resume_step
        self.closed = False
        self._losses: List[Optional[float]] = []
        self._steps: Optional[List[int]] = None
        self._rates: Optional[List[Optional[float]]] = None
        self._start = self.resume_step
        self._next = self.resume_step
        self._rate_start = 0
        self._rate_block: List[float] = []

    # -- rates ---------------------------------------------------------------------

    def rates(self, start: int, count: int) -> List[float]:
        """The schedule's rates of steps ``start`` .. ``start + count - 1``, computed by the
        ledger bit for bit as Keras on TensorFlow does (float32 values as Python floats)."""
        return self._request({"op": "rates", "start": start, "count": count})["rates"]

    def rate(self, step: int) -> float:
        """The schedule's rate at ``step``, from blocks of 4,096 fetched ahead."""
        index = step - self._rate_start
        if not 0 <= index < len(self._rate_block):
            self._rate_start = step
            self._rate_block = self.rates(step, 4096)
            index = 0
        return self._rate_block[index]

    # -- logging and commits ---------------------------------------------------------

    def log(self, step: int, loss: Optional[float] = None, rate: Optional[float] = None) -> None:
        """Buffers the loss (and, when the framework computed its own, the rate) of the
        update at ``step``. Without ``rate`` the ledger records its schedule's rate.

        Steps must increase; the ledger refuses the block otherwise, at the next send.
        Cost: an append for consecutive steps; the block goes out at the next commit, or
        every ``block`` steps.
        """
        if step != self._next or rate is not None or self._steps is not None:
            self._log_listed(step, loss, rate)
            return
        self._next = step + 1
        self._losses.append(loss)
        if len(self._losses) >= self._block:
            self.flush()

    def _log_listed(self, step: int, loss: Optional[float], rate: Optional[float]) -> None:
        """The general case: steps that skip, or explicit rates."""
        if self._steps is None:
            self._steps = list(range(self._start, self._next))
        if rate is not None and self._rates is None:
            self._rates = [None] * len(self._steps)
        self._steps.append(step)
        self._losses.append(loss)
        if self._rates is not None:
            self._rates.append(rate)
        self._next = step + 1
        if len(self._losses) >= self._block:
            self.flush()

    def flush(self) -> None:
        """Sends the buffered rows to the ledger process (still uncommitted)."""
        if not self._losses:
            return
        losses, steps, rates, start = self._losses, self._steps, self._rates, self._start
        self._losses, self._steps, self._rates, self._start = [], None, None, self._next
        if steps is None:
            head = f'{{"op":"log","start":{start},"count":{len(losses)}'
        else:
            head = '{"op":"log","steps":' + json.dumps(steps)
        if losses.count(None) != len(losses):
            head += ',"losses":' + _numbers(losses, "loss")
        if rates is not None:
            if None in rates:
                raise LedgerError("invalid_value", "log: a block mixes steps with and without an explicit rate")
            head += ',"rates":' + _numbers(rates, "rate")
        if self.closed:
            raise LedgerError("not_attached", f"log: the segment of run {self.run} is closed")
        _exchange(self._process, None, head + "}")

    def commit(
        self,
        step: int,
        checkpoint: Optional[PathLike] = None,
        state: Optional[Mapping[str, Any]] = None,
        digest: Optional[Tuple[int, str]] = None,
    ) -> List[str]:
        """Commits the step counter ``step`` (updates applied so far), the rows logged
        before it, and a checkpoint file with the trainer's small JSON ``state``, in one
        transaction.

        ``checkpoint`` is a file in the checkpoint folder, already written and synced
        (see ``write_atomically``); the ledger checks its size and SHA-256 before
        committing. ``digest`` is the file's size and SHA-256 when the caller has them
        already (``write_atomically`` returns them), to spare reading the file again.
        Returns the files of older checkpoints it removed.
        """
        self.flush()
        message: Dict[str, Any] = {"op": "commit", "step": step}
        if checkpoint is not None:
            if self._checkpoint_dir is None:
                raise LedgerError("checkpoint_mismatch", "commit: a checkpoint file needs checkpoint_dir at attach")
            path = Path(checkpoint)
            if not path.is_absolute():
                path = self._checkpoint_dir / path
            try:
                size, sha256 = digest if digest is not None else file_digest(path)
            except OSError as error:
                raise LedgerError(
                    "checkpoint_mismatch", f"commit step {step}: checkpoint file {path}: {error.strerror}"
                ) from None
            message["checkpoint"] = {
                "file": os.path.relpath(path, self._checkpoint_dir),
                "size": size,
                "sha256": sha256,
            }
            if state is not None:
                message["state"] = dict(state)
        reply = self._request(message)
        self.committed_step = step
        return reply["removed"]

    def check_settings(self, settings: Mapping[str, Any]) -> None:
        """Refuses (``LedgerError`` ``settings_mismatch``) a resume whose ``settings`` differ
        from those the run was created with, naming the first differing key; keys the
        run was created without are not compared."""
        for key, value in settings.items():
            if key in self.settings and self.settings[key] != plain_json(value):
                raise LedgerError(
                    "settings_mismatch",
                    f"run {self.run} was created with {key}={self.settings[key]!r}, this process has {key}={value!r}; "
                    "resume with the same model, data and settings, or start a new run",
                )

    def heartbeat(self) -> None:
        """Tells the ledger the writer is alive during a long stretch between commits."""
        self._request({"op": "heartbeat"})

    def close(self, reason: str = "finished") -> None:
        """Ends the segment: ``finished``, ``interrupted`` or ``failed``. Rows logged
        after the last commit are dropped (their model state was never committed)."""
        if self.closed:
            return
        try:
            self._request({"op": "close", "reason": reason})
        finally:
            self.closed = True
            self._end_process()

    # -- context manager -------------------------------------------------------------

    def __enter__(self) -> "Segment":
        return self

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        if self.closed:
            return
        if kind is None:
            reason = "finished" if self.committed_step >= self.target_steps else "interrupted"
        elif issubclass(kind, (KeyboardInterrupt, SystemExit)):
            reason = "interrupted"
        else:
            reason = "failed"
        try:
            self.close(reason)
        except LedgerError:
            if kind is None:
                raise

    # -- transport -------------------------------------------------------------------

    def _request(self, message: Mapping[str, Any]) -> Dict[str, Any]:
        if self.closed and message.get("op") != "close":
            raise LedgerError("not_attached", f"{message.get('op')}: the segment of run {self.run} is closed")
        return _exchange(self._process, message)

    def _end_process(self) -> None:
        try:
            if self._process.stdin:
                self._process.stdin.close()
            self._process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()


def plain_json(value: Any) -> Any:
    """``value`` as it reads back from JSON (tuples become lists); refuses what JSON cannot
    hold (``LedgerError`` ``invalid_value``)."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise LedgerError("invalid_value", f"not plain JSON: {error}") from None


def _numbers(values: List[Any], name: str) -> str:
    """A JSON array of floats (None as null); a NaN loss becomes null, a NaN rate is refused."""
    try:
        text = json.dumps(values)
    except TypeError:
        values = [None if value is None else float(value) for value in values]
        text = json.dumps(values)
    if "NaN" in text or "Infinity" in text:
        if name == "rate":
            raise LedgerError("invalid_value", "log: a rate is NaN or infinite; log the rate the update used")
        text = json.dumps([None if value is None or not math.isfinite(value) else value for value in values])
    return text


def _exchange(process: subprocess.Popen, message: Optional[Mapping[str, Any]], line: Optional[str] = None) -> Dict[str, Any]:
    if line is None:
        assert message is not None
        line = json.dumps(message, separators=(",", ":"), allow_nan=False)
    else:
        message = {"op": "log"}
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(line.encode() + b"\n")
        process.stdin.flush()
        answer = process.stdout.readline()
    except (BrokenPipeError, OSError):
        answer = b""
    if not answer:
        status = process.poll()
        raise LedgerError("process", f"lrledger attach ended (status {status}) before answering {message.get('op')}")
    reply = json.loads(answer)
    if not reply.get("ok"):
        error = reply.get("error") or {}
        raise LedgerError(error.get("code", "unknown"), error.get("message", answer.decode()), reply.get("op"))
    return reply


def attach(
    run: str,
    *,
    target_steps: int,
    schedule: Optional[Schedule] = None,
    db: Optional[PathLike] = None,
    checkpoint_dir: Optional[PathLike] = None,
    dtype: str = "float32",
    settings: Optional[Mapping[str, Any]] = None,
    creation: str = "allowed",
    change_schedule: bool = False,
    keep_checkpoints: int = 3,
    wait: float = 10.0,
    binary: Optional[str] = None,
    block: int = 16384,
) -> Segment:
    """Attaches to ``run`` in the ledger ``db`` (default ``$LRLEDGER_DB``, else
    ``./lrledger.sqlite``), creating it with ``schedule`` when it does not exist, and
    returns the open ``Segment``.

    ``creation`` is ``"allowed"`` (create a missing run, unless its name differs from an
    existing run's only by case or a small edit: a typo must not start a run over),
    ``"required"`` (create it, refusing an existing run of that name) or ``"forbidden"``
    (resume only; a missing run or ledger file is refused and no file is created).

    ``schedule`` is compared with the run's stored schedule on resume: a difference is
    refused unless ``change_schedule`` (then it is recorded from the resume step).
    ``settings`` are stored when the run is created and handed back on resume
    (``Segment.settings``) for the trainer to compare. ``checkpoint_dir`` is where the
    trainer keeps checkpoint files; on resume a missing or damaged file makes the ledger
    fall back to the previous one. When another writer holds the run, the attach is
    retried for up to ``wait`` seconds (a killed client's ``lrledger attach`` closes
    its segment within moments), then refused with the holder's pid and host.
    """
    executable = find_binary(binary)
    folder = Path(checkpoint_dir).resolve() if checkpoint_dir is not None else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    if isinstance(schedule, str):
        schedule = json.loads(schedule)
    message: Dict[str, Any] = {
        "op": "attach",
        "protocol": PROTOCOL,
        "run": run,
        "target_steps": int(target_steps),
        "dtype": dtype,
        "settings": dict(settings or {}),
        "creation": creation,
        "change_schedule": change_schedule,
        "keep_checkpoints": keep_checkpoints,
        "client": {"pid": os.getpid(), "language": "python"},
    }
    if schedule is not None:
        message["schedule"] = schedule
    if folder is not None:
        message["checkpoint_dir"] = str(folder)
    command = [executable, "attach"]
    if db is not None:
        command += ["--db", os.fspath(db)]
    deadline = time.monotonic() + wait
    while True:
        try:
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True
            )
        except OSError as error:
            raise LedgerError("process", f"cannot start {executable}: {error.strerror}") from None
        try:
            reply = _exchange(process, message)
        except LedgerError as error:
            _stop(process)
            if error.code == "run_busy" and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            raise
        return Segment(process, reply, folder, block)


def _stop(process: subprocess.Popen) -> None:
    try:
        if process.stdin:
            process.stdin.close()
        process.wait(timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        process.kill()
