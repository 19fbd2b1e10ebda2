"""Browser tests: the widget in real headless Chromium (Playwright sync API).

The gateway and a fake Rasa run on free local ports (conftest.LiveStack).
Chromium comes from Debian (`apt-get install chromium`), axe-core from
`npm ci --prefix tests/web`; both missing => the tests fail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.web.web_support import (
    AFFIRM_TEXT,
    ARTIFACTS_DIR,
    BIRTH_BUTTONS,
    BIRTH_TEXT_EN,
    GREETING,
    PORTAL_URL,
    LiveStack,
)

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
UNAVAILABLE = (
    "Der Chat ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal. "
    "Telefonisch hilft Ihnen die Behördennummer 115."
)
PRIVACY = (
    "Bitte geben Sie keine persönlichen Daten ein. Der Verlauf wird nur in diesem "
    "Browser-Tab gespeichert und nach 30 Tagen auf dem Server gelöscht."
)


class PageHarness:
    """A page plus everything it requested and every console problem."""

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        self.context = context
        self.base_url = base_url
        self.page: Page = context.new_page()
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page.on("console", self._on_console)

    def _on_console(self, message: Any) -> None:
        # The browser's own favicon probe may 404; everything else is a bug
        # (CSP violations, script errors, failed widget requests).
        if message.type == "error" and "favicon.ico" not in message.location.get("url", ""):
            self.problems.append(f"console: {message.text}")

    def open_demo(self) -> Page:
        self.page.goto(self.base_url + "/")
        expect(self.launcher).to_be_visible()
        return self.page

    @property
    def launcher(self) -> Any:
        return self.page.get_by_role("button", name="Fragen Sie unseren Assistenten")

    @property
    def panel(self) -> Any:
        return self.page.get_by_role("dialog")

    @property
    def input(self) -> Any:
        return self.page.get_by_label("Ihre Frage")

    def user_messages(self) -> list[str]:
        return [t.strip() for t in self.page.locator(".hc-msg-user .hc-bubble").all_inner_texts()]

    def ask(self, text: str) -> None:
        count = self.page.locator(".hc-msg-bot").count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_bot_messages(count + 1)

    def wait_for_bot_messages(self, count: int) -> None:
        expect(self.page.locator(".hc-msg-bot")).to_have_count(count)
        expect(self.page.locator(".hc-status")).to_have_text("")

    def storage(self) -> dict[str, Any]:
        raw = self.page.evaluate("() => window.sessionStorage.getItem('hessenChat.v1')")
        assert isinstance(raw, str)
        data = json.loads(raw)
        assert isinstance(data, dict)
        return data


@pytest.fixture
def harness(browser: Browser, stack: LiveStack) -> Iterator[PageHarness]:
    """Fresh browser context (empty storage) on the demo page's origin."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="de-DE", reduced_motion="reduce"
    )
    h = PageHarness(context, stack.base_url)
    yield h
    context.close()
    assert h.problems == []


def run_axe(page: Page, axe_script: Path) -> list[dict[str, Any]]:
    """Run axe-core on the page and return serious/critical violations."""
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("async () => await axe.run(document)")
    assert len(result["passes"]) > 10  # axe really ran and checked things
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# ------------------------------------------------------------------ tests


def test_question_gets_answer_with_link_and_buttons(harness: PageHarness, stack: LiveStack) -> None:
    page = harness.open_demo()
    expect(harness.launcher).to_have_attribute("aria-expanded", "false")
    expect(harness.panel).to_be_hidden()

    harness.launcher.click()
    expect(harness.launcher).to_have_attribute("aria-expanded", "true")
    expect(harness.panel).to_be_visible()
    expect(harness.panel.get_by_text(PRIVACY)).to_be_visible()
    expect(page.locator("[role=log][aria-live=polite]")).to_be_visible()
    expect(harness.input).to_be_focused()

    harness.ask("Wo bekomme ich eine Geburtsurkunde?")

    answer = page.locator(".hc-msg-bot").nth(1)  # 0 is the local welcome text
    link = answer.get_by_role("link", name=re.compile(r"verwaltungsportal\.hessen\.de"))
    expect(link).to_have_attribute("href", PORTAL_URL)
    expect(link).to_have_attribute("target", "_blank")
    assert "noopener" in (link.get_attribute("rel") or "")
    expect(link.locator(".hc-sr-only")).to_have_text("(öffnet neues Fenster)")
    choices = answer.get_by_role("button")
    expect(choices).to_have_text([b["title"] for b in BIRTH_BUTTONS])

    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "widget-answer.png"))

    choices.first.click()
    harness.wait_for_bot_messages(3)
    expect(page.locator(".hc-msg-bot").last).to_contain_text(AFFIRM_TEXT)
    assert harness.user_messages() == [
        "Wo bekomme ich eine Geburtsurkunde?",
        BIRTH_BUTTONS[0]["title"],
    ]
    expect(answer.get_by_role("button").first).to_be_disabled()
    expect(answer.get_by_role("button").last).to_be_disabled()

    received = stack.rasa.received
    assert [r["message"] for r in received] == [
        "Wo bekomme ich eine Geburtsurkunde?",
        BIRTH_BUTTONS[0]["payload"],
    ]
    assert all(r["metadata"] == {"kommune": "06534014", "sprache": "de"} for r in received)
    assert received[0]["sender"] == received[1]["sender"]
    assert UUID_RE.match(received[0]["sender"])


def test_keyboard_only_flow(harness: PageHarness, stack: LiveStack) -> None:
    page = harness.open_demo()

    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('hc-launcher')"):
            break
    expect(harness.launcher).to_be_focused()
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2

    page.keyboard.press("Enter")
    expect(harness.input).to_be_focused()
    page.keyboard.type("Geburtsurkunde")
    page.keyboard.press("Enter")
    harness.wait_for_bot_messages(2)
    expect(harness.input).to_be_focused()

    # Back from the input into the log until a choice button has focus.
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.classList.contains('hc-choice')"):
            break
    focused_title = page.evaluate("() => document.activeElement.textContent")
    assert focused_title in [b["title"] for b in BIRTH_BUTTONS]
    page.keyboard.press("Enter")
    harness.wait_for_bot_messages(3)
    expect(harness.input).to_be_focused()  # not lost on the disabled button
    assert harness.user_messages()[-1] == focused_title
    payload = next(b["payload"] for b in BIRTH_BUTTONS if b["title"] == focused_title)
    assert stack.rasa.received[-1]["message"] == payload

    page.keyboard.press("Escape")
    expect(harness.panel).to_be_hidden()
    expect(harness.launcher).to_be_focused()
    expect(harness.launcher).to_have_attribute("aria-expanded", "false")


def test_reload_keeps_conversation(harness: PageHarness, stack: LiveStack) -> None:
    page = harness.open_demo()
    harness.launcher.click()
    harness.ask("Hallo")
    sender = harness.storage()["sender"]

    page.reload()
    expect(harness.panel).to_be_visible()
    assert harness.user_messages() == ["Hallo"]
    expect(page.locator(".hc-msg-bot").last).to_have_text(re.compile(re.escape(GREETING)))
    assert harness.storage()["sender"] == sender

    harness.ask("Geburtsurkunde")
    assert [r["sender"] for r in stack.rasa.received] == [sender, sender]


def test_restart_clears_conversation(harness: PageHarness, stack: LiveStack) -> None:
    page = harness.open_demo()
    harness.launcher.click()
    harness.ask("Hallo")
    old_sender = harness.storage()["sender"]

    page.get_by_role("button", name="Neu starten").click()
    assert harness.user_messages() == []
    expect(page.locator(".hc-msg-bot")).to_have_count(1)  # only the local welcome text
    expect(page.get_by_text(GREETING)).to_have_count(0)
    assert harness.storage()["messages"] == []
    new_sender = harness.storage()["sender"]
    assert new_sender != old_sender and UUID_RE.match(new_sender)

    harness.ask("Hallo")
    assert stack.rasa.received[-1]["sender"] == new_sender


def test_unavailable_upstream_is_shown_as_bot_message(harness: PageHarness, stack: LiveStack) -> None:
    stack.rasa.mode = "error"
    page = harness.open_demo()
    harness.launcher.click()
    harness.ask("Hallo")

    expect(page.locator(".hc-msg-bot .hc-bubble").last).to_have_text(UNAVAILABLE)
    expect(harness.input).to_be_editable()
    # Chromium logs every non-2xx fetch; that one is expected here.
    harness.problems[:] = [p for p in harness.problems if "status of 503" not in p]


def test_empty_message_is_not_sent(harness: PageHarness, stack: LiveStack) -> None:
    page = harness.open_demo()
    harness.launcher.click()
    harness.input.fill("   ")
    harness.input.press("Enter")

    expect(page.locator(".hc-status")).to_have_text("Bitte schreiben Sie eine Nachricht.")
    assert harness.user_messages() == []
    assert stack.rasa.received == []


@pytest.mark.parametrize(("width", "height"), [(320, 640), (640, 360)])
def test_small_viewport_and_zoom_have_no_horizontal_scroll(
    browser: Browser, stack: LiveStack, width: int, height: int
) -> None:
    # 640x360 CSS pixels is what a 1280x720 window shows at 200 % zoom.
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        h = PageHarness(context, stack.base_url)
        page = h.open_demo()
        h.launcher.click()
        h.ask("Wo bekomme ich eine Geburtsurkunde? " + "Bitte ausführlich. " * 10)

        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        box = h.panel.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        h.input.scroll_into_view_if_needed()
        expect(h.input).to_be_in_viewport()
        assert h.problems == []
    finally:
        context.close()


def test_axe_finds_no_serious_violations(browser: Browser, stack: LiveStack, axe_script: Path) -> None:
    # bypass_csp: add_script_tag injects axe inline, which our CSP forbids.
    context = browser.new_context(bypass_csp=True, reduced_motion="reduce")
    harness = PageHarness(context, stack.base_url)
    page = harness.open_demo()
    harness.launcher.click()
    expect(harness.panel).to_be_visible()
    assert run_axe(page, axe_script) == []

    harness.ask("Geburtsurkunde")
    assert run_axe(page, axe_script) == []
    assert harness.problems == []
    context.close()


def test_english_switch_shows_english_texts_and_passes_axe(
    browser: Browser, stack: LiveStack, axe_script: Path
) -> None:
    context = browser.new_context(bypass_csp=True, reduced_motion="reduce", locale="de-DE")
    harness = PageHarness(context, stack.base_url)
    page = harness.open_demo()
    harness.launcher.click()
    english = page.get_by_role("button", name="English")
    expect(english).to_have_attribute("aria-pressed", "false")

    # Keyboard only: the switch is a real button.
    english.focus()
    page.keyboard.press("Enter")
    expect(english).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Deutsch")).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".hc-root")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Your citizen assistant")).to_be_visible()
    expect(page.locator(".hc-status")).to_have_text("Language: English.")
    expect(page.locator(".hc-msg-bot").first).to_contain_text("How can I help you?")
    expect(page.get_by_role("button", name="Send")).to_be_visible()

    english_input = page.get_by_label("Your question")
    english_input.fill("Where do I get a birth certificate?")
    english_input.press("Enter")
    harness.wait_for_bot_messages(2)
    answer = page.locator(".hc-msg-bot").nth(1)
    expect(answer).to_contain_text(BIRTH_TEXT_EN.split(":")[0])
    expect(answer.locator(".hc-sr-only").last).to_have_text("(opens new window)")
    assert stack.rasa.received[-1]["metadata"] == {"kommune": "06534014", "sprache": "en"}
    assert run_axe(page, axe_script) == []

    # The choice survives a reload (sessionStorage) and switches back.
    page.reload()
    expect(page.get_by_role("button", name="Ask our assistant")).to_be_visible()
    page.get_by_role("button", name="Deutsch").click()
    expect(page.get_by_role("heading", name="Ihr Bürger-Assistent")).to_be_visible()
    expect(page.locator(".hc-root")).to_have_attribute("lang", "de")
    assert harness.problems == []
    context.close()


def test_no_third_party_requests_cookies_or_local_storage(harness: PageHarness, stack: LiveStack) -> None:
    page = harness.open_demo()
    harness.launcher.click()
    harness.ask("Geburtsurkunde")
    page.reload()
    expect(harness.panel).to_be_visible()

    gateway = urlsplit(stack.base_url)
    origins = {(urlsplit(u).scheme, urlsplit(u).netloc) for u in harness.requests}
    assert origins == {(gateway.scheme, gateway.netloc)}
    paths = {urlsplit(u).path for u in harness.requests}
    assert {"/", "/widget.js", "/widget.css", "/api/chat"} <= paths
    assert harness.context.cookies() == []
    assert page.evaluate("() => window.localStorage.length") == 0
    assert page.evaluate("() => document.cookie") == ""


def test_widget_renders_text_safely(harness: PageHarness, stack: LiveStack) -> None:
    page = harness.open_demo()
    harness.launcher.click()
    harness.ask("<b>markup</b> <img src=x onerror=alert(1)>")

    log = page.locator(".hc-log")
    # User and bot text are shown literally, never parsed as HTML.
    assert harness.user_messages() == ["<b>markup</b> <img src=x onerror=alert(1)>"]
    assert log.locator("img, b, script").count() == 0
    answer = page.locator(".hc-msg-bot").last
    expect(answer).to_contain_text("<img src=x onerror=alert(1)>")
    expect(answer.locator("strong")).to_have_text("Wichtig:")
    links = answer.get_by_role("link")
    expect(links).to_have_count(1)  # javascript: is never linked
    expect(links).to_have_attribute("href", PORTAL_URL + "/nutzerkonto-bund")


@pytest.mark.parametrize(("motion", "animation"), [("reduce", "none"), ("no-preference", "hc-fade-in")])
def test_animations_respect_reduced_motion(
    browser: Browser, stack: LiveStack, motion: str, animation: str
) -> None:
    context = browser.new_context(reduced_motion=motion)
    try:
        h = PageHarness(context, stack.base_url)
        page = h.open_demo()
        h.launcher.click()
        expect(h.panel).to_be_visible()
        name = page.evaluate("() => getComputedStyle(document.querySelector('.hc-panel')).animationName")
        assert name == animation
    finally:
        context.close()
