"""The web page in headless Chromium (Debian's package) against a real server: a compliance
person's path through it, by mouse and by keyboard only. Screenshots are kept in
tests/artifacts/ (git-ignored) for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from serving import ROOT, Server, chromium_path

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1440, "height": 900}
FEATURES = (
    "user_generated_content",
    "direct_messaging",
    "recommender_system",
    "targeted_advertising",
    "public_profiles",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("web-log") / "decisions.sqlite3"
    with Server("--decision-log", str(log)) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport=LAPTOP, locale="en-US")
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            # a 422 is the API's answer to a bad query, which the page shows by field
            if message.type == "error" and "status of 422" not in message.text
            else None
        ),
    )
    opened.goto(f"{server.base}/")
    opened.wait_for_selector("body[data-ready=true]")
    yield opened
    context.close()
    assert problems == []


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def duty(page: Any, duty_id: str) -> Any:
    return page.locator(f'#answer article[data-duty="{duty_id}"]')


def test_a_teen_in_germany_on_a_social_platform(page: Any) -> None:
    page.check("#type-social_media")
    for feature in FEATURES:
        page.check(f"#feature-{feature}")
    page.fill("#established_in", "IE")
    page.fill("#count-place-1", "EU")
    page.fill("#count-value-1", "60000000")
    page.fill("#age", "15")
    page.fill("#location", "Germany")  # a name works as well as the code
    page.fill("#date", "2026-06-01")
    page.click("#submit")
    page.wait_for_selector("body[data-answered=true]")
    shot(page, "web-1-answer")

    summary = page.inner_text("#answer .summary")
    assert "aged 15" in summary and "DE · Germany" in summary
    assert "EU · European Union" in page.inner_text("#answer")
    for duty_id, citation in (
        ("EU-DSA-28-1", "EU-DSA Art. 28(1)"),
        ("EU-DSA-28-2", "EU-DSA Art. 28(2)"),
        ("EU-GDPR-8-1", "EU-GDPR Art. 8(1)"),
    ):
        card = duty(page, duty_id)
        link = card.locator("a.citation")
        assert link.inner_text() == citation
        assert link.get_attribute("href").startswith("https://eur-lex.europa.eu/")
        assert card.locator(".badge-in_force").inner_text() == "in force"

    why = duty(page, "EU-DSA-28-2").locator(".why-button")
    why.click()
    reasons = duty(page, "EU-DSA-28-2").locator(".why[data-loaded]")
    reasons.wait_for()
    assert why.get_attribute("aria-expanded") == "true"
    assert "Outcome: applies" in reasons.inner_text()
    # reasons in words, and the law's text from the rule's note (issue 13, point 2)
    assert "the user's age in whole years is 15, below child_age 18" in reasons.inner_text()
    assert "user.age" not in reasons.inner_text()
    assert 'Art. 28(2): "Providers of online platform' in reasons.locator(".law-note").inner_text()
    duty(page, "EU-DSA-28-2").scroll_into_view_if_needed()
    shot(page, "web-2-why")

    page.click("#tab-compare")
    assert page.is_visible("#view-compare") and not page.is_visible("#view-duties")
    page.fill("#markets", "DE, FR, GB")
    page.click("#compare-submit")
    page.wait_for_selector("#matrix-table")
    headers = page.locator("#matrix-table thead th").all_inner_texts()
    assert headers == ["Category", "DE · Germany", "FR · France", "GB · United Kingdom"]
    row = page.locator("#matrix-table tbody tr", has_text="no profiling ads")
    assert "EU-DSA Art. 28(2)" in row.inner_text()
    shot(page, "web-3-compare")

    page.click("#tab-graph")
    page.wait_for_selector("#graph svg.graph")
    labels = page.locator("#graph svg .node-code").all_text_contents()
    assert {"DE", "IE", "EU"} <= set(labels)
    shot(page, "web-4-graph")


def test_keyboard_only(page: Any) -> None:
    """Reach every control with Tab, fill the form by typing, submit with Enter, open "why"
    and switch views with the arrow keys; the mouse is never used."""
    keyboard = page.keyboard

    def tab_to(element_id: str, limit: int = 80) -> None:
        for _ in range(limit):
            keyboard.press("Tab")
            if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
                return
        raise AssertionError(f"Tab never reached #{element_id}")

    tab_to("type-social_media")
    keyboard.press("Space")
    tab_to("feature-targeted_advertising")
    keyboard.press("Space")
    tab_to("age")
    keyboard.type("15")
    tab_to("location")
    keyboard.type("DE")
    tab_to("date")
    keyboard.type("06012026")  # month, day, year in the en-US date field
    tab_to("submit")
    keyboard.press("Enter")
    page.wait_for_selector("body[data-answered=true]")
    assert page.evaluate("document.activeElement.id") == "results-heading"
    assert duty(page, "EU-DSA-28-2").count() == 1
    assert page.input_value("#date") == "2026-06-01"

    for _ in range(200):
        keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement.closest('article')?.dataset.duty === 'EU-DSA-28-2'"
            " && document.activeElement.classList.contains('why-button')"
        ):
            break
    keyboard.press("Enter")
    duty(page, "EU-DSA-28-2").locator(".why[data-loaded]").wait_for()
    shot(page, "web-5-keyboard-why")

    page.focus("#tab-duties")  # focus moves as Shift+Tab back to the tab list would
    keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "tab-compare"
    assert page.is_visible("#view-compare")
    keyboard.press("End")
    assert page.evaluate("document.activeElement.id") == "tab-graph"


def test_errors_are_shown_by_field(page: Any) -> None:
    page.fill("#location", "Germny")
    page.fill("#age", "15")
    page.click("#submit")
    page.wait_for_selector("#form-errors:not([hidden])")
    text = page.inner_text("#form-errors")
    assert "user.location: unknown jurisdiction" in text
    assert "did you mean Germany (DE)?" in text
    assert page.get_attribute("#location", "aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "form-errors"
    shot(page, "web-6-error")


def test_the_glossary_lines_up_definitions(page: Any) -> None:
    page.click("#tab-glossary")
    assert page.is_visible("#view-glossary")
    page.select_option("#term", "child")
    page.fill("#glossary-markets", "EU, GB, US")
    page.click("#glossary-submit")
    page.wait_for_selector("#glossary .glossary-term table")
    text = page.inner_text("#glossary")
    assert "“any person below the age of 18 years”" in text
    assert "“a person under the age of 18”" in text
    assert "GB-OSA-2023 s. 236(1)" in text
    assert "age below (differs)" in text  # COPPA's child is under 13
    shot(page, "web-7-glossary")
