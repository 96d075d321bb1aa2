"""The web page for analysts, in headless Chromium (Debian's package) against a real server:
every service fact of the vocabulary in the form, a service YAML read into it, the query in the
address (a reload keeps it), open questions answered in place, the answer exported as CSV,
Markdown and JSON, a print stylesheet that prints the answer and not the form, the decision
log's record id, and Swagger UI and ReDoc from the server's own files with no network.

Screenshots are written to tests/artifacts/ (git-ignored); set OBLIGATE_SCREENSHOTS=docs/images
to refresh the documentation's copies."""

from __future__ import annotations

import csv
import io
import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from serving import ROOT, Server
from test_web import CHROMIUM_FLAGS, LAPTOP, browser  # noqa: F401 - the browser fixture

IMAGES = ROOT / os.environ.get("OBLIGATE_SCREENSHOTS", "tests/artifacts")
SERVICE_FILE = ROOT / "examples" / "social-platform.yaml"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("web-analyst-log") / "decisions.sqlite3"
    with Server("--decision-log", str(log)) as running:
        yield running


@pytest.fixture
def context(browser: Any, server: Server) -> Iterator[Any]:  # noqa: F811
    made = browser.new_context(viewport=LAPTOP, locale="en-US", accept_downloads=True)
    # No network but this server: every page asset must come from it.
    host = urlsplit(server.base).netloc
    outside: list[str] = []

    def only_here(route: Any) -> None:
        if urlsplit(route.request.url).netloc in (host, "") or route.request.url.startswith(
            ("data:", "blob:")
        ):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    made.route("**/*", only_here)
    yield made
    made.close()
    assert outside == [], f"the page asked for outside resources: {outside}"


def open_page(context: Any, url: str) -> Any:
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text) if m.type == "error" and "status of 422" not in m.text else None
        ),
    )
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    page.problems = problems
    return page


def api(server: Server, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        f"{server.base}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def shot(page: Any, name: str, full: bool = False) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / f"{name}.png"), full_page=full)


def answered_ids(page: Any, section: str = "duty") -> list[str]:
    return page.locator(
        f"#answer article[data-duty][aria-labelledby^='title-{section}-']"
    ).evaluate_all("cards => cards.map(c => c.dataset.duty)")


def test_every_service_fact_of_the_vocabulary_has_a_field(context: Any, server: Server) -> None:
    page = open_page(context, f"{server.base}/")
    vocabulary = api(server, "/v1/vocabulary")
    service_facts = {f["name"] for f in vocabulary["facts"] if f["subject"] == "service"}
    assert len(service_facts) > 20
    for name in service_facts - {"monthly_active_users"}:
        assert page.locator(f"#{name}").count() == 1, name
    assert page.locator("#users-box .count-row").count() >= 1  # monthly_active_users
    for word in vocabulary["types"]:
        assert page.locator(f"#type-{word['name']}").count() == 1
    assert page.problems == []


def test_a_service_file_fills_the_form_and_the_answer_equals_the_api(
    context: Any, server: Server
) -> None:
    page = open_page(context, f"{server.base}/")
    page.set_input_files("#service-file", str(SERVICE_FILE))
    page.wait_for_selector("#service-file-status:has-text('Read')")
    facts = yaml.safe_load(SERVICE_FILE.read_text())
    assert f"Read {len(facts)} facts" in page.inner_text("#service-file-status")
    assert page.input_value("#employees") == "5000"
    assert page.input_value("#gb_osa_categorised") == "true"
    assert page.input_value("#associations") == "none"  # an empty list: member of none
    assert page.is_checked("#feature-livestreaming") and page.is_checked("#type-video_sharing")
    assert page.get_attribute("#more-facts", "open") is not None
    page.fill("#age", "15")
    page.fill("#location", "DE")
    page.fill("#date", "2026-06-01")
    with page.expect_response("**/v1/determine") as response:
        page.click("#submit")
    page.wait_for_selector("body[data-answered=true]")
    expected = api(
        server,
        "/v1/determine",
        {"service": facts, "user": {"age": 15, "location": "DE"}, "date": "2026-06-01"},
    )
    assert answered_ids(page) == [d["id"] for d in expected["duties"]]
    decision = response.value.headers["x-decision-id"]
    assert page.inner_text("#decision-id") == decision
    provenance = page.inner_text("#provenance")
    assert expected["rulebase"]["version"] in provenance and "law read" in provenance
    shot(page, "web-analyst-answer")
    assert page.problems == []


def test_the_query_lives_in_the_address_and_survives_a_reload(context: Any, server: Server) -> None:
    page = open_page(context, f"{server.base}/")
    page.check("#type-social_media")
    page.select_option("#directed_at_children", "false")
    page.fill("#age", "12")
    page.fill("#location", "US-CA")
    page.fill("#date", "2026-06-01")
    page.click("#submit")
    page.wait_for_selector("body[data-answered=true]")
    first = answered_ids(page)
    address = page.url
    assert "location=US-CA" in address and "age=12" in address
    assert "types=social_media" in address and "directed_at_children=false" in address
    page.reload()
    page.wait_for_selector("body[data-answered=true]")
    assert answered_ids(page) == first
    assert page.input_value("#directed_at_children") == "false"
    other = open_page(context, address)  # the permalink in a new tab
    other.wait_for_selector("body[data-answered=true]")
    assert answered_ids(other) == first and other.input_value("#age") == "12"
    assert page.problems == [] and other.problems == []


def test_an_open_question_is_answered_in_place(context: Any, server: Server) -> None:
    page = open_page(
        context, f"{server.base}/?location=US&age=12&date=2026-06-01&types=social_media"
    )
    page.wait_for_selector("body[data-answered=true]")
    question = page.locator(
        ".question[data-question='service.actual_knowledge_of_child_users']"
    ).first
    assert "actual knowledge" in question.inner_text()
    before = set(answered_ids(page, "conditional"))
    question.scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)  # the question's card in the middle of the view
    shot(page, "web-analyst-questions")
    with page.expect_response("**/v1/determine"):
        question.get_by_role("button", name="Yes").first.click()
    page.wait_for_function(
        "() => new URL(location.href).searchParams.get('actual_knowledge_of_child_users')"
        " === 'true'"
    )
    page.wait_for_selector("body[data-answered=true]")
    assert page.input_value("#actual_knowledge_of_child_users") == "true"
    after = set(answered_ids(page, "conditional"))
    expected = api(
        server,
        "/v1/determine",
        {
            "service": {"types": ["social_media"], "actual_knowledge_of_child_users": True},
            "user": {"age": 12, "location": "US"},
            "date": "2026-06-01",
        },
    )
    assert after == {d["id"] for d in expected["conditional"]} and after != before
    assert page.problems == []


def test_the_answer_exports_as_csv_markdown_and_json(context: Any, server: Server) -> None:
    page = open_page(
        context, f"{server.base}/?location=DE&age=15&date=2026-06-01&types=social_media"
    )
    page.wait_for_selector("body[data-answered=true]")
    answer = page.evaluate("state.lastAnswer")
    with page.expect_download() as got:
        page.click("#export-json")
    assert json.loads(Path(got.value.path()).read_text()) == answer
    assert got.value.suggested_filename == "obligate-DE-15-2026-06-01.json"
    with page.expect_download() as got:
        page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text())))
    assert [r["id"] for r in rows if r["section"] == "applies"] == [
        d["id"] for d in answer["duties"]
    ]
    assert [r["id"] for r in rows if r["section"] == "conditional"] == [
        d["id"] for d in answer["conditional"]
    ]
    with page.expect_download() as got:
        page.click("#export-md")
    markdown = Path(got.value.path()).read_text()
    assert markdown.startswith("# Duties for a user aged 15 in DE on 2026-06-01")
    assert answer["rulebase"]["version"] in markdown
    for duty in answer["duties"]:
        assert f"| {duty['id']} |" in markdown
    assert page.problems == []


def test_printing_prints_the_answer_not_the_form(context: Any, server: Server) -> None:
    page = open_page(
        context, f"{server.base}/?location=DE&age=15&date=2026-06-01&types=social_media"
    )
    page.wait_for_selector("body[data-answered=true]")
    page.emulate_media(media="print")
    assert not page.is_visible("#query-form")
    assert not page.is_visible("#tabs") and not page.is_visible(".export-bar")
    assert page.is_visible("#answer .summary") and page.is_visible("#provenance")
    assert page.locator("#answer article.duty").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    shot(page, "web-analyst-print")
    page.emulate_media(media="screen")
    assert page.is_visible("#query-form")


@pytest.mark.parametrize(
    ("path", "ready"), [("/docs", ".swagger-ui .info .title"), ("/redoc", "h1")]
)
def test_api_documentation_from_local_files(
    context: Any, server: Server, path: str, ready: str
) -> None:
    page = context.new_page()
    page.goto(f"{server.base}{path}")
    title = page.locator(ready).first
    title.wait_for(timeout=30_000)
    assert "obligate" in title.inner_text()
    shot(page, f"web-docs{path.replace('/', '-')}")
