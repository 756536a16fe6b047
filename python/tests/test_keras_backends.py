"""Keras on a backend that computes a schedule with other bits than TensorFlow: the run
logs the rates Keras used, never the ledger's, and says so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import rate_history

pytest.importorskip("keras", reason="Keras is not installed: pip install keras==3.15.1 tensorflow-cpu==2.21.0")
pytest.importorskip("torch", reason="PyTorch is not installed: pip install torch==2.13.0+cpu (Keras's torch backend)")

SCRIPT = r"""
import json, os, sys, warnings
os.environ["KERAS_BACKEND"] = "torch"
import keras, numpy as np
from lrledger.keras import LedgerCallback, StepSequence

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(640, 8)).astype("float32")
y = np.argmax(x @ rng.normal(size=(8, 3)), axis=1)
schedule = keras.optimizers.schedules.CosineDecay(0.1, 1000, alpha=0.01)
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss="sparse_categorical_crossentropy")
data = StepSequence(x, y, batch_size=32)
callback = LedgerCallback("torch-backend", db=sys.argv[1], checkpoint_dir=sys.argv[2], data=data, checkpoint_every=40)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model.fit(data, epochs=10, callbacks=[callback], verbose=0)
rates = [float(np.float32(keras.ops.convert_to_numpy(schedule(step)))) for step in range(200)]
print(json.dumps({"framework": callback.rates_from_framework, "rates": rates,
                  "warnings": [str(w.message) for w in caught if "lrledger" in str(w.message)]}))
"""


def test_keras_on_torch_logs_the_rates_keras_computed_and_audit_names_the_difference(
    tmp_path: Path, binary: str
) -> None:
    db = tmp_path / "ledger.sqlite"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(db), str(tmp_path / "checkpoints")],
        capture_output=True, text=True, timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # Keras's torch backend computes cos with other bits than TensorFlow's scalar kernel
    # at some steps of this schedule (13 of every 334 here): the callback must notice.
    assert report["framework"] is True
    assert report["warnings"] and "differently from TensorFlow" in report["warnings"][0]
    history = rate_history(db, "torch-backend")
    assert [row[0] for row in history] == list(range(200))
    assert [row[1] for row in history] == report["rates"]

    # The ledger's own bits differ at some steps: audit names them rather than passing.
    ledger_rates = subprocess.run(
        [binary, "rate", "--format", "csv", "--schedule",
         json.dumps({"class_name": "CosineDecay",
                     "config": {"initial_learning_rate": 0.1, "decay_steps": 1000, "alpha": 0.01}}),
         *map(str, range(200))],
        capture_output=True, text=True, check=True,
    ).stdout.split()[1:]
    import numpy as np

    # `rate` prints the shortest decimal of the float32 value: read it back as a float32.
    ours = [float(np.float32(line.split(",")[1])) for line in ledger_rates]
    differing = [step for step in range(200) if ours[step] != report["rates"][step]]
    assert differing, "this schedule no longer differs on the torch backend; pick one that does"
    audit = subprocess.run([binary, "audit", "torch-backend", "--db", str(db)], capture_output=True, text=True)
    assert audit.returncode == 1
    assert f"{len(differing)} findings" in audit.stdout
    for step in differing:
        assert f"step {step}:" in audit.stdout
