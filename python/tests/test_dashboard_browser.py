"""The web dashboard (`lrledger serve`) in a real browser: headless Chromium driven by
Selenium, against a ledger built with the lrledger binary. It holds a run killed twice
with SIGKILL and resumed, a run with a schedule change, a run whose logged rate was
changed behind lrledger's back, a run named like a script, and a run training while the
pages are open. Screenshots go to .test-output/dashboard/."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

selenium = pytest.importorskip("selenium", reason="selenium is not installed (scripts/python-env installs it)")
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

REPOSITORY = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPOSITORY / ".test-output" / "dashboard"
XSS = "<script>alert(1)</script>"

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
)


def committed_step(db: Path, run: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            row = connection.execute("SELECT step FROM runs WHERE name = ?", (run,)).fetchone()
            return row[0] if row else 0
    except sqlite3.Error:
        return 0


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def train(binary: str, db: Path, *arguments: str) -> None:
    subprocess.run([binary, "train", "--db", str(db), *arguments], check=True, capture_output=True, timeout=300)


def train_and_kill(binary: str, db: Path, run: str, advance: int) -> None:
    """Starts a long --model none run, waits until it has committed `advance` more
    steps, and SIGKILLs it: the next attach closes its segment as crashed."""
    start = committed_step(db, run)
    process = subprocess.Popen(
        [binary, "train", "--db", str(db), "--run", run, "--model", "none", "--steps", "100000000",
         "--checkpoint-every", "1000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: committed_step(db, run) >= start + advance, 60, f"{run} to pass step {start + advance}", 0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="module")
def ledger(binary: str, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dashboard")
    db = folder / "lrledger.sqlite"
    # Killed twice, then finished: two restarts after crashed.
    train_and_kill(binary, db, "killed", 20000)
    train_and_kill(binary, db, "killed", 20000)
    train(binary, db, "--run", "killed", "--model", "none", "--steps", str(committed_step(db, "killed") + 20000))
    # A schedule change at step 1000.
    train(binary, db, "--run", "changed", "--model", "none", "--steps", "1000")
    train(binary, db, "--run", "changed", "--model", "none", "--steps", "2000", "--initial-learning-rate", "0.05",
          "--change-schedule")
    # A rate changed with SQL: the audit must find it.
    train(binary, db, "--run", "tampered", "--model", "none", "--steps", "1000")
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE rate_log SET rate = rate * 4 WHERE step = 500 AND run_id = (SELECT id FROM run WHERE name = 'tampered')")
    # A name that is a script if anything puts it in HTML.
    train(binary, db, "--run", XSS, "--model", "none", "--steps", "100")
    return db


@pytest.fixture(scope="module")
def server(binary: str, ledger: Path):
    process = subprocess.Popen([binary, "serve", "--db", str(ledger), "--listen", "127.0.0.1:0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert line.startswith("serving "), (line, process.stderr.read() if process.poll() is not None else "")
    url = line.split(" at ", 1)[1].split(" ", 1)[0].rstrip("/")
    yield url
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    log = process.stderr.read()
    assert "path=/api/runs" in log and "status=200" in log, log[-2000:]


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1800",
                     "--disable-gpu"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def no_alert(driver) -> bool:
    try:
        driver.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def rows(driver) -> dict:
    """The runs table as {name: [cell texts]}, read in one script call (the page redraws
    the table every two seconds, so elements found one by one can go stale)."""
    table = driver.execute_script(
        "return Array.from(document.querySelectorAll('#runs tbody tr'))"
        ".map(row => Array.from(row.cells).map(cell => cell.textContent))")
    return {cells[0]: cells for cells in table}


def text_of(driver, element_id: str) -> str:
    return driver.execute_script(
        "const node = document.getElementById(arguments[0]); return node ? node.textContent : ''", element_id)


def severe_console_errors(driver) -> list:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_runs_page_lists_runs_with_status_restarts_and_audit(server, browser):
    browser.get(server + "/")
    table = wait_for(lambda: (lambda r: r if len(r) == 4 else None)(rows(browser)), 20, "four runs in the table")
    assert table["killed"][1] == "finished"
    assert table["killed"][4] == "2"
    assert table["changed"][4] == "1"
    wait_for(lambda: rows(browser)["killed"][5] == "clean", 30, "the audit verdict of killed")
    assert "finding" in rows(browser)["tampered"][5]
    assert rows(browser)[XSS][0] == XSS, "the script-like name is shown as text"
    assert no_alert(browser)
    browser.save_screenshot(str(SCREENSHOTS / "runs.png"))
    # Sorting and filtering happen in the page.
    browser.find_element(By.CSS_SELECTOR, "th[data-key=name]").click()
    names = [row.find_element(By.TAG_NAME, "td").text for row in browser.find_elements(By.CSS_SELECTOR, "#runs tbody tr")]
    assert names == sorted(names)
    browser.find_element(By.ID, "filter").send_keys("tamp")
    wait_for(lambda: list(rows(browser)) == ["tampered"], 5, "the filter to keep only tampered")
    assert severe_console_errors(browser) == []


def test_run_page_marks_each_restart_and_schedule_change(server, browser):
    browser.get(server + "/runs/killed")
    restarts = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#rate-chart .mark-restart"), 20, "restart marks")
    assert len(restarts) == 2
    labels = [mark.find_element(By.TAG_NAME, "text").text for mark in restarts]
    assert labels == ["restart after crashed", "restart after crashed"]
    assert browser.find_elements(By.CSS_SELECTOR, "#rate-chart .mark-schedule") == []
    wait_for(lambda: "clean" in text_of(browser, "audit-verdict"), 30, "the audit verdict")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#segments tbody tr")) == 3
    browser.save_screenshot(str(SCREENSHOTS / "run-killed.png"))

    browser.get(server + "/runs/changed?scale=log")
    changes = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#rate-chart .mark-schedule"), 20, "schedule marks")
    assert len(changes) == 1
    assert changes[0].get_attribute("data-step") == "1000"
    assert "schedule change" in changes[0].find_element(By.TAG_NAME, "text").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#schedules tbody tr")) == 2
    browser.save_screenshot(str(SCREENSHOTS / "run-changed.png"))
    assert severe_console_errors(browser) == []


def test_run_page_fits_a_narrow_window(server, browser):
    """A long event message (the schedule's JSON, one word) wraps instead of widening
    the page past the window."""
    browser.set_window_size(1000, 1800)
    try:
        browser.get(server + "/runs/killed")
        wait_for(lambda: "keras.optimizers.schedules" in text_of(browser, "events"), 20, "the events table")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the run page scrolls sideways by {overflow} px in a 1000 px window"
    finally:
        browser.set_window_size(1400, 1800)


def test_audit_panel_shows_the_tampered_rate(server, browser):
    browser.get(server + "/runs/tampered")
    wait_for(lambda: "finding" in text_of(browser, "audit-verdict"), 30, "the audit verdict")
    points = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#audit-chart .mark-finding"), 10, "a finding mark")
    assert [point.get_attribute("data-step") for point in points] == ["500"]
    browser.save_screenshot(str(SCREENSHOTS / "run-tampered.png"))


def test_script_named_run_is_text(server, browser):
    browser.get(server + "/")
    link = wait_for(lambda: [a for a in browser.find_elements(By.CSS_SELECTOR, "#runs td.name a") if a.text == XSS], 20,
                    "the link to the script-named run")
    link[0].click()
    wait_for(lambda: text_of(browser, "run-name") == XSS, 20, "the run's name as the heading")
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#rate-chart path.band"), 20, "the rate chart")
    assert no_alert(browser)
    assert browser.execute_script("return document.querySelectorAll('script').length") == 3
    browser.save_screenshot(str(SCREENSHOTS / "run-script-name.png"))


def test_compare_overlays_runs(server, browser):
    browser.get(server + "/runs/changed?compare=tampered")
    bands = wait_for(lambda: (lambda b: b if len(b) == 2 else None)(
        browser.find_elements(By.CSS_SELECTOR, "#rate-chart path.band")), 20, "two series")
    assert [band.get_attribute("data-series") for band in bands] == ["changed", "tampered"]
    browser.save_screenshot(str(SCREENSHOTS / "run-compare.png"))


def test_pages_update_while_a_trainer_runs(binary, ledger, server, browser):
    trainer = subprocess.Popen(
        [binary, "train", "--db", str(ledger), "--run", "live", "--model", "softmax", "--steps", "100000000",
         "--checkpoint-every", "2000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: committed_step(ledger, "live") > 0, 30, "the live run to commit")
        browser.get(server + "/")
        first = wait_for(lambda: rows(browser).get("live"), 20, "the live run in the table")
        assert first[1] == "running"
        start = int(first[2].split(" / ")[0].replace(",", ""))
        wait_for(lambda: int(rows(browser)["live"][2].split(" / ")[0].replace(",", "")) > start, 20,
                 "the step shown to increase without a reload")

        browser.get(server + "/runs/live")
        shown = lambda: int(text_of(browser, "step-value").replace(",", "") or 0)
        wait_for(lambda: shown() > 0, 20, "the run page's step")
        before = shown()
        wait_for(lambda: shown() > before, 20, "the run page's step to increase without a reload")
        browser.save_screenshot(str(SCREENSHOTS / "run-live.png"))
    finally:
        trainer.send_signal(signal.SIGTERM)
        trainer.wait(timeout=30)
    browser.get(server + "/")
    wait_for(lambda: rows(browser).get("live", [None, None])[1] == "interrupted", 20, "the stopped run's status")


def test_token_is_required_beyond_loopback(binary, ledger):
    token_file = ledger.parent / "token"
    token_file.write_text("correct-horse-battery-staple\n")
    refused = subprocess.run([binary, "serve", "--db", str(ledger), "--listen", "0.0.0.0:0"],
                             capture_output=True, text=True, timeout=30)
    assert refused.returncode != 0
    assert refused.stderr.count("\n") == 1 and "needs --token" in refused.stderr
    process = subprocess.Popen([binary, "serve", "--db", str(ledger), "--listen", "127.0.0.1:0", "--token-file",
                                str(token_file)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = process.stdout.readline().split(" at ", 1)[1].split(" ", 1)[0].rstrip("/")
        with pytest.raises(urllib.error.HTTPError) as refused_request:
            urllib.request.urlopen(url + "/api/runs", timeout=10)
        assert refused_request.value.code == 401
        request = urllib.request.Request(url + "/api/runs",
                                         headers={"Authorization": "Bearer correct-horse-battery-staple"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
