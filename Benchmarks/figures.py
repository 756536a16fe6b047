#!/usr/bin/env python3
"""Measures lrledger's figures against baselines measured in the same run.

Called by scripts/bench after it has built everything; run that instead. Each
figure runs lrledger and its baseline alternately (which one goes first swaps every
repetition, so a slow stretch of a shared machine falls on both sides), each
repetition in a fresh temporary folder, and reports the median, min and max of
each side and of the per-repetition ratio. Processes are timed from outside, from
spawn to exit, so both sides pay for starting up and closing their database.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

RUN = "bench"

SCALES = {
    "full": dict(
        logging_steps=1_000_000, history_steps=10_000_000, small_history_steps=1_000,
        softmax_steps=200_000, schedule_steps=1_000_000, schedule_passes=100, reps=5),
    "quick": dict(
        logging_steps=100_000, history_steps=1_000_000, small_history_steps=1_000,
        softmax_steps=20_000, schedule_steps=1_000_000, schedule_passes=10, reps=3),
}


class Failure(Exception):
    pass


# MARK: - Running and timing processes

class Result:
    def __init__(self, wall, cpu, started_at, stdout, stderr, status):
        self.wall = wall              # seconds from spawn to exit
        self.cpu = cpu                # user + system seconds of the process
        self.started_at = started_at  # time.time() just before spawn
        self.stdout = stdout
        self.stderr = stderr
        self.status = status

    def json(self):
        line = self.stdout.strip().splitlines()[-1] if self.stdout.strip() else ""
        try:
            return json.loads(line)
        except ValueError:
            raise Failure(f"expected a JSON line, got {self.stdout!r}")


def run(argv, cwd, check=True):
    """Runs argv in cwd; returns its wall and CPU time. Output goes to files, not pipes,
    so that a chatty process is never slowed by a full pipe."""
    out_path = os.path.join(cwd, ".stdout")
    err_path = os.path.join(cwd, ".stderr")
    with open(out_path, "w") as out, open(err_path, "w") as err:
        started_at = time.time()
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    with open(out_path) as f:
        stdout = f.read()
    with open(err_path) as f:
        stderr = f.read()
    result = Result(wall, usage.ru_utime + usage.ru_stime, started_at, stdout, stderr, process.returncode)
    if check and process.returncode != 0:
        raise Failure(f"{' '.join(argv)} exited {process.returncode}: {stderr.strip()[-2000:]}")
    return result


def fresh_dir(root, name):
    path = tempfile.mkdtemp(prefix=name + "-", dir=root)
    return path


def db_bytes(path):
    """Bytes on disk of a database: the file and its WAL, if one is left."""
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))


def copy_db(source, folder):
    """Copies a database into folder and flushes the copy to disk, so that the measured
    process does not pay, in its closing checkpoint's fsync, for writing back the copy."""
    target = os.path.join(folder, os.path.basename(source))
    for suffix in ("", "-wal"):
        if os.path.exists(source + suffix):
            shutil.copyfile(source + suffix, target + suffix)
            with open(target + suffix, "rb+") as f:
                os.fsync(f.fileno())
    return target


def query(path, sql, *args):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def iso_to_epoch(text):
    """The ledger's times, 2026-11-25T09:12:03.123Z, as seconds since 1970."""
    moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


# MARK: - Statistics

def summary(samples):
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "samples": samples}


def cpu_summary(ours, theirs, inverse=False):
    """User + system CPU seconds of each side, and their per-repetition ratio (theirs / ours
    when inverse, for figures where higher is better), which another busy process on
    the machine disturbs less than wall time."""
    pairs = zip(ours, theirs)
    ratios = [(b / a if inverse else a / b) if min(a, b) > 0 else float("nan") for a, b in pairs]
    return {"lrledger": summary(ours), "baseline": summary(theirs), "ratio": summary(ratios)}


def alternate(rep, first, second):
    """Runs first then second on even repetitions, second then first on odd ones."""
    if rep % 2 == 0:
        return first(), second()
    b = second()
    a = first()
    return a, b


# MARK: - Figures

class Bench:
    def __init__(self, args, scale):
        self.args = args
        self.scale = scale
        self.reps = args.reps or scale["reps"]
        self.root = args.work
        self.lrledger = args.lrledger
        self.baseline = args.baseline
        self.tool = args.tool
        self.history = None  # (big db, small db), built once for resume and audit
        self.notes = []

    def log(self, message):
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    def train(self, db, steps, *extra, cwd):
        return run([self.lrledger, "train", "--db", db, "--run", RUN, "--steps", str(steps), *extra], cwd)

    # 1 and 4: logging throughput and disk cost, from the same runs.
    def logging_and_disk(self):
        n = self.scale["logging_steps"]
        ledger_rate, base_rate, ratios = [], [], []
        ledger_bytes, base_bytes = [], []
        ledger_cpu, base_cpu = [], []
        for rep in range(self.reps):
            folder = fresh_dir(self.root, f"logging-{rep}")
            ledger_db = os.path.join(folder, "ledger.sqlite")
            base_db = os.path.join(folder, "baseline.sqlite")
            ledger, base = alternate(
                rep,
                lambda: self.train(ledger_db, n, "--model", "none", "--log-every", "1",
                                   "--checkpoint-every", "1000", cwd=folder),
                lambda: run([self.baseline, "insert", base_db, str(n)], folder))
            ledger_rate.append(n / ledger.wall)
            base_rate.append(n / base.wall)
            ratios.append(base.wall / ledger.wall)
            ledger_cpu.append(ledger.cpu)
            base_cpu.append(base.cpu)
            ledger_bytes.append(db_bytes(ledger_db) / n)
            base_bytes.append(db_bytes(base_db) / n)
            if rep == 0:
                self.check_same_rows(ledger_db, base_db, n)
            self.log(f"logging rep {rep}: lrledger {n / ledger.wall:,.0f} steps/s, "
                     f"baseline {n / base.wall:,.0f} rows/s")
            if not self.args.keep:
                shutil.rmtree(folder)
        logging = {
            "id": "logging", "title": f"Logging throughput, {n:,} steps", "unit": "steps/s",
            "lrledger": summary(ledger_rate), "baseline": summary(base_rate), "ratio": summary(ratios),
            "cpu_seconds": cpu_summary(ledger_cpu, base_cpu, inverse=True),
            "target": {"text": ">= 0.80", "met": statistics.median(ratios) >= 0.8},
            "measures": "lrledger train --model none --log-every 1 --checkpoint-every 1000, against "
                        "Benchmarks/baseline insert (one prepared INSERT, COMMIT every 1,000 rows, WAL, "
                        "synchronous=NORMAL); whole-process wall time, steps / second; ratio lrledger / baseline",
        }
        disk = {
            "id": "disk", "title": f"Disk cost, {n:,} steps", "unit": "bytes/step",
            "lrledger": summary(ledger_bytes), "baseline": summary(base_bytes),
            "ratio": summary([a / b for a, b in zip(ledger_bytes, base_bytes)]),
            "target": {"text": "<= 1.10", "met": statistics.median(ledger_bytes) / statistics.median(base_bytes) <= 1.1},
            "measures": "size of the database file (and WAL, if any) after the logging runs above exit, "
                        "divided by the steps logged; ratio lrledger / baseline",
        }
        return [logging, disk]

    def check_same_rows(self, ledger_db, base_db, n):
        ledger = query(ledger_db, "SELECT count(*), sum(step), sum(rate) FROM rate_log "
                                  "WHERE run_id = (SELECT id FROM run WHERE name = ?)", RUN)[0]
        base = query(base_db, "SELECT count(*), sum(step), sum(rate) FROM rate")[0]
        if ledger != base or ledger[0] != n:
            raise Failure(f"the ledger and the baseline hold different rows: {ledger} vs {base}")

    def build_history(self):
        """The 10M-step and 1,000-step runs that resume and audit measure, built once."""
        if self.history:
            return self.history
        folder = fresh_dir(self.root, "history")
        built = []
        for name, steps in (("big", self.scale["history_steps"]), ("small", self.scale["small_history_steps"])):
            db = os.path.join(folder, f"{name}.sqlite")
            self.log(f"building the {steps:,}-step run for resume and audit")
            result = self.train(db, steps, "--model", "none", "--log-every", "1",
                                "--checkpoint-every", str(min(100_000, steps)), cwd=folder)
            self.log(f"  built in {result.wall:.1f} s ({steps / result.wall:,.0f} steps/s), "
                     f"{db_bytes(db) / steps:.1f} bytes/step")
            built.append((db, steps))
        self.history = built
        return built

    def resume_once(self, source, steps, rep, label):
        folder = fresh_dir(self.root, f"resume-{label}-{rep}")
        db = copy_db(source, folder)
        result = self.train(db, steps + 1, "--checkpoint-every", "1", cwd=folder)
        rows = query(db, "SELECT c.created_at, r.step FROM checkpoints AS c JOIN runs AS r ON r.name = c.run "
                         "WHERE c.run = ? AND c.step = ?", RUN, steps + 1)
        if not rows or rows[0][1] != steps + 1:
            raise Failure(f"the resumed {label} run did not commit step {steps + 1}: {rows}")
        first_commit = iso_to_epoch(rows[0][0]) - result.started_at
        if not self.args.keep:
            shutil.rmtree(folder)
        return first_commit, result.wall, result.cpu

    # 2: resume cost.
    def resume(self):
        (big, big_steps), (small, small_steps) = self.build_history()
        big_ms, small_ms, ratios, big_wall, small_wall, big_cpu, small_cpu = [], [], [], [], [], [], []
        # A resume takes some 20 ms, which a build on the other core can double: three
        # times the repetitions keep the median steady. They are cheap.
        for rep in range(3 * self.reps):
            (b, bw, bc), (s, sw, sc) = alternate(
                rep, lambda: self.resume_once(big, big_steps, rep, "big"),
                lambda: self.resume_once(small, small_steps, rep, "small"))
            big_ms.append(b * 1000)
            small_ms.append(s * 1000)
            ratios.append(b / s)
            big_wall.append(bw * 1000)
            small_wall.append(sw * 1000)
            big_cpu.append(bc)
            small_cpu.append(sc)
            self.log(f"resume rep {rep}: {big_steps:,}-step history {b * 1000:.1f} ms "
                     f"(process {bw * 1000:.1f} ms), {small_steps:,}-step {s * 1000:.1f} ms "
                     f"(process {sw * 1000:.1f} ms)")
        median_ratio = statistics.median(ratios)
        median_big = statistics.median(big_ms)
        return [{
            "id": "resume", "title": f"Resume cost, {big_steps:,} vs {small_steps:,} steps of history", "unit": "ms",
            "lrledger": summary(big_ms), "baseline": summary(small_ms), "ratio": summary(ratios),
            "process_ms": {"lrledger": summary(big_wall), "baseline": summary(small_wall),
                           "ratio": summary([a / b for a, b in zip(big_wall, small_wall)])},
            "cpu_seconds": cpu_summary(big_cpu, small_cpu),
            "target": {"text": "<= 1.20 and < 50 ms", "met": median_ratio <= 1.2 and median_big < 50},
            "measures": "process start (spawn) to the first committed step of `lrledger train --steps N+1 "
                        "--checkpoint-every 1` on a copy of a finished N-step run, read from the committed "
                        "checkpoint's created_at (millisecond clock); lrledger column: N = the big history, "
                        "baseline column: N = 1,000; ratio big / small. process_ms: whole process, spawn to exit",
        }]

    # 3: audit throughput.
    def audit(self):
        (big, big_steps), _ = self.build_history()
        listed = run([self.lrledger, "--help"], self.root).stdout
        if not any(line.strip().startswith("audit ") for line in listed.splitlines()):
            self.log("lrledger audit is not in this build; skipping the audit figure")
            return [{"id": "audit", "title": f"Audit throughput, {big_steps:,} steps", "unit": "steps/s",
                     "unavailable": "lrledger audit is not in this build (not listed by lrledger --help)",
                     "target": {"text": ">= 0.50", "met": None}}]
        audit_rate, scan_rate, ratios, audit_cpu, scan_cpu = [], [], [], [], []
        for rep in range(self.reps):
            folder = fresh_dir(self.root, f"audit-{rep}")
            audit, scan = alternate(
                rep, lambda: run([self.lrledger, "audit", "--db", big, RUN], folder),
                lambda: run([self.baseline, "scan-ledger", big, RUN], folder))
            rows = scan.json()["rows"]
            if rows != big_steps:
                raise Failure(f"the baseline scan read {rows} rows, expected {big_steps}")
            audit_rate.append(big_steps / audit.wall)
            scan_rate.append(big_steps / scan.wall)
            ratios.append(scan.wall / audit.wall)
            audit_cpu.append(audit.cpu)
            scan_cpu.append(scan.cpu)
            self.log(f"audit rep {rep}: lrledger audit {big_steps / audit.wall:,.0f} steps/s, "
                     f"baseline scan {big_steps / scan.wall:,.0f} rows/s")
            if not self.args.keep:
                shutil.rmtree(folder)
        return [{
            "id": "audit", "title": f"Audit throughput, {big_steps:,} steps", "unit": "steps/s",
            "lrledger": summary(audit_rate), "baseline": summary(scan_rate), "ratio": summary(ratios),
            "cpu_seconds": cpu_summary(audit_cpu, scan_cpu, inverse=True),
            "target": {"text": ">= 0.50", "met": statistics.median(ratios) >= 0.5},
            "measures": "lrledger audit RUN (recompute and check every logged rate) against Benchmarks/baseline "
                        "scan-ledger (a plain SELECT of the same rate_log rows, summing them), on the big "
                        "history run; whole-process wall time; ratio lrledger / baseline",
        }]

    # 5: trainer overhead.
    def trainer_overhead(self):
        n = self.scale["softmax_steps"]
        shares, train_rate, model_rate = [], [], []
        for rep in range(self.reps):
            folder = fresh_dir(self.root, f"softmax-{rep}")
            db = os.path.join(folder, "ledger.sqlite")
            train, model = alternate(
                rep, lambda: self.train(db, n, "--model", "softmax", "--seed", "0", cwd=folder),
                lambda: run([self.tool, "model", "--steps", str(n), "--seed", "0"], folder))
            measured = model.json()
            stored = query(db, "SELECT sha256 FROM checkpoints WHERE run = ? AND step = ?", RUN, n)
            if not stored or stored[0][0] != measured["state_sha256"]:
                raise Failure(f"the model-only run ended in another state than lrledger's: "
                              f"{measured['state_sha256']} vs {stored}")
            shares.append(1 - measured["seconds"] / train.wall)
            train_rate.append(n / train.wall)
            model_rate.append(n / measured["seconds"])
            self.log(f"softmax rep {rep}: lrledger train {n / train.wall:,.0f} steps/s, "
                     f"model arithmetic alone {n / measured['seconds']:,.0f} steps/s")
            if not self.args.keep:
                shutil.rmtree(folder)
        return [{
            "id": "trainer", "title": f"Trainer overhead, softmax, {n:,} steps", "unit": "steps/s",
            "lrledger": summary(train_rate), "baseline": summary(model_rate), "ratio": summary(shares),
            "ratio_is": "share of lrledger's wall time spent outside the model's arithmetic",
            "target": {"text": "(none)", "met": None},
            "measures": "lrledger train --model softmax (defaults: --log-every 1 --checkpoint-every 100), whole "
                        "process, against the same N model updates timed alone in-process "
                        "(Benchmarks lrledger-bench-tool model; its final state's SHA-256 must equal lrledger's "
                        "checkpoint); ratio = 1 - model time / lrledger wall time",
        }]

    # 6: schedule evaluation.
    def schedule(self):
        steps, passes = self.scale["schedule_steps"], self.scale["schedule_passes"]
        swift, c, ratios, concrete, per_call = [], [], [], [], []
        for rep in range(self.reps):
            folder = fresh_dir(self.root, f"schedule-{rep}")
            ours, base = alternate(
                rep, lambda: run([self.tool, "schedule", "--steps", str(steps), "--passes", str(passes)], folder),
                lambda: run([self.baseline, "rates", str(steps), str(passes)], folder))
            ours, base = ours.json(), base.json()
            if ours["rate_sum"] != base["rate_sum"]:
                raise Failure(f"Swift and C schedules disagree: {ours['rate_sum']} vs {base['rate_sum']}")
            swift.append(ours["block_rates_per_second"])
            per_call.append(ours["rates_per_second"])
            concrete.append(ours["concrete_rates_per_second"])
            c.append(base["rows_per_second"])
            ratios.append(ours["block_rates_per_second"] / base["rows_per_second"])
            self.log(f"schedule rep {rep}: lrledger {ours['block_rates_per_second'] / 1e6:,.0f} M rates/s "
                     f"(one call per rate {ours['rates_per_second'] / 1e6:,.0f} M, "
                     f"concrete type {ours['concrete_rates_per_second'] / 1e6:,.0f} M), "
                     f"C {base['rows_per_second'] / 1e6:,.0f} M")
            if not self.args.keep:
                shutil.rmtree(folder)
        return [{
            "id": "schedule", "title": f"Schedule evaluation, {steps:,} steps x {passes}", "unit": "rates/s",
            "lrledger": summary(swift), "baseline": summary(c), "ratio": summary(ratios),
            "concrete_type": summary(concrete), "one_call_per_rate": summary(per_call),
            "target": {"text": ">= 100M rates/s", "met": statistics.median(swift) >= 100e6},
            "measures": "InverseTimeDecay(0.1, 1.0, 0.5) float32 decoded from its Keras JSON and evaluated through "
                        "`any LearningRateSchedule` in blocks of 1,024 (`rates(from:into:)`) as the trainer does, "
                        "one core, in-process timing, against "
                        "the same formula in C (Benchmarks/baseline rates); the sums must match bit for bit",
        }]


# MARK: - Report

def machine():
    cpu, mhz = "unknown", None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and cpu == "unknown":
                    cpu = line.split(":", 1)[1].strip()
                elif line.startswith("cpu MHz") and mhz is None:
                    mhz = round(float(line.split(":", 1)[1]))
    except (OSError, ValueError):
        pass
    if mhz:
        cpu += f" ({mhz} MHz)"
    memory = "unknown"
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "memory": memory,
            "kernel": platform.release(), "load_average": os.getloadavg()}


def number(value, unit):
    if unit in ("steps/s", "rates/s"):
        if value >= 10e6:
            return f"{value / 1e6:.0f}M"
        if value >= 1e6:
            return f"{value / 1e6:.2f}M"
        return f"{value / 1e3:.0f}k"
    if unit == "ms":
        return f"{value:.1f}"
    if unit == "bytes/step":
        return f"{value:.2f}"
    return f"{value:.3g}"


def cell(stats, unit):
    return f"{number(stats['median'], unit)} ({number(stats['min'], unit)}–{number(stats['max'], unit)})"


def ratio_cell(figure):
    stats = figure["ratio"]
    if figure["id"] == "trainer":
        return f"{stats['median']:.1%} ({stats['min']:.1%}–{stats['max']:.1%}) outside"
    return f"{stats['median']:.2f} ({stats['min']:.2f}–{stats['max']:.2f})"


def table(figures):
    header = ["figure", "n", "unit", "lrledger", "baseline", "ratio", "target", "met?"]
    rows = []
    for figure in figures:
        met = figure["target"]["met"]
        verdict = "—" if met is None else ("yes" if met else "NO")
        if "unavailable" in figure:
            rows.append([figure["title"], "0", figure["unit"], "n/a", "n/a", "n/a", figure["target"]["text"], "n/a"])
            continue
        n = str(len(figure["ratio"]["samples"]))
        rows.append([figure["title"], n, figure["unit"], cell(figure["lrledger"], figure["unit"]),
                     cell(figure["baseline"], figure["unit"]), ratio_cell(figure), figure["target"]["text"], verdict])
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lrledger", required=True)
    parser.add_argument("--baseline", required=True)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reps", type=int)
    parser.add_argument("--only", help="comma-separated: logging,resume,audit,trainer,schedule")
    parser.add_argument("--output", required=True)
    parser.add_argument("--work", help="folder for temporary databases (default: a new one under TMPDIR)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary databases")
    parser.add_argument("--meta", default="{}", help="JSON merged into the result (commit, versions)")
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    scale = SCALES[mode]
    if args.reps is not None and args.reps < 1:
        parser.error("--reps must be at least 1")
    made_work = args.work is None
    args.work = args.work or tempfile.mkdtemp(prefix="lrledger-bench-")
    os.makedirs(args.work, exist_ok=True)
    bench = Bench(args, scale)
    chosen = (args.only or "logging,resume,audit,trainer,schedule").split(",")
    steps = {"logging": bench.logging_and_disk, "resume": bench.resume, "audit": bench.audit,
             "trainer": bench.trainer_overhead, "schedule": bench.schedule}
    unknown = [name for name in chosen if name not in steps]
    if unknown:
        parser.error(f"unknown figure {unknown[0]}; choose from {', '.join(steps)}")
    before = machine()
    started = datetime.datetime.now(datetime.timezone.utc)
    figures = []
    try:
        for name in chosen:
            figures += steps[name]()
    except Failure as failure:
        print(f"bench: {failure}", file=sys.stderr)
        return 1
    finally:
        if made_work and not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)
    order = ["logging", "resume", "audit", "disk", "trainer", "schedule"]
    figures.sort(key=lambda f: order.index(f["id"]))
    result = {
        "version": 1, "mode": mode, "repetitions": bench.reps, "scale": scale,
        "started_at": started.isoformat(timespec="seconds"),
        "seconds": round((datetime.datetime.now(datetime.timezone.utc) - started).total_seconds(), 1),
        "machine": before, "load_average_after": os.getloadavg(),
        **json.loads(args.meta), "figures": figures, "table": table(figures),
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(result["table"])
    print()
    m = result["machine"]
    print(f"{mode} run, n repetitions each (paired, alternating), median (min–max); {m['cores']} cores, {m['cpu']}, {m['memory']}; "
          f"load average {before['load_average'][0]:.2f} before, {result['load_average_after'][0]:.2f} after; "
          f"{result['seconds']:.0f} s")
    cpu = [f"{f['id']} {f['cpu_seconds']['ratio']['median']:.2f}" for f in figures if "cpu_seconds" in f]
    if cpu:
        print("The same ratios from user+system CPU time, which other load on the machine disturbs less: "
              + ", ".join(cpu))
    print(f"JSON: {args.output}")
    if args.keep:
        print(f"Databases kept in {args.work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
