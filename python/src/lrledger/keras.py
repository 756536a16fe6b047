"""Keras 3: ``model.fit`` runs that resume exactly where their last commit left them.

Two pieces::

    from lrledger.keras import LedgerCallback, StepSequence

    data = StepSequence(x, y, batch_size=32, seed=7)          # batches indexed by optimizer step
    ledger = LedgerCallback("mnist", checkpoint_dir="ckpt", checkpoint_every=100, data=data)
    model.fit(data, epochs=10, callbacks=[ledger])

Run the same script again after a kill (SIGKILL, preemption, a crash): the callback
restores the weights, the optimizer's variables (``iterations`` with them), the running
metrics and the data position of the last commit, and ``fit`` continues at that step,
mid-epoch included. The ledger records the schedule (from ``optimizer.get_config()``),
every step's rate and loss, the segments and the checkpoints. SIGTERM or SIGINT (Ctrl-C)
finishes the current step, commits, closes the segment as ``interrupted`` and exits 0.

Exactness: with a ``StepSequence`` the resumed run applies the same updates to the same
batches as an uninterrupted one, so the final weights are bit for bit equal when the
computation itself is deterministic (``keras.utils.set_random_seed`` and
``tf.config.experimental.enable_op_determinism()``). With any other input, commits
happen at epoch ends and a resume continues at the last epoch boundary: the step counter
and the rates stay exact; the weights equal an uninterrupted run's only if the data order
does not depend on how many epochs a process ran.
"""

from __future__ import annotations

import io
import signal
import sys
import threading
import warnings
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import keras
import numpy as np

from .checkpoints import checkpoint_name, remove_leftovers, write_atomically
from .client import Segment, attach
from .data import StepOrder, length, take
from .errors import LedgerError

_RAN_OUT = "Your input ran out of data"


class StepSequence(keras.utils.PyDataset):
    """Batches of ``(x, y)`` indexed by the optimizer step (see ``lrledger.data.StepOrder``).

    ``x`` and ``y`` are arrays (or lists, tuples or dicts of arrays) with one row per
    sample. Epoch ``e`` visits the samples in a permutation drawn from ``(seed, e)``, so
    the batch of every step is known without replaying earlier epochs; a
    ``LedgerCallback`` given this sequence starts a resumed epoch at the batch of the
    resume step.

    Batches are served in the order ``fit`` asks for them, whatever index it passes:
    ``fit(shuffle=True)``, its default, permutes a ``PyDataset``'s indices with Python's
    ``random``, which would tie the data order to the process. So the sequence is read
    by one worker (``workers=1``, no multiprocessing).
    """

    def __init__(self, x: Any, y: Any = None, *, batch_size: int = 32, seed: int = 0, shuffle: bool = True) -> None:
        super().__init__(workers=1, use_multiprocessing=False)
        self.x = x
        self.y = y
        self.order = StepOrder(length(x), batch_size, seed, shuffle)
        self.steps_per_epoch = self.order.steps_per_epoch
        self._next_step = 0
        self._batches = self.steps_per_epoch
        self._driven = False
        self._epochs_begun = 0

    @property
    def num_batches(self) -> int:
        return self._batches

    def __len__(self) -> int:
        return self._batches

    def __getitem__(self, index: int) -> Any:
        step = self._next_step
        self._next_step = step + 1
        return self.batch(step)

    def batch(self, step: int) -> Any:
        """The batch used at optimizer step ``step``."""
        indices = self.order.indices(step)
        if self.y is None:
            return (take(self.x, indices),)
        return take(self.x, indices), take(self.y, indices)

    def start_epoch(self, epoch: int, step: int) -> None:
        """Serves epoch ``epoch`` from optimizer step ``step`` on (its first step, or the
        resume step of a resumed epoch). A ``LedgerCallback`` calls this."""
        self._driven = True
        self._next_step = step
        self._batches = (epoch + 1) * self.steps_per_epoch - step

    def on_epoch_begin(self) -> None:
        # Without a LedgerCallback, count epochs so each gets its own permutation.
        if not self._driven:
            self._next_step = self._epochs_begun * self.steps_per_epoch
            self._epochs_begun += 1

    def describe(self) -> Dict[str, Any]:
        return self.order.describe()


class LedgerCallback(keras.callbacks.Callback):
    """Records a ``model.fit`` run in an lrledger ledger and resumes it exactly.

    - ``run``: the run's name; created on first use, resumed after.
    - ``checkpoint_dir``: the folder for checkpoint files (weights, optimizer variables,
      running metrics), written under a temporary name, synced and renamed before each
      commit; the ledger keeps ``keep_checkpoints`` of them and checks size and SHA-256
      before a resume, falling back to an older one when a file is damaged.
    - ``checkpoint_every``: steps between commits when ``data`` is a ``StepSequence``;
      with other inputs, commits happen at each epoch end.
    - ``db``: the ledger file (default ``$LRLEDGER_DB``, else ``./lrledger.sqlite``).
    - ``settings``: your own JSON-able settings, stored with the run and compared on
      resume (with the model's variables, the data's order and the steps per epoch).
    - ``change_schedule``: allow a different schedule than the stored one (recorded).
    - ``creation``: ``"allowed"``, ``"required"`` or ``"forbidden"``, as in ``lrledger.attach``.
    - ``exit_on_signal``: after SIGTERM/SIGINT is committed, end the process with status 0
      once ``fit`` returns (default True); False returns from ``fit`` instead, with
      ``interrupted`` set.

    Requires ``steps_per_execution=1``. The rate of each step is the ledger's, which
    equals Keras-on-TensorFlow's bits; at attach the callback evaluates the optimizer's
    schedule through Keras at a few steps, and where the backend gives other bits (JAX
    or torch compute pow, cos and log differently) it warns and logs the rates Keras
    used instead, so the history never shows a rate the run did not use. The check
    evaluates 512 steps once per start (about half a second on a small CPU).
    """

    def __init__(
        self,
        run: str,
        *,
        checkpoint_dir: str,
        checkpoint_every: int = 100,
        data: Optional[StepSequence] = None,
        db: Optional[str] = None,
        keep_checkpoints: int = 3,
        settings: Optional[Mapping[str, Any]] = None,
        change_schedule: bool = False,
        creation: str = "allowed",
        exit_on_signal: bool = True,
        binary: Optional[str] = None,
    ) -> None:
        super().__init__()
        if checkpoint_every <= 0:
            raise ValueError(f"checkpoint_every must be > 0, got {checkpoint_every}")
        self.run_name = run
        self.checkpoint_dir = Path(checkpoint_dir)
        self.checkpoint_every = checkpoint_every
        self.data = data
        self.db = db
        self.keep_checkpoints = keep_checkpoints
        self.user_settings = dict(settings or {})
        self.change_schedule = change_schedule
        self.creation = creation
        self.exit_on_signal = exit_on_signal
        self.binary = binary
        self.segment: Optional[Segment] = None
        self.interrupted = False
        self.rates_from_framework = False
        self._stop_requested = False
        self._previous_handlers: Dict[int, Any] = {}
        self._metrics_to_restore: Optional[List[Any]] = None
        self._resume_step = 0
        self._step = 0
        self._target = 0
        self._steps_per_epoch = 0
        self._warnings: Optional[Any] = None

    # -- fit lifecycle -------------------------------------------------------------------

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        # First: a SIGTERM during the attach or the restore must become a clean stop too.
        self._install_signal_handlers()
        try:
            self._begin()
        except BaseException:
            self._restore_signal_handlers()
            raise

    def _begin(self) -> None:
        model = self.model
        optimizer = model.optimizer
        if getattr(model, "steps_per_execution", 1) != 1:
            raise LedgerError("invalid_value", "LedgerCallback needs steps_per_execution=1 to log every step")
        steps = self.params.get("steps")
        if not steps:
            raise LedgerError("invalid_value", "LedgerCallback needs a known number of steps per epoch")
        if self.data is not None and self.data.steps_per_epoch != steps:
            raise LedgerError(
                "invalid_value",
                f"fit runs {steps} steps per epoch but the StepSequence has {self.data.steps_per_epoch}; "
                "pass the StepSequence to fit without steps_per_epoch",
            )
        if not optimizer.built:
            optimizer.build(model.trainable_variables)
        self._steps_per_epoch = steps
        self._target = self.params["epochs"] * steps
        config = optimizer.get_config()
        schedule = {"name": config.get("name"), "learning_rate": config["learning_rate"]}
        settings = self._settings()
        remove_leftovers_safely(self.checkpoint_dir)
        self.segment = attach(
            self.run_name,
            target_steps=self._target,
            schedule=schedule,
            db=self.db,
            checkpoint_dir=self.checkpoint_dir,
            settings=settings,
            creation=self.creation,
            change_schedule=self.change_schedule,
            keep_checkpoints=self.keep_checkpoints,
            binary=self.binary,
        )
        try:
            self.segment.check_settings(settings)
            self._check_rates()
            self._restore()
        except BaseException:
            self.segment.close("failed")
            raise
        self._step = self._resume_step = self.segment.resume_step
        model._initial_epoch = self._resume_step // steps

    def on_epoch_begin(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if self.data is not None:
            self.data.start_epoch(epoch, self._step)
        if self._metrics_to_restore is not None:
            # fit reset the metrics just before this call: continue the epoch's running means.
            for variable, value in zip(self.model.metrics_variables, self._metrics_to_restore):
                variable.assign(value)
            self._metrics_to_restore = None
        if self._step % self._steps_per_epoch:
            # A resumed epoch is shorter; fit warns when its input ends early. Expected here.
            self._warnings = warnings.catch_warnings()
            self._warnings.__enter__()
            warnings.filterwarnings("ignore", message=_RAN_OUT)

    def on_train_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        assert self.segment is not None
        step = self._step
        self._step = step + 1
        loss = logs.get("loss") if logs else None
        rate = float(self._framework_rate(step)) if self.rates_from_framework else None
        self.segment.log(step, loss, rate)
        if self._stop_requested:
            if self.data is not None:
                self._commit()
            self.interrupted = True
            self.model.stop_training = True
        elif self.data is not None and (self._step % self.checkpoint_every == 0 or self._step == self._target):
            self._commit()

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        if self._warnings is not None:
            self._warnings.__exit__(None, None, None)
            self._warnings = None
            # The call that found the shortened epoch's input exhausted still counted an
            # iteration (Keras 3 on TensorFlow): put the counter back on the step.
            iterations = self.model.optimizer.iterations
            if int(iterations.numpy()) != self._step:
                iterations.assign(self._step)
        if self.data is None and not self.interrupted and self._step % self._steps_per_epoch == 0:
            self._commit()

    def on_train_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        segment = self.segment
        if segment is None:
            return
        self._restore_signal_handlers()
        if not self.interrupted and self._step > segment.committed_step and self.data is not None:
            self._commit()
        segment.close("finished" if segment.committed_step >= self._target else "interrupted")
        if self.interrupted and self.exit_on_signal:
            print(
                f"run {self.run_name}: interrupted at step {segment.committed_step}; run the same command to resume",
                file=sys.stderr,
            )
            raise SystemExit(0)

    # -- state ---------------------------------------------------------------------------

    def _variables(self) -> List[Any]:
        return list(self.model.variables) + list(self.model.optimizer.variables) + list(self.model.metrics_variables)

    def _commit(self) -> None:
        assert self.segment is not None
        step = self._step
        if step == self.segment.committed_step:
            return
        arrays = {f"v{index:05d}": np.asarray(variable.numpy()) for index, variable in enumerate(self._variables())}

        def write(handle: Any) -> None:
            buffer = io.BytesIO()
            np.savez(buffer, **arrays)  # type: ignore[arg-type]  # numpy stubs take the names for flags
            handle.write(buffer.getbuffer())

        name = checkpoint_name(step, ".npz")
        written = write_atomically(self.checkpoint_dir / name, write)
        epoch, position = divmod(step, self._steps_per_epoch)
        state = {"epoch": epoch, "step_in_epoch": position, "rates": "keras" if self.rates_from_framework else "ledger"}
        self.segment.commit(step, name, state, digest=written)

    def _restore(self) -> None:
        assert self.segment is not None
        checkpoint = self.segment.checkpoint
        resume = self.segment.resume_step
        if checkpoint is None:
            if resume > 0:
                raise LedgerError(
                    "checkpoint_mismatch",
                    f"run {self.run_name} is at step {resume} but has no checkpoint to restore the model from",
                )
            return
        if checkpoint.path is None:
            raise LedgerError("checkpoint_mismatch", f"run {self.run_name}'s checkpoint is not a file checkpoint")
        variables = self._variables()
        with np.load(checkpoint.path) as stored:
            names = sorted(stored.files)
            if len(names) != len(variables):
                raise LedgerError(
                    "checkpoint_mismatch",
                    f"the checkpoint at step {checkpoint.step} holds {len(names)} variables; "
                    f"this model and optimizer have {len(variables)}",
                )
            values = [stored[name] for name in names]
        for variable, value in zip(variables, values):
            if tuple(variable.shape) != tuple(value.shape):
                raise LedgerError(
                    "checkpoint_mismatch",
                    f"the checkpoint at step {checkpoint.step} does not fit variable {variable.path}: "
                    f"shape {tuple(value.shape)}, expected {tuple(variable.shape)}",
                )
        metric_count = len(self.model.metrics_variables)
        for variable, value in zip(variables[: len(variables) - metric_count], values):
            variable.assign(value)
        if resume % self._steps_per_epoch:
            self._metrics_to_restore = values[len(values) - metric_count :]
        iterations = int(self.model.optimizer.iterations.numpy())
        if iterations != resume:
            raise LedgerError(
                "checkpoint_mismatch",
                f"the checkpoint of run {self.run_name} holds optimizer.iterations={iterations} "
                f"but the run resumes at step {resume}",
            )

    def _settings(self) -> Dict[str, Any]:
        settings: Dict[str, Any] = {
            "framework": "keras",
            "backend": keras.backend.backend(),
            "steps_per_epoch": self.params["steps"],
            "variables": [[v.path, list(v.shape), str(v.dtype)] for v in self.model.variables],
            "data": self.data.describe() if self.data is not None else "keras inputs",
        }
        settings.update(self.user_settings)
        return settings

    # -- rates ---------------------------------------------------------------------------

    def _framework_rate(self, step: int) -> Any:
        schedule = self.model.optimizer._learning_rate
        if callable(schedule) and not isinstance(schedule, keras.Variable):
            value = schedule(step)
        else:
            value = schedule
        array = keras.ops.convert_to_numpy(value)
        return np.float64(array) if self.segment is not None and self.segment.dtype == "float64" else np.float32(array)

    def _check_rates(self) -> None:
        """Compares the ledger's rates with the schedule evaluated through Keras, one step
        at a time as the optimizer evaluates it: the 256 steps from the resume step and
        256 spread over the rest of the run. Where any differs, the run logs Keras's."""
        assert self.segment is not None
        resume, target = self.segment.resume_step, self._target
        if resume >= target:
            return
        block = list(range(resume, min(resume + 256, target)))
        spread = sorted({resume + (target - resume) * index // 256 for index in range(256)} - set(block))
        ledger = dict(zip(block, self.segment.rates(resume, len(block))))
        for step in spread:
            ledger[step] = self.segment.rates(step, 1)[0]
        differing = [
            (step, ledger[step], framework)
            for step in sorted(ledger)
            if ledger[step] != (framework := float(self._framework_rate(step)))
        ]
        if differing:
            self.rates_from_framework = True
            step, expected, found = differing[0]
            warnings.warn(
                f"lrledger: Keras on the {keras.backend.backend()} backend computes this schedule's rate "
                f"differently from TensorFlow ({len(differing)} of {len(ledger)} steps checked; step {step}: "
                f"{found!r}, TensorFlow's bits {expected!r}); the run logs the rates Keras computes, and "
                "`lrledger audit` reports where they differ",
                stacklevel=2,
            )

    # -- signals -------------------------------------------------------------------------

    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def request_stop(number: int, frame: Any) -> None:
            self._stop_requested = True

        for number in (signal.SIGTERM, signal.SIGINT):
            self._previous_handlers[number] = signal.signal(number, request_stop)

    def _restore_signal_handlers(self) -> None:
        for number, handler in self._previous_handlers.items():
            signal.signal(number, handler)
        self._previous_handlers.clear()


def remove_leftovers_safely(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    remove_leftovers(folder)


__all__ = ["LedgerCallback", "StepSequence"]
