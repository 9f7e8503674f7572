"""The customer portal in a real browser (issue 25): headless Chromium (the distribution's package, driven by
Selenium through chromedriver) against a real `crmterm serve` on a temporary SQLite demo database, walking
log-in with a one-time code from the outbox → new request → comment → (an agent closes it) → rating, with no
JavaScript of ours. A screenshot of the rated inquiry is saved in test-artifacts/portal/.

Without Chromium this is skipped (failed under CI, where .ci/run installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_demo
from helpers import SUPERVISOR, act
from portal_support import codes_sent
from test_api_serve import _free_port, _wait_for

from crmterm.services.inquiries import inquiry_actions
from crmterm.store.db import dispose_all

ARTIFACTS = Path("test-artifacts") / "portal"


def _browser_paths() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    if os.environ.get("CI"):
        pytest.fail("chromium and chromedriver are required under CI (.ci/run installs them)", pytrace=False)
    pytest.skip("chromium or chromedriver not installed (apt-get install chromium chromium-driver)")


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = _browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1000,1400", "--lang=en-US"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={ARTIFACTS.parent.resolve() / 'chromium-profile'}")
    shutil.rmtree(ARTIFACTS.parent / "chromium-profile", ignore_errors=True)
    session = webdriver.Chrome(service=Service(driver), options=options)
    session.set_page_load_timeout(60)
    yield session
    session.quit()


@pytest.fixture
def server(_demo_sqlite_template, tmp_path):
    url = copy_demo(_demo_sqlite_template, tmp_path / "portal.db")
    port = _free_port()
    env = {**os.environ, "CRMTERM_HOME": str(tmp_path), "PYTHONPATH": os.getcwd()}
    env.pop("CRMTERM_DATABASE_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "crmterm", "--db", url, "serve", "--port", str(port)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/health", process)
        yield url, f"http://127.0.0.1:{port}/portal"
    finally:
        process.terminate()
        process.wait(timeout=30)
        dispose_all()


def _press(browser, text: str) -> None:
    """Click the button and wait for the next page (a form post loads a new document)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.XPATH, f"//button[text()='{text}']").click()
    WebDriverWait(browser, 60).until(expected_conditions.staleness_of(old))


def _follow(browser, link: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.LINK_TEXT, link).click()
    WebDriverWait(browser, 60).until(expected_conditions.staleness_of(old))


def test_log_in_request_comment_and_rate_in_a_real_browser(browser, server):
    from selenium.webdriver.common.by import By

    url, portal = server
    browser.get(f"{portal}/login")
    browser.find_element(By.ID, "login-code").send_keys("+7 916 555-00-01")
    _press(browser, "Send me a code")
    [(_address, code)] = codes_sent(url)
    browser.find_element(By.ID, "code").send_keys(code)  # the number is kept in the form
    _press(browser, "Log in")
    assert browser.current_url.endswith("/portal/inquiries") and "Мария Соколова" in browser.page_source

    _follow(browser, "New request")
    _follow(browser, "Invoice copy")
    browser.find_element(By.ID, "text").send_keys("Please send me the invoice for November")
    _press(browser, "Send request")
    inquiry_id = int(browser.current_url.rsplit("/", 1)[1])
    browser.find_element(By.ID, "comment").send_keys("By e-mail, please")
    _press(browser, "Send comment")
    assert "By e-mail, please" in browser.find_element(By.CLASS_NAME, "timeline").text

    act(url, inquiry_actions.close, SUPERVISOR, inquiry_id=inquiry_id, resolution="sent")
    browser.refresh()
    browser.find_element(By.CSS_SELECTOR, "label[for='score5']").click()
    browser.find_element(By.ID, "remark").send_keys("Fast, thank you")
    _press(browser, "Send rating")
    assert "your rating: 5" in browser.find_element(By.TAG_NAME, "legend").text
    assert browser.find_element(By.CLASS_NAME, "state").text == "closed"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "rated-inquiry.png"))
