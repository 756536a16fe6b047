#!/usr/bin/env python3
"""Train a small Keras model that resumes exactly after any kill, recorded in lrledger.

    python examples/keras_resume.py --db runs.sqlite --run demo --epochs 4
    kill -9 <pid>      # at any instant, then run the same command again

The model (20 features, a 32-unit hidden layer, 3 classes) trains by SGD on a data set
made from --seed, with the schedule of --schedule (Keras JSON of a schedule, of an
optimizer, or a plain number; default InverseTimeDecay(0.1, 1.0, 0.5)). --weights-out
writes the final weights as the raw little-endian bytes of every variable in order, so
two runs can be compared byte for byte. --mode plain trains without lrledger (the
uninterrupted reference); --mode backup trains with Keras's BackupAndRestore instead,
for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

DEFAULT_SCHEDULE = {
    "class_name": "InverseTimeDecay",
    "config": {"initial_learning_rate": 0.1, "decay_steps": 1.0, "decay_rate": 0.5},
}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("LRLEDGER_DB", "lrledger.sqlite"), help="the ledger file")
    parser.add_argument("--run", default="keras-demo", help="the run's name")
    parser.add_argument("--schedule", help="Keras JSON of a schedule or an optimizer, or a number (or @FILE)")
    parser.add_argument("--epochs", type=int, default=4, help="epochs to train in all")
    parser.add_argument("--samples", type=int, default=4032, help="samples in the data set")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--checkpoint-every", type=int, default=50, help="steps between commits")
    parser.add_argument("--checkpoint-dir", help="checkpoint folder (default: RUN-checkpoints beside the ledger)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shuffle", action="store_true", help="shuffle each epoch (seeded by --seed and the epoch)")
    parser.add_argument("--weights-out", help="write the final weights here as raw little-endian bytes")
    parser.add_argument("--mode", choices=["ledger", "plain", "backup"], default="ledger")
    parser.add_argument(
        "--input", choices=["steps", "arrays"], default="steps",
        help="steps: a StepSequence (resumes mid-epoch); arrays: plain numpy arrays (resumes at epoch ends)",
    )
    parser.add_argument("--backup-dir", help="BackupAndRestore's folder (--mode backup)")
    parser.add_argument("--save-freq", type=int, default=50, help="BackupAndRestore's save_freq (--mode backup)")
    return parser.parse_args()


def load_schedule(text: str | None):
    import keras

    if text is None:
        value = DEFAULT_SCHEDULE
    else:
        if text.startswith("@"):
            with open(text[1:]) as handle:
                text = handle.read()
        value = json.loads(text)
    if isinstance(value, (int, float)):
        return keras.optimizers.SGD(learning_rate=float(value))
    if "learning_rate" in value and "class_name" not in value:
        # optimizer.get_config() of an SGD: its own keys, the schedule under learning_rate.
        config = dict(value)
        rate = config["learning_rate"]
        config["learning_rate"] = keras.optimizers.schedules.deserialize(rate) if isinstance(rate, dict) else float(rate)
        return keras.optimizers.SGD.from_config(config)
    if value.get("module") == "keras.optimizers" or value.get("class_name") in ("SGD", "Adam", "RMSprop"):
        return keras.optimizers.deserialize(value)
    return keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.deserialize(value))


def main() -> int:
    args = parse()
    import keras
    import numpy as np
    import tensorflow as tf

    keras.utils.set_random_seed(args.seed)
    tf.config.experimental.enable_op_determinism()
    rng = np.random.default_rng(args.seed)
    x = rng.normal(size=(args.samples, 20)).astype("float32")
    y = np.argmax(x @ rng.normal(size=(20, 3)), axis=1).astype("int64")

    model = keras.Sequential(
        [keras.Input((20,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(3, activation="softmax")]
    )
    model.compile(optimizer=load_schedule(args.schedule), loss="sparse_categorical_crossentropy")

    if args.mode == "ledger":
        from lrledger.keras import LedgerCallback, StepSequence

        folder = args.checkpoint_dir or os.path.join(os.path.dirname(os.path.abspath(args.db)), f"{args.run}-checkpoints")
        settings = {"seed": args.seed, "samples": args.samples}
        if args.input == "steps":
            data = StepSequence(x, y, batch_size=args.batch_size, seed=args.seed, shuffle=args.shuffle)
            ledger = LedgerCallback(
                args.run, db=args.db, checkpoint_dir=folder, checkpoint_every=args.checkpoint_every, data=data,
                settings=settings,
            )
            model.fit(data, epochs=args.epochs, callbacks=[ledger], verbose=0)
        else:
            # Any other input: the callback commits at epoch ends and resumes there.
            ledger = LedgerCallback(args.run, db=args.db, checkpoint_dir=folder, settings=settings)
            model.fit(
                x, y, batch_size=args.batch_size, epochs=args.epochs, shuffle=args.shuffle, callbacks=[ledger], verbose=0
            )
        print(f"run {args.run}: finished at step {ledger.segment.committed_step}")
    elif args.mode == "backup":
        backup = keras.callbacks.BackupAndRestore(args.backup_dir or f"{args.run}-backup", save_freq=args.save_freq)
        model.fit(x, y, batch_size=args.batch_size, epochs=args.epochs, shuffle=False, callbacks=[backup], verbose=0)
    else:
        if args.shuffle:
            from lrledger.keras import StepSequence

            model.fit(StepSequence(x, y, batch_size=args.batch_size, seed=args.seed), epochs=args.epochs, verbose=0)
        else:
            model.fit(x, y, batch_size=args.batch_size, epochs=args.epochs, shuffle=False, verbose=0)
    print(f"optimizer.iterations = {int(model.optimizer.iterations.numpy())}", file=sys.stderr)
    if args.weights_out:
        with open(args.weights_out, "wb") as handle:
            for variable in model.variables:
                array = np.asarray(variable.numpy())
                handle.write(array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes())
    return 0


if __name__ == "__main__":
    sys.exit(main())
