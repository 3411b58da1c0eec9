"""The wegwijzer page in headless Chromium (Playwright driving Debian's chromium): reached and
filled with the keyboard, submitted, the answer read; no console errors (a CSP violation
is one). Screenshots go to /tmp for a person to look at. Skips without chromium."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.browser import chromium

BROWSER = chromium()
pytestmark = pytest.mark.skipif(BROWSER is None, reason="chromium is not installed")
SHOTS = Path("/tmp")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, cat) -> Iterator[str]:
    import uvicorn

    from passend.web.app import create_app
    from passend.web.settings import Settings

    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("data")), cat)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox"])
        pg = browser.new_page(viewport={"width": 1100, "height": 900})
        pg.errors = []  # type: ignore[attr-defined]
        pg.on("console", lambda m: m.type == "error" and pg.errors.append(m.text))
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        yield pg
        browser.close()


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.tagName")


def test_ask_the_wegwijzer_with_the_keyboard(server: str, page, cat) -> None:
    from passend.demo import QUESTIONS
    from passend.wegwijzer.navigator import ask

    *_, q = QUESTIONS[6]  # the cardiologist and the DBC palliatieve zorg: no
    expected = ask(cat, q, lang="nl")
    page.goto(server + "/")
    assert page.url == server + "/wegwijzer"
    page.keyboard.press("Tab")
    assert _focused(page) == "A"  # the skip link first, and it shows when focused
    assert page.locator("a.skip").bounding_box()["y"] >= 0
    for _ in range(12):
        page.keyboard.press("Tab")
        if _focused(page) == "f-activity":
            break
    assert _focused(page) == "f-activity"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")  # the focus is visible
    page.select_option("#f-activity", q.activity)
    page.keyboard.press("Tab")
    assert _focused(page) == "f-professional"
    page.select_option("#f-professional", q.professional)
    page.keyboard.press("Tab")
    page.select_option("#f-specialty", q.specialty)
    page.keyboard.press("Tab")
    page.select_option("#f-setting", q.setting)
    page.keyboard.press("Tab")
    page.select_option("#f-year", str(q.year))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_selector("#answer")
    assert "specialty=cardiology" in page.url
    verdict = page.locator(".verdict").inner_text()
    assert verdict.endswith("ja" if expected["eligible"] else "nee")
    codes = page.locator("article.option h4 .code").all_inner_texts()
    assert codes == [o["title_code"] for o in expected["options"]]
    assert "DBC palliatieve zorg (MSZ-DBC-PZ)" in page.locator(".reason").inner_text()
    assert page.input_value("#permalink") == page.url
    page.screenshot(path=str(SHOTS / "passend-wegwijzer.png"), full_page=True)
    page.goto(server + "/catalogus?year=2026&lang=en")
    page.screenshot(path=str(SHOTS / "passend-catalogue.png"), full_page=True)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_calculator_filled_with_the_keyboard(server: str, page) -> None:
    from passend.settlement.calculators import compute, explain

    inputs = {"benchmark": "1000000", "actual": "900000", "msr": "0.02", "quality_score": "0.8"}
    expected = explain("shared-savings", inputs, compute("shared-savings", inputs), "nl")
    page.goto(server + "/rekenhulpen")
    page.get_by_role("link", name="Shared savings (gedeelde besparingen)").click()
    assert page.url == server + "/rekenhulpen/shared-savings"
    page.focus("#f-benchmark")
    page.keyboard.type("1000000")
    page.keyboard.press("Tab")
    assert _focused(page) == "f-actual"
    page.keyboard.type("900000")
    page.keyboard.press("Tab")
    assert _focused(page) == "f-msr"
    page.keyboard.press("Control+A")
    page.keyboard.type("0,02")
    page.fill("#f-quality_score", "0,8")  # the Dutch decimal comma
    page.check("#f-one_sided")
    page.focus("#f-loss_factor")
    page.keyboard.press("Tab")
    assert _focused(page) == "f-one_sided"
    page.keyboard.press("Space")  # untick it again with the keyboard
    assert not page.is_checked("#f-one_sided")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_selector("#result")
    assert "benchmark=1000000&actual=900000&msr=0%2C02" in page.url
    earned = page.locator('tr[data-key="earned_cents"] td').inner_text()
    assert earned == "€ 40.000,00"  # min(0.5 x 0.8 x 100,000, 1 x 1,000,000) x 1
    assert page.locator('tr[data-key="one_sided"]').count() == 0
    labels = page.locator("ol.steps .step-label").all_inner_texts()
    formulas = [
        f.replace("\xa0", " ") for f in page.locator("ol.steps code.formula").all_inner_texts()
    ]
    assert labels == [s.label for s in expected] and formulas == [s.formula for s in expected]
    assert page.input_value("#permalink") == page.url
    assert page.input_value("#f-quality_score") == "0,8"  # the values stay in the form
    assert "S = B - A" in page.locator("pre.formula").inner_text()
    page.screenshot(path=str(SHOTS / "passend-calc.png"), full_page=True)
    assert page.errors == []  # type: ignore[attr-defined]
    page.fill("#f-actual", "")
    page.click("button[type=submit]")
    assert page.get_attribute("#f-actual", "aria-invalid") == "true"
    assert page.locator("#e-actual").inner_text() == "Vul dit veld in."
    page.screenshot(path=str(SHOTS / "passend-calc-error.png"), full_page=True)
    # the one console error is the page's own status, 422
    assert [("422" in e) for e in page.errors] == [True]  # type: ignore[attr-defined]
    page.errors.clear()  # type: ignore[attr-defined]  # the page is the module's


def test_start_a_small_run_and_read_its_report(server: str, page, tmp_path: Path) -> None:
    from tests.test_web_runs import SCENARIO

    small = tmp_path / "small.yaml"
    small.write_text(SCENARIO, encoding="utf-8")
    missing: list[str] = []
    page.on("response", lambda r: r.status >= 400 and missing.append(r.url))
    page.goto(server + "/scenarios")
    page.set_input_files("#f-file", str(small))
    page.screenshot(path=str(SHOTS / "passend-scenarios.png"), full_page=True)
    page.click("form.start button[type=submit]")
    page.wait_for_url(f"{server}/scenarios/*")
    assert page.locator("#run-progress").count() == 1
    page.screenshot(path=str(SHOTS / "passend-scenario-progress.png"), full_page=True)
    page.wait_for_selector("#report", timeout=120_000)  # the page refreshes until it is done
    assert page.locator("#run-status").inner_text() == "klaar"
    assert page.locator("table.headline tbody tr").count() >= 1
    page.screenshot(path=str(SHOTS / "passend-scenario-run.png"), full_page=True)
    page.click("#report")
    page.wait_for_load_state()
    assert "/report" in page.url and page.locator("h1").count() >= 1
    page.screenshot(path=str(SHOTS / "passend-scenario-report.png"))
    assert missing == []
    assert page.errors == []  # type: ignore[attr-defined]
