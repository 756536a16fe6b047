#!/usr/bin/env python3
"""The Python side's figures for scripts/bench, each against a baseline measured in the
same run:

- python-logging: steps/s logged through the Python client (lrledger.attach, log,
  commit every 100,000 steps) against `lrledger train --model none` on the same
  number of steps, the Swift trainer's own bookkeeping rate. Target: >= 300,000 steps/s.
- keras-overhead: wall time of `model.fit` with LedgerCallback against the same fit
  without it, on the example model, alternating runs, medians; the callback's per-step
  work only: its one-time start (attach and rate check) and its commits with checkpoint
  files (their number is the user's choice) are timed and reported apart. The
  overhead is the median of paired ratios. Target: at most 3% more.

Run by `scripts/bench --only python` with the project's venv (scripts/python-env).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def logging_figure(lrledger: str, steps: int, reps: int) -> dict:
    import lrledger as client

    swift, python = [], []
    for _ in range(reps):
        with tempfile.TemporaryDirectory() as folder:
            db = os.path.join(folder, "swift.sqlite")
            start = time.perf_counter()
            subprocess.run(
                [lrledger, "train", "--run", "b", "--model", "none", "--steps", str(steps),
                 "--checkpoint-every", "100000", "--db", db],
                check=True, capture_output=True,
            )
            swift.append(steps / (time.perf_counter() - start))

            db = os.path.join(folder, "python.sqlite")
            schedule = {"class_name": "InverseTimeDecay",
                        "config": {"initial_learning_rate": 0.1, "decay_steps": 1.0, "decay_rate": 0.5}}
            start = time.perf_counter()
            with client.attach("b", schedule=schedule, target_steps=steps, db=db, binary=lrledger) as segment:
                log = segment.log
                for step in range(steps):
                    log(step, 0.5)
                    if (step + 1) % 100_000 == 0:
                        segment.commit(step + 1)
                segment.commit(steps)
            python.append(steps / (time.perf_counter() - start))
    return {
        "figure": "python-logging",
        "python_steps_per_s": statistics.median(python),
        "swift_model_none_steps_per_s": statistics.median(swift),
        "ratio": statistics.median(python) / statistics.median(swift),
        "target": ">= 300000 steps/s through the Python client",
        "met": statistics.median(python) >= 300_000,
        "n": reps,
    }


def keras_figure(lrledger: str, epochs: int, reps: int) -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import numpy as np

    from lrledger.keras import LedgerCallback, StepSequence

    class TimedCallback(LedgerCallback):
        """Times the start (attach, rate check, restore) and each commit apart."""

        start_s = 0.0
        commit_s: list = []

        def on_train_begin(self, logs=None):
            began = time.perf_counter()
            super().on_train_begin(logs)
            self.start_s = time.perf_counter() - began
            self.commit_s = []

        def _commit(self):
            began = time.perf_counter()
            super()._commit()
            self.commit_s.append(time.perf_counter() - began)

    rng = np.random.default_rng(0)
    x = rng.normal(size=(4032, 20)).astype("float32")
    y = np.argmax(x @ rng.normal(size=(20, 3)), axis=1).astype("int64")

    def model() -> "keras.Model":
        built = keras.Sequential(
            [keras.Input((20,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(3, activation="softmax")]
        )
        schedule = keras.optimizers.schedules.InverseTimeDecay(0.1, 1.0, 0.5)
        built.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss="sparse_categorical_crossentropy")
        return built

    def fit(with_ledger: bool, folder: str, checkpoint_every: int) -> tuple:
        data = StepSequence(x, y, batch_size=32, seed=0)
        callbacks = []
        ledger = None
        if with_ledger:
            ledger = TimedCallback(
                "bench", db=os.path.join(folder, "k.sqlite"), checkpoint_dir=os.path.join(folder, "ckpt"),
                checkpoint_every=checkpoint_every, data=data, binary=lrledger,
            )
            callbacks.append(ledger)
        trained = model()
        start = time.perf_counter()
        trained.fit(data, epochs=epochs, callbacks=callbacks, verbose=0)
        return time.perf_counter() - start, ledger

    steps = epochs * 126
    with tempfile.TemporaryDirectory() as folder:
        fit(False, folder, 10**9)  # warm-up: TensorFlow's first trace
        plain, ledger, starts, per_step = [], [], [], []
        for rep in range(reps):
            plain_s = fit(False, folder, 10**9)[0]
            with tempfile.TemporaryDirectory() as run_folder:
                ledger_s, callback = fit(True, run_folder, 10**9)
            # The one commit at the end writes a checkpoint file: left out, as its count
            # is the user's choice (--checkpoint-every); its cost is reported below.
            # The start (attach, rate check) happens once per process: reported apart.
            work_s = ledger_s - sum(callback.commit_s) - callback.start_s
            plain.append(plain_s)
            ledger.append(work_s)
            starts.append(callback.start_s)
            per_step.append((work_s - plain_s) / steps)
        # The checkpoint cost: the same fit committing every 50 steps, each commit timed.
        with tempfile.TemporaryDirectory() as run_folder:
            _, callback = fit(True, run_folder, 50)
            commit_ms = statistics.median(callback.commit_s) * 1e3
    # Paired: each fit with the ledger against the plain fit run just before it.
    overhead = statistics.median(work / base for work, base in zip(ledger, plain)) - 1
    return {
        "figure": "keras-overhead",
        "steps": steps,
        "fit_s": statistics.median(plain),
        "fit_with_ledger_s": statistics.median(ledger),
        "overhead": overhead,
        "start_ms": statistics.median(starts) * 1e3,
        "per_step_us": statistics.median(per_step) * 1e6,
        "commit_with_checkpoint_ms": commit_ms,
        "target": "<= 3% added to model.fit",
        "met": overhead <= 0.03,
        "n": reps,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lrledger", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--output")
    arguments = parser.parse_args()
    steps = 200_000 if arguments.quick else 2_000_000
    epochs = 4 if arguments.quick else 20
    reps = 3 if arguments.quick else arguments.reps
    figures = [logging_figure(arguments.lrledger, steps, reps), keras_figure(arguments.lrledger, epochs, reps)]
    for figure in figures:
        print(json.dumps(figure))
    print()
    print(f"{'figure':<16} {'measured':>28} {'baseline':>28} {'target':<40} met")
    first, second = figures
    print(f"{'python-logging':<16} {first['python_steps_per_s']:>22,.0f} st/s {first['swift_model_none_steps_per_s']:>22,.0f} st/s "
          f"{first['target']:<40} {first['met']}")
    print(f"{'keras-overhead':<16} {second['fit_with_ledger_s']:>26.3f} s {second['fit_s']:>26.3f} s "
          f"{'<= 3% (' + format(second['overhead'] * 100, '.2f') + '%)':<40} {second['met']}")
    print(f"{'':<16} {second['steps']} steps; start (attach, rate check) {second['start_ms']:.0f} ms; "
          f"per step {second['per_step_us']:.1f} us; one commit with its checkpoint file "
          f"{second['commit_with_checkpoint_ms']:.2f} ms")
    if arguments.output:
        Path(arguments.output).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
