#!/usr/bin/env python3
"""Train a small PyTorch model that resumes exactly after any kill, recorded in lrledger.

    python examples/torch_resume.py --db runs.sqlite --run demo --steps 2000
    kill -9 <pid>      # at any instant, then run the same command again
    kill <pid>         # SIGTERM (or Ctrl-C): commits, closes the segment, exits 0

The model (20 features, a 32-unit hidden layer with dropout, 3 classes) trains by SGD
with momentum 0.9 on a data set made from --seed, in batches chosen by the optimizer step
(lrledger.data.StepOrder), with the rates of --schedule (Keras JSON of a schedule or of an
optimizer config, or a plain number; default InverseTimeDecay(0.1, 1.0, 0.5)). Every rate
is the ledger's: the Keras-exact float32 value of the schedule at that step.

--mode plain trains the same steps without a ledger, uninterrupted: the reference a killed
and resumed run must equal bit for bit. It needs the same Keras-exact rates and Python
must not compute them, so it asks the lrledger binary once, through a throwaway segment in
a temporary ledger (deleted at the end): `Segment.rates(0, N)` returns every rate as the
exact double of its float32 value (the protocol prints the shortest decimal that reads
back to the same double). --weights-out writes the final weights as the raw little-endian
bytes of every parameter and buffer in `model.state_dict()` order.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from typing import Any, List

DEFAULT_SCHEDULE = {
    "class_name": "InverseTimeDecay",
    "config": {"initial_learning_rate": 0.1, "decay_steps": 1.0, "decay_rate": 0.5},
}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("LRLEDGER_DB", "lrledger.sqlite"), help="the ledger file")
    parser.add_argument("--run", default="torch-demo", help="the run's name")
    parser.add_argument("--schedule", help="Keras JSON of a schedule or an optimizer, or a number (or @FILE)")
    parser.add_argument("--steps", type=int, default=2000, help="optimizer steps to train in all")
    parser.add_argument("--samples", type=int, default=2048, help="samples in the data set")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--checkpoint-every", type=int, default=50, help="steps between commits")
    parser.add_argument("--checkpoint-dir", help="checkpoint folder (default: RUN-checkpoints beside the ledger)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weights-out", help="write the final weights here as raw little-endian bytes")
    parser.add_argument("--mode", choices=["ledger", "plain"], default="ledger")
    return parser.parse_args()


def load_schedule(text: str | None) -> Any:
    """The schedule as JSON (the ledger accepts a schedule, an optimizer config or a number)."""
    if text is None:
        return DEFAULT_SCHEDULE
    if text.startswith("@"):
        with open(text[1:]) as handle:
            text = handle.read()
    return json.loads(text)


def momentum_of(schedule: Any) -> float:
    """An optimizer config's momentum, else 0.9."""
    if isinstance(schedule, dict) and "learning_rate" in schedule and "momentum" in schedule:
        return float(schedule["momentum"])
    return 0.9


def plain_rates(schedule: Any, steps: int) -> List[float]:
    """The ledger's rates of steps 0..steps-1, from a throwaway segment (see the docstring)."""
    import lrledger

    if steps == 0:
        return []
    with tempfile.TemporaryDirectory(prefix="lrledger-rates-") as folder:
        segment = lrledger.attach(
            "rates", schedule=schedule, target_steps=steps, db=os.path.join(folder, "rates.sqlite")
        )
        try:
            return segment.rates(0, steps)
        finally:
            segment.close("interrupted")


def main() -> int:
    args = parse()
    import numpy as np
    import torch

    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    x_all = torch.from_numpy(rng.normal(size=(args.samples, 20)).astype("float32"))
    y_all = torch.from_numpy(np.argmax(x_all.numpy() @ rng.normal(size=(20, 3)), axis=1).astype("int64"))

    model = torch.nn.Sequential(
        torch.nn.Linear(20, 32), torch.nn.ReLU(), torch.nn.Dropout(0.1), torch.nn.Linear(32, 3)
    )
    schedule = load_schedule(args.schedule)
    momentum = momentum_of(schedule)
    # lr here is a placeholder: the scheduler (or the plain loop) sets each step's rate.
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0, momentum=momentum)
    loss_fn = torch.nn.CrossEntropyLoss()

    from lrledger.data import StepOrder

    order = StepOrder(args.samples, args.batch_size, seed=args.seed)

    def train_step(step: int) -> float:
        indices = torch.from_numpy(order.indices(step))
        optimizer.zero_grad()
        loss = loss_fn(model(x_all[indices]), y_all[indices])
        loss.backward()
        optimizer.step()
        return loss.item()

    model.train()
    if args.mode == "plain":
        for step, rate in enumerate(plain_rates(schedule, args.steps)):
            for group in optimizer.param_groups:
                group["lr"] = rate
            train_step(step)
        finished = args.steps
    else:
        import lrledger
        from lrledger.torch import GracefulStop, LedgerLR, TorchCheckpointer, describe_model

        folder = args.checkpoint_dir or os.path.join(os.path.dirname(os.path.abspath(args.db)), f"{args.run}-checkpoints")
        settings = {
            "framework": "torch",
            "model": describe_model(model),
            "data": order.describe(),
            "momentum": momentum,
            "seed": args.seed,
        }
        segment = lrledger.attach(
            args.run, schedule=schedule, target_steps=args.steps, db=args.db, checkpoint_dir=folder, settings=settings
        )
        with segment, GracefulStop() as stop:
            segment.check_settings(settings)
            scheduler = LedgerLR(optimizer, segment)
            checkpointer = TorchCheckpointer(segment, model, optimizer, scheduler)
            checkpointer.restore()
            for step in range(segment.resume_step, args.steps):
                loss = train_step(step)
                scheduler.step()
                segment.log(step, loss)
                done = step + 1
                if done % args.checkpoint_every == 0 or done == args.steps or stop.requested:
                    checkpointer.commit(done, data_state={"step": done, "epoch": done // order.steps_per_epoch})
                stop.exit_if_requested(segment)
            finished = segment.committed_step
    print(f"run {args.run}: finished at step {finished}")
    if args.weights_out:
        with open(args.weights_out, "wb") as handle:
            for value in model.state_dict().values():
                array = value.detach().cpu().numpy()
                handle.write(array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes())
    return 0


if __name__ == "__main__":
    sys.exit(main())
