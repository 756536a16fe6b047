#!/usr/bin/env python3
"""The dashboard's figures for scripts/bench (`scripts/bench --only serve`), each against
a baseline measured in the same run on the same rows:

- serve-series: `GET /api/runs/bench/series` over the whole of a 10,000,000-step run at
  2,000 buckets, through `lrledger serve` on loopback (HTTP and JSON included), against
  a plain scan of the same range in the same file (`SELECT count(*), sum(rate) FROM
  rate_log WHERE run_id = ? AND step BETWEEN ? AND ?`, SQLite's C loop, no bucketing).
  Also a zoomed view (100,000 steps) at 2,000 buckets. Target: <= 100 ms for the whole run.
- serve-page: the run page of the same run in headless Chromium (Selenium), from the
  navigation to the rate chart drawn (its SVG band in the document), with the ledger's
  audit already cached. Target: <= 1 s.

Medians of --reps repetitions; numbers in the output, never pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path


def build_run(lrledger: str, db: str, steps: int) -> float:
    start = time.perf_counter()
    subprocess.run([lrledger, "train", "--db", db, "--run", "bench", "--model", "none", "--steps", str(steps),
                    "--checkpoint-every", "1000000"], check=True, capture_output=True)
    return time.perf_counter() - start


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=600) as response:
        return response.read()


def timed(function, reps: int) -> list:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def scan(db: str, first: int, last: int) -> None:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        run_id = connection.execute("SELECT id FROM run WHERE name = 'bench'").fetchone()[0]
        count, _ = connection.execute(
            "SELECT count(*), sum(rate) FROM rate_log WHERE run_id = ? AND step BETWEEN ? AND ?",
            (run_id, first, last)).fetchone()
        assert count == last - first + 1, count


def page_figure(url: str, reps: int) -> dict:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
    except ImportError:
        return {"figure": "serve-page", "skipped": "selenium is not installed"}
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        return {"figure": "serve-page", "skipped": "chromium or chromedriver is not installed"}
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    times = []
    try:
        for _ in range(reps):
            driver.get("about:blank")
            start = time.perf_counter()
            driver.get(url)
            while not driver.find_elements(By.CSS_SELECTOR, "#rate-chart path.band"):
                time.sleep(0.005)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        driver.quit()
    return {"figure": "serve-page", "page_ms": statistics.median(times), "page_ms_all": times, "target_ms": 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lrledger", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1,000,000 steps instead of 10,000,000")
    arguments = parser.parse_args()
    steps = 1_000_000 if arguments.quick else 10_000_000
    reps = 3 if arguments.quick else arguments.reps
    with tempfile.TemporaryDirectory() as folder:
        db = os.path.join(folder, "bench.sqlite")
        print(f"[bench] serve: training a {steps:,}-step run (--model none)", flush=True)
        build_seconds = build_run(arguments.lrledger, db, steps)
        server = subprocess.Popen([arguments.lrledger, "serve", "--db", db, "--listen", "127.0.0.1:0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            base = server.stdout.readline().split(" at ", 1)[1].split(" ", 1)[0].rstrip("/")
            whole = f"{base}/api/runs/bench/series?from=0&to={steps - 1}&buckets=2000"
            middle = steps // 2
            zoom = f"{base}/api/runs/bench/series?from={middle}&to={middle + 99_999}&buckets=2000"
            body = json.loads(fetch(whole))
            # Buckets of 1,024 steps or more fall on multiples of 1,024: 1,954 of 5,120 steps here.
            assert 0 < len(body["buckets"]) <= 2000 and sum(b["count"] for b in body["buckets"]) == steps
            series_ms = timed(lambda: fetch(whole), reps)
            zoom_ms = timed(lambda: fetch(zoom), reps)
            scan_ms = timed(lambda: scan(db, 0, steps - 1), reps)
            zoom_scan_ms = timed(lambda: scan(db, middle, middle + 99_999), reps)
            fetch(f"{base}/api/runs/bench/audit")  # cached for the page
            page = page_figure(f"{base}/runs/bench", reps)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    series = {
        "figure": "serve-series", "steps": steps, "buckets": 2000, "train_s": build_seconds,
        "series_ms": statistics.median(series_ms), "plain_scan_ms": statistics.median(scan_ms),
        "ratio_series_to_scan": statistics.median(series_ms) / statistics.median(scan_ms),
        "zoom_100k_ms": statistics.median(zoom_ms), "zoom_100k_plain_scan_ms": statistics.median(zoom_scan_ms),
        "target_ms": 100, "series_ms_all": series_ms, "plain_scan_ms_all": scan_ms,
    }
    print(f"serve-series  whole run ({steps:,} steps, 2,000 buckets): {series['series_ms']:.0f} ms "
          f"(target <= 100 ms); plain scan of the same range {series['plain_scan_ms']:.0f} ms; "
          f"ratio {series['ratio_series_to_scan']:.2f}")
    print(f"serve-series  zoomed view (100,000 steps, 2,000 buckets): {series['zoom_100k_ms']:.1f} ms; "
          f"plain scan {series['zoom_100k_plain_scan_ms']:.1f} ms")
    if "page_ms" in page:
        print(f"serve-page    run page drawn in headless Chromium: {page['page_ms']:.0f} ms (target <= 1000 ms)")
    else:
        print(f"serve-page    not measured: {page['skipped']}")
    Path(arguments.output).parent.mkdir(parents=True, exist_ok=True)
    Path(arguments.output).write_text(json.dumps({"figures": [series, page]}, indent=2) + "\n")
    print(f"[bench] wrote {arguments.output}")


if __name__ == "__main__":
    main()
