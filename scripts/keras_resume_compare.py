"""The comparison behind scripts/keras-resume-compare (see there)."""

from __future__ import annotations

import argparse
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "keras_resume.py"
TARGET = 504


def start(arguments: List[str], folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(EXAMPLE), *arguments], cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )


def iterations(stderr: str) -> Optional[int]:
    found = re.findall(r"optimizer\.iterations = (\d+)", stderr)
    return int(found[-1]) if found else None


def written(folder: Path, tool: str, since: dict) -> bool:
    """True while a checkpoint write is under way (or has just been): a temporary file of
    lrledger's, or a backup file of BackupAndRestore's whose size or time changed."""
    if tool == "ledger":
        return any(folder.glob("*-checkpoints/.*.tmp-*"))
    for path in folder.glob("backup/**/*"):
        if path.is_file():
            stamp = path.stat()
            key = (stamp.st_mtime_ns, stamp.st_size)
            if since.get(path) not in (None, key):
                return True
            since[path] = key
    return False


def trial(tool: str, delays: List[float], write_kills: int, folder: Path) -> dict:
    """One job under one tool: kills aimed at checkpoint writes first, then at the given
    instants after start, each followed by a restart; once a process finishes, the job is
    done. A job still unfinished gets up to three more plain restarts."""
    arguments = ["--weights-out", "final.bin"]
    if tool == "ledger":
        arguments += ["--db", "ledger.sqlite", "--run", "cmp", "--checkpoint-every", "50"]
    else:
        arguments += ["--mode", "backup", "--backup-dir", "backup", "--save-freq", "50"]
    weights = folder / "final.bin"
    failed = kills = 0
    done: Optional[int] = None
    plan = [("write", 0.0)] * write_kills + [("delay", d) for d in delays] + [("finish", 0.0)] * 3
    for kind, value in plan:
        weights.unlink(missing_ok=True)
        process = start(arguments, folder)
        if kind == "delay":
            time.sleep(value)
        elif kind == "write":
            since: dict = {}
            deadline = time.monotonic() + 60
            while process.poll() is None and time.monotonic() < deadline and not written(folder, tool, since):
                time.sleep(0.0005)
        if kind != "finish" and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        _, error = process.communicate()
        if process.returncode == 0:
            done = iterations(error)
            break
        if process.returncode != -signal.SIGKILL:
            failed += 1
    return {"kills": kills, "failed": failed, "iterations": done, "weights": weights}


def rate(step: int) -> float:
    import numpy as np

    return float(np.float32(0.1) / (np.float32(1) + np.float32(0.5) * np.float32(step)))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=6, help="kills at random instants")
    parser.add_argument("--write-kills", type=int, default=4, help="kills aimed at checkpoint writes")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    chooser = random.Random(arguments.seed)
    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        (scratch_path / "ref").mkdir()
        began = time.monotonic()
        subprocess.run([sys.executable, "-c", "import keras, tensorflow"], check=True, capture_output=True)
        startup = time.monotonic() - began
        began = time.monotonic()
        reference = subprocess.run(
            [sys.executable, str(EXAMPLE), "--mode", "plain", "--weights-out", "final.bin"],
            cwd=scratch_path / "ref", capture_output=True, text=True, check=True,
        )
        whole = time.monotonic() - began
        # The same instants for both tools: between the end of start-up and the end of an
        # uninterrupted run, as measured just now on this machine.
        delays = [chooser.uniform(startup, max(whole, startup + 0.5)) for _ in range(arguments.kills)]
        expected = (scratch_path / "ref" / "final.bin").read_bytes()
        rows = []
        scenarios = [("random instants", 0), ("random + during checkpoint writes", arguments.write_kills)]
        for scenario, write_kills in scenarios:
            for tool in ("backup", "ledger"):
                folder = scratch_path / f"{tool}-{write_kills}"
                folder.mkdir()
                result = trial(tool, delays, write_kills, folder)
                done = result["iterations"]
                weights = result["weights"]
                rows.append(
                    (
                        scenario,
                        "BackupAndRestore(save_freq=50)" if tool == "backup" else "lrledger LedgerCallback",
                        result["kills"],
                        "never finished" if done is None else f"{done - TARGET:+d}",
                        "-" if done is None else f"{rate(done - 1) / rate(TARGET - 1):.3f}",
                        result["failed"],
                        "yes" if weights.exists() and weights.read_bytes() == expected else "no",
                    )
                )
    print(f"uninterrupted: {iterations(reference.stderr)} steps; each trial: {arguments.kills} kills at the same "
          f"random instants after start (seed {arguments.seed}), then {arguments.write_kills} aimed at checkpoint "
          "writes in the second scenario; a run is restarted until it finishes (3 tries)")
    header = ("kills at", "tool", "kills landed", "extra steps", "final rate / uninterrupted", "failed restarts",
              "weights equal")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
