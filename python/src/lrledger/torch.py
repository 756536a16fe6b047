"""PyTorch: training loops that resume exactly where their last commit left them.

Three pieces, around one attached ``Segment``::

    import lrledger
    from lrledger.torch import GracefulStop, LedgerLR, TorchCheckpointer

    segment = lrledger.attach("mlp", schedule=keras_schedule_json, target_steps=10_000,
                              checkpoint_dir="ckpt", db="runs.sqlite")
    scheduler = LedgerLR(optimizer, segment)                 # the ledger's rate of every step
    checkpointer = TorchCheckpointer(segment, model, optimizer, scheduler)
    state = checkpointer.restore()                           # None for a new run
    with segment, GracefulStop() as stop:                    # SIGTERM/SIGINT -> commit, exit 0
        for step in range(segment.resume_step, segment.target_steps):
            x, y = batch(step)                               # e.g. lrledger.data.StepOrder
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            scheduler.step()
            segment.log(step, loss.item())
            if (step + 1) % 100 == 0 or step + 1 == segment.target_steps or stop.requested:
                checkpointer.commit(step + 1, data_state={"step": step + 1})
            stop.exit_if_requested(segment)                  # closes `interrupted`, exits 0

Run the same script again after a kill (SIGKILL, preemption, a crash): ``restore`` loads
the model, the optimizer (momentum buffers included), the scheduler's step and the random
generators' states of the last commit, and the loop continues at ``segment.resume_step``.
With batches chosen by the step (``lrledger.data.StepOrder``) and a deterministic
computation (``torch.use_deterministic_algorithms(True)``, a fixed thread count), the
final weights equal an uninterrupted run's bit for bit.

Rates: every rate comes from the ledger (``Segment.rate``, fetched in blocks from the
``lrledger`` binary, bit for bit as Keras on TensorFlow computes the schedule); nothing
here evaluates a schedule in Python. A float32 schedule's rates are float32 values held
in Python floats, so torch applies them exactly to float32 parameters.
"""

from __future__ import annotations

import random
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import numpy as np
import torch

from lrledger.checkpoints import checkpoint_name, remove_leftovers, write_atomically
from lrledger.client import Segment, plain_json
from lrledger.errors import LedgerError

_FORMAT = "lrledger.torch/1"


class LedgerLR(torch.optim.lr_scheduler.LRScheduler):
    """A learning-rate scheduler whose rates are the ledger's schedule, step by step.

    ``last_epoch`` is the optimizer step counter (Keras's ``optimizer.iterations``): the
    step the next ``optimizer.step()`` applies, whose rate every param group holds. After
    construction it is ``segment.resume_step``; each ``scheduler.step()``, called after
    ``optimizer.step()`` as PyTorch expects, moves to the next step::

        scheduler = LedgerLR(optimizer, segment)
        assert optimizer.param_groups[0]["lr"] == segment.rate(segment.resume_step)
        optimizer.step(); scheduler.step()          # applied step resume_step; now at +1

    The ledger is the source of truth for the step: ``state_dict()`` holds the step and
    the run's name, and ``load_state_dict`` refuses a state from another step or run
    (``LedgerError`` ``checkpoint_mismatch``) instead of silently moving the schedule.

    A float32 run's rates are float32 values, which torch applies exactly to float32
    parameters; a float64 run's rates are rounded by torch when the parameters are float32.
    """

    def __init__(self, optimizer: torch.optim.Optimizer, segment: Segment) -> None:
        self.segment = segment
        resume = segment.resume_step
        if resume > 0:
            # LRScheduler resumes (last_epoch >= 0) only from groups that name an initial rate.
            first = segment.rate(0)
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", first)
        # The base class's first step() moves last_epoch from resume - 1 to resume.
        super().__init__(optimizer, last_epoch=resume - 1)

    @property
    def current_step(self) -> int:
        """The step whose rate the param groups hold: the next update's step."""
        return self.last_epoch

    def get_lr(self) -> List[float]:  # type: ignore[override]
        rate = self.segment.rate(self.last_epoch)
        return [rate for _ in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> List[float]:
        return self.get_lr()

    def apply(self) -> None:
        """Puts the current step's rate back into every param group (after
        ``optimizer.load_state_dict``, which restores the rates it saved)."""
        rate = self.segment.rate(self.last_epoch)
        for group in self.optimizer.param_groups:
            group["lr"] = rate
        self._last_lr = [rate for _ in self.optimizer.param_groups]

    def state_dict(self) -> Dict[str, Any]:
        return {"format": _FORMAT, "run": self.segment.run, "step": self.last_epoch}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        step = state_dict.get("step", state_dict.get("last_epoch"))
        run = state_dict.get("run", self.segment.run)
        if run != self.segment.run or step != self.last_epoch:
            raise LedgerError(
                "checkpoint_mismatch",
                f"the scheduler state is for run {run} at step {step}, but run {self.segment.run} "
                f"resumes at step {self.last_epoch}; the ledger's step counter decides",
            )
        self.apply()


class GracefulStop:
    """Turns SIGTERM and SIGINT (Ctrl-C) into a flag the training loop checks at each step
    boundary, so a stop commits the finished steps instead of losing them.

    Use it as a context manager around the loop (it restores the previous handlers on
    exit); after the step that saw ``requested``, commit, then call
    ``exit_if_requested(segment)``, which closes the segment as ``interrupted``, says so
    on stderr and exits the process with status 0. Handlers can only be installed from the
    main thread; elsewhere the flag simply never rises.
    """

    def __init__(self, signals: Tuple[int, ...] = (signal.SIGTERM, signal.SIGINT)) -> None:
        self.signals = signals
        self.requested = False
        self.signal: Optional[int] = None
        self._previous: Dict[int, Any] = {}

    def _handle(self, number: int, frame: Any) -> None:
        self.requested = True
        self.signal = number

    def install(self) -> "GracefulStop":
        if threading.current_thread() is threading.main_thread():
            for number in self.signals:
                self._previous[number] = signal.signal(number, self._handle)
        return self

    def restore(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()

    def __enter__(self) -> "GracefulStop":
        return self.install()

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        self.restore()

    def exit_if_requested(self, segment: Segment) -> None:
        """When a signal came: closes ``segment`` as ``interrupted`` and exits with status 0.

        Commit before calling this; rows logged after the last commit are dropped."""
        if not self.requested:
            return
        segment.close("interrupted")
        print(
            f"run {segment.run}: interrupted at step {segment.committed_step}; run the same command to resume",
            file=sys.stderr,
        )
        raise SystemExit(0)


class TorchCheckpointer:
    """Commits a PyTorch training state with the ledger's step counter, and restores it.

    A checkpoint is one ``torch.save`` file in the segment's checkpoint folder holding the
    model's and the optimizer's ``state_dict``, the scheduler's step, the random
    generators' states (torch's CPU generator, Python's ``random``, numpy's global one)
    and the data position you give (a small JSON dict, also stored in the ledger). It is
    written under a temporary name, synced and renamed before the ledger commits it (with
    its size and SHA-256), so a kill at any instant leaves either the old or the new
    checkpoint::

        checkpointer = TorchCheckpointer(segment, model, optimizer, scheduler)
        state = checkpointer.restore()       # None for a new run, else the committed state
        start = segment.resume_step          # state["data"] is the data position committed
        ...
        checkpointer.commit(step, data_state={"epoch": e, "batch": b})

    The segment must be attached with ``checkpoint_dir``.
    """

    def __init__(
        self,
        segment: Segment,
        model: torch.nn.Module,
        optimizer: torch.optim.Optimizer,
        scheduler: Optional[LedgerLR] = None,
    ) -> None:
        if segment._checkpoint_dir is None:
            raise LedgerError("checkpoint_mismatch", "TorchCheckpointer needs a segment attached with checkpoint_dir")
        self.segment = segment
        self.model = model
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.folder: Path = segment._checkpoint_dir
        self.removed: List[str] = []

    # -- commit ----------------------------------------------------------------------

    def commit(self, step: int, data_state: Optional[Mapping[str, Any]] = None) -> None:
        """Writes the checkpoint of ``step`` (the updates applied so far) and commits it
        with the step counter and the rows logged before it, in one transaction.

        A commit at the step already committed does nothing."""
        segment = self.segment
        if step == segment.committed_step:
            return
        if self.scheduler is not None and self.scheduler.last_epoch != step:
            raise LedgerError(
                "checkpoint_mismatch",
                f"commit at step {step} but the scheduler is at step {self.scheduler.last_epoch}; "
                "call scheduler.step() once after each optimizer.step()",
            )
        data = plain_json(data_state) if data_state is not None else None
        payload = {
            "format": _FORMAT,
            "run": segment.run,
            "step": step,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict() if self.scheduler is not None else None,
            "rng": {
                "torch": torch.get_rng_state(),
                "python": random.getstate(),
                "numpy": np.random.get_state(),
            },
            "data": data,
        }
        name = checkpoint_name(step, ".pt")
        written = write_atomically(self.folder / name, lambda handle: torch.save(payload, handle))
        self.removed = segment.commit(step, name, {"format": _FORMAT, "step": step, "data": data}, digest=written)

    # -- restore ---------------------------------------------------------------------

    def restore(self) -> Optional[Dict[str, Any]]:
        """Loads the segment's checkpoint into the model, the optimizer, the scheduler and
        the random generators, and returns the trainer state committed with it
        (``{"format", "step", "data"}``; ``data`` is the ``data_state`` given to
        ``commit``), or None for a run at step 0 without a checkpoint.

        Refuses (``LedgerError`` ``checkpoint_mismatch``) a run past step 0 without a
        checkpoint file, and a file that does not belong to this run and step or does not
        fit the model.
        """
        segment = self.segment
        remove_leftovers(self.folder)
        checkpoint = segment.checkpoint
        resume = segment.resume_step
        if checkpoint is None:
            if resume > 0:
                raise LedgerError(
                    "checkpoint_mismatch",
                    f"run {segment.run} is at step {resume} but has no checkpoint to restore the model from",
                )
            return None
        if checkpoint.path is None:
            raise LedgerError("checkpoint_mismatch", f"run {segment.run}'s checkpoint is not a file checkpoint")
        # weights_only=False unpickles arbitrary objects (the RNG states are tuples and
        # numpy arrays). It is safe here only because this is the file the ledger
        # committed: on attach the binary checked its size and SHA-256 against the ones
        # recorded at commit, and discarded it (falling back to an older one) otherwise.
        # Never point this at a file the ledger did not verify.
        try:
            payload = torch.load(checkpoint.path, map_location="cpu", weights_only=False)
        except Exception as error:  # a verified file that torch cannot read: a format problem
            raise LedgerError(
                "checkpoint_mismatch", f"cannot load the checkpoint {checkpoint.path}: {error}"
            ) from None
        if not isinstance(payload, dict) or payload.get("format") != _FORMAT:
            raise LedgerError(
                "checkpoint_mismatch", f"{checkpoint.path} is not a checkpoint written by lrledger.torch"
            )
        if payload.get("run") != segment.run or payload.get("step") != checkpoint.step or checkpoint.step != resume:
            raise LedgerError(
                "checkpoint_mismatch",
                f"{checkpoint.path} holds run {payload.get('run')} at step {payload.get('step')}, "
                f"but run {segment.run} resumes at step {resume} from its checkpoint at step {checkpoint.step}",
            )
        committed = checkpoint.state if isinstance(checkpoint.state, dict) else None
        if committed is not None and committed.get("data") != payload.get("data"):
            raise LedgerError(
                "checkpoint_mismatch",
                f"the data position in {checkpoint.path} ({payload.get('data')!r}) differs from the one "
                f"the ledger committed ({committed.get('data')!r})",
            )
        try:
            self.model.load_state_dict(payload["model"])
        except RuntimeError as error:
            first = str(error).strip().splitlines()
            raise LedgerError(
                "checkpoint_mismatch",
                f"the checkpoint at step {resume} does not fit this model: {' '.join(line.strip() for line in first)}",
            ) from None
        try:
            self.optimizer.load_state_dict(payload["optimizer"])
        except (ValueError, KeyError) as error:
            raise LedgerError(
                "checkpoint_mismatch", f"the checkpoint at step {resume} does not fit this optimizer: {error}"
            ) from None
        if self.scheduler is not None:
            stored = payload.get("scheduler")
            if stored is not None:
                self.scheduler.load_state_dict(stored)  # checks the step; re-applies the rate
            else:
                self.scheduler.apply()
        rng = payload["rng"]
        torch.set_rng_state(rng["torch"])
        random.setstate(rng["python"])
        np.random.set_state(rng["numpy"])
        if committed is not None:
            return committed
        return {"format": _FORMAT, "step": resume, "data": payload.get("data")}


def describe_model(model: torch.nn.Module) -> List[List[Any]]:
    """The names, shapes and dtypes of a model's parameters and buffers, in
    ``state_dict`` order: store it in the run's settings to refuse resuming another model."""
    return [[name, list(value.shape), str(value.dtype)] for name, value in model.state_dict().items()]


__all__ = ["GracefulStop", "LedgerLR", "TorchCheckpointer", "describe_model"]
