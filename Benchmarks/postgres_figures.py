#!/usr/bin/env python3
"""The PostgreSQL store's figures for scripts/bench (`scripts/bench --only postgres`), each
against a baseline measured in the same run on the same server:

- postgres-logging: `lrledger train --db postgres://... --model none --log-every 1
  --checkpoint-every 1000` for 1,000,000 steps, against Benchmarks/baseline/pg_baseline.c
  (libpq, one autocommitted INSERT of 1,000 rows sent as two arrays per commit: the same
  rows and the same commit size, the fastest plain way). Paired, alternating; whole-process
  wall time; ratio lrledger / baseline. Target: >= 0.70.
- postgres-fleet: 8 trainers on 8 runs at once against the same server, their aggregate
  steps per second against one trainer's alone (same steps each). Reported, no target:
  it shows what the server's one write lock per ledger costs a fleet.

The server is a throwaway cluster (scripts/postgres-cluster) on its own port, started and
stopped here. Medians of --reps repetitions.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from figures import Failure, alternate, cpu_summary, machine, run, summary  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PORT = "54359"
CLUSTER_DIR = f"/tmp/lrledger-bench-postgres-{PORT}"


def cluster(*args: str) -> str:
    env = dict(os.environ, LRLEDGER_PG_PORT=PORT, LRLEDGER_PG_DIR=CLUSTER_DIR)
    result = subprocess.run([str(ROOT / "scripts/postgres-cluster"), *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise Failure(f"scripts/postgres-cluster {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout.strip()


def psql(url: str, sql: str) -> list[list[str]]:
    result = subprocess.run(["psql", url, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise Failure(f"psql: {result.stderr.strip()}")
    return [line.split("\t") for line in result.stdout.splitlines() if line]


class Server:
    def __init__(self):
        cluster("start")
        self.url = cluster("url")
        self.base = self.url.rsplit("/", 1)[0]
        self.count = 0

    def fresh_database(self, name: str) -> str:
        self.count += 1
        database = f"bench_{name}_{self.count}"
        psql(self.url, f"DROP DATABASE IF EXISTS {database}")
        psql(self.url, f"CREATE DATABASE {database}")
        return f"{self.base}/{database}"

    def drop(self, url: str) -> None:
        psql(self.url, f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]}")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def train_args(lrledger: str, url: str, run_name: str, steps: int) -> list[str]:
    return [lrledger, "train", "--db", url, "--run", run_name, "--steps", str(steps), "--model", "none",
            "--log-every", "1", "--checkpoint-every", "1000"]


def logging(args, server: Server, work: str) -> dict:
    n = args.steps
    ledger_rate, base_rate, ratios, ledger_cpu, base_cpu = [], [], [], [], []
    for rep in range(args.reps):
        ledger_url = server.fresh_database("ledger")
        base_url = server.fresh_database("baseline")
        ledger, base = alternate(
            rep,
            lambda: run(train_args(args.lrledger, ledger_url, "bench", n), work),
            lambda: run([args.baseline, "insert", base_url, str(n)], work))
        if rep == 0:
            ours = psql(ledger_url, "SELECT count(*), sum(step), sum(rate) FROM rate_history WHERE run = 'bench'")[0]
            theirs = psql(base_url, "SELECT count(*), sum(step), sum(rate) FROM pg_baseline_rate")[0]
            if ours[:2] != theirs[:2] or abs(float(ours[2]) - float(theirs[2])) > 1e-9:
                raise Failure(f"lrledger and the baseline stored different rows: {ours} vs {theirs}")
        ledger_rate.append(n / ledger.wall)
        base_rate.append(n / base.wall)
        ratios.append(base.wall / ledger.wall)
        ledger_cpu.append(ledger.cpu)
        base_cpu.append(base.cpu)
        log(f"postgres logging rep {rep}: lrledger {n / ledger.wall:,.0f} steps/s, "
            f"baseline {n / base.wall:,.0f} rows/s")
        server.drop(ledger_url)
        server.drop(base_url)
    return {
        "id": "postgres-logging", "title": f"Logging through PostgreSQL, {n:,} steps", "unit": "steps/s",
        "lrledger": summary(ledger_rate), "baseline": summary(base_rate), "ratio": summary(ratios),
        "cpu_seconds": cpu_summary(ledger_cpu, base_cpu, inverse=True),
        "target": {"text": ">= 0.70", "met": statistics.median(ratios) >= 0.7},
        "measures": "lrledger train --db postgres://... --model none --log-every 1 --checkpoint-every 1000, "
                    "against Benchmarks/baseline/pg_baseline insert (libpq, one INSERT of 1,000 rows as two "
                    "arrays per commit) on the same server; whole-process wall time; ratio lrledger / baseline",
    }


def fleet(args, server: Server, work: str) -> dict:
    n = args.fleet_steps
    trainers = 8
    single, aggregate, ratios = [], [], []
    for rep in range(args.reps):
        url = server.fresh_database("fleet")
        one = run(train_args(args.lrledger, url, "alone", n), work)
        start = time.perf_counter()
        folders = [tempfile.mkdtemp(prefix=f"trainer-{i}-", dir=work) for i in range(trainers)]
        processes = [subprocess.Popen(train_args(args.lrledger, url, f"fleet-{i}", n), cwd=folders[i],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                     for i in range(trainers)]
        for process in processes:
            _, error = process.communicate()
            if process.returncode != 0:
                raise Failure(f"a trainer of the fleet exited {process.returncode}: {error.strip()[-500:]}")
        wall = time.perf_counter() - start
        single.append(n / one.wall)
        aggregate.append(trainers * n / wall)
        ratios.append((trainers * n / wall) / (n / one.wall))
        log(f"postgres fleet rep {rep}: one trainer {n / one.wall:,.0f} steps/s, "
            f"{trainers} at once {trainers * n / wall:,.0f} steps/s together")
        server.drop(url)
    return {
        "id": "postgres-fleet", "title": f"{trainers} trainers on one server, {n:,} steps each", "unit": "steps/s",
        "lrledger": summary(aggregate), "baseline": summary(single), "ratio": summary(ratios),
        "target": {"text": "reported", "met": None},
        "measures": f"aggregate steps/s of {trainers} lrledger train processes (--model none --log-every 1 "
                    "--checkpoint-every 1000) on one database at once, against one alone; ratio aggregate / one",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lrledger", required=True)
    parser.add_argument("--baseline", required=True, help="the built pg_baseline")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reps", type=int)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    args.reps = args.reps or (3 if args.quick else 5)
    args.steps = 100_000 if args.quick else 1_000_000
    args.fleet_steps = 20_000 if args.quick else 200_000
    work = tempfile.mkdtemp(prefix="lrledger-bench-postgres-")
    before = machine()
    started = time.time()
    try:
        server = Server()
        figures = [logging(args, server, work), fleet(args, server, work)]
    except Failure as failure:
        print(f"bench: {failure}", file=sys.stderr)
        return 1
    finally:
        cluster("stop")
        subprocess.run(["rm", "-rf", work])
    result = {"version": 1, "mode": "quick" if args.quick else "full", "repetitions": args.reps,
              "seconds": round(time.time() - started, 1), "machine": before,
              "load_average_after": os.getloadavg(), "figures": figures}
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    for figure in figures:
        print(f"{figure['title']}: lrledger {figure['lrledger']['median']:,.0f} {figure['unit']}, "
              f"baseline {figure['baseline']['median']:,.0f}, ratio {figure['ratio']['median']:.2f} "
              f"({figure['ratio']['min']:.2f}-{figure['ratio']['max']:.2f}), target {figure['target']['text']}")
    print(f"load average {before['load_average'][0]:.2f} before, {result['load_average_after'][0]:.2f} after; "
          f"JSON: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
