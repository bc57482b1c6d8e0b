"""The web app in a real browser: the issue's end-to-end journey, the quick-log without JavaScript,
and an accessibility smoke test of every page on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from outreach.core.types import utcnow
from outreach.extensions import db
from tests.browser.conftest import log_in, skip_reason

_reason = skip_reason()
if _reason:
    pytest.skip(_reason, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

EMAIL, PASSWORD = "host@example.com", "correct horse battery"
CONTACT, CAMPAIGN = "Maya Chen", "Season 3"
REQUEST = "Would you be a guest on Season 3 of my podcast?"


def shoot(page: Any, folder: Path, name: str) -> None:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def warmth_now(page: Any) -> int:
    return int(page.locator("#warmth-now .warmth").inner_text().strip())


def test_journey(page: Any, live_server: str, tmp_path: Path) -> None:
    # Sign up and land logged in, on the form for a first contact.
    page.goto("/signup")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_label("Your audience size").fill("5000")
    shoot(page, tmp_path, "01-signup")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/contacts/new")
    expect(page.locator(".flash.success")).to_contain_text("Welcome to Outreach")
    expect(page.locator("header.top")).to_contain_text(EMAIL)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # Add a contact.
    page.get_by_label("Name").fill(CONTACT)
    page.get_by_label("Topics").fill("podcasting, marketing")
    page.get_by_label("Kind").select_option("podcast_guest")
    page.get_by_label("Audience size").fill("3000")
    shoot(page, tmp_path, "02-contact-form")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/contacts/\d+$"))
    contact_url = page.url
    contact_id = int(contact_url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_contain_text(CONTACT)
    expect(page.locator(".flash.success")).to_contain_text(f"Added {CONTACT}")
    expect(page.locator("#timeline li.touch")).to_have_count(0)

    # Three quick-logged touches: no reload, warmth rises each time, the timeline grows.
    page.evaluate("window.__sameDocument = true")
    readings = [warmth_now(page)]
    form = page.locator("#touch-form")
    for count, kind in enumerate(("comment", "share", "email"), start=1):
        form.get_by_label("Kind").select_option(kind)
        form.get_by_label("Note").fill(f"{kind} number {count}")
        form.get_by_role("button", name="Log touch").click()
        expect(page.locator("#touch-status")).to_have_text(re.compile(rf"^Logged an? {kind}\. Warmth is now \d+\.$"))
        expect(page.locator("#timeline li.touch")).to_have_count(count)
        readings.append(warmth_now(page))
        status_number = int(re.findall(r"\d+", page.locator("#touch-status").inner_text())[-1])
        assert status_number == readings[-1]
        expect(form.get_by_label("Note")).to_have_value("")
    assert page.evaluate("window.__sameDocument") is True, "the quick-log reloaded the page"
    assert readings == sorted(set(readings)), f"warmth did not rise strictly after each touch: {readings}"
    expect(page.locator("#timeline li.touch").first).to_contain_text("email number 3")
    expect(page.locator("#timeline .empty")).to_have_count(0)
    shoot(page, tmp_path, "03-touches")
    # The same numbers survive a reload: the server stored what the page showed.
    page.reload()
    assert warmth_now(page) == readings[-1]
    expect(page.locator("#timeline li.touch")).to_have_count(3)

    # A podcast season eight weeks out.
    page.goto("/campaigns/new")
    page.get_by_label("Name").fill(CAMPAIGN)
    page.get_by_label("Kind").select_option("podcast_season")
    page.get_by_label("Date").fill((utcnow().date() + timedelta(weeks=8)).isoformat())
    page.get_by_label("Topics").fill("podcasting")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/campaigns/\d+$"))
    campaign_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator(".flash.success")).to_contain_text(f"Created {CAMPAIGN}")
    shoot(page, tmp_path, "04-campaign")

    # Back on the contact: a fit, but not trusted yet.
    page.goto(contact_url)
    ready = page.locator("section[aria-labelledby=ready-h] article.item").filter(has_text=CAMPAIGN)
    expect(ready).to_have_count(1)
    expect(ready.locator("li.criterion.met .badge").filter(has_text="✓ Fit")).to_have_count(1)
    expect(ready.locator("li.criterion.unmet .badge").filter(has_text="✗ Trust")).to_have_count(1)
    expect(ready.locator(".badge.ok")).to_have_count(0)  # not ask-ready
    shoot(page, tmp_path, "05-ready-to-ask")

    # Ask anyway, and record it: the page's "I asked" link, then the campaign.
    page.get_by_role("link", name="I asked").first.click()
    page.wait_for_url(re.compile(rf"/asks/new\?contact={contact_id}$"))
    expect(page.get_by_label("Contact")).to_have_value(str(contact_id))
    page.get_by_label("Campaign").select_option(str(campaign_id))
    page.get_by_label("What you asked").fill(REQUEST)
    expect(page.get_by_label("Outcome")).to_have_value("pending")
    shoot(page, tmp_path, "06-ask-form")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(contact_url)
    expect(page.locator(".flash.success")).to_contain_text("Ask recorded")
    expect(page.locator("#timeline li.ask")).to_contain_text(REQUEST)
    expect(page.locator("#timeline li.ask")).to_contain_text("pending")

    # Today: the ask waits for an answer.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    page.wait_for_url(f"{live_server}/")
    asking = page.locator("section[aria-labelledby=asking]")
    expect(asking.get_by_role("heading", name="This week's asking")).to_be_visible()
    waiting = asking.locator("h3:has-text('Waiting for an answer') + ul")
    expect(waiting).to_contain_text(f"You asked {CONTACT} about {CAMPAIGN} on ")
    expect(waiting.get_by_role("link", name=f"Record {CONTACT}'s answer")).to_be_visible()
    shoot(page, tmp_path, "07-today")

    # Log out; Today now sends you to the login page.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login$"))
    expect(page.locator(".flash")).to_contain_text("You are logged out.")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    shoot(page, tmp_path, "08-logged-out")


def test_quick_log_without_javascript(
    new_context: Callable[..., Any], make_user: Callable[..., Any], make_contact: Callable[..., Any]
) -> None:
    user = make_user(EMAIL, PASSWORD)
    contact_id = make_contact(user, CONTACT, topics=["podcasting"]).id
    db.session.close()
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, EMAIL, PASSWORD)
    page.goto(f"/contacts/{contact_id}")
    assert warmth_now(page) == 0
    page.locator("#touch-form").get_by_role("button", name="Log touch").click()
    page.wait_for_url(re.compile(rf"/contacts/{contact_id}$"))
    flash = page.locator(".flash.success")
    expect(flash).to_have_text(re.compile(r"^Logged a comment\. Warmth is now \d+\.$"))
    number = int(re.findall(r"\d+", flash.inner_text())[-1])
    assert number > 0
    assert warmth_now(page) == number
    expect(page.locator("#timeline li.touch")).to_have_count(1)
    expect(page.locator("#touch-status")).to_have_text("")


# Every input that takes a value must be labelled; hidden inputs and buttons are not such inputs.
UNLABELLED = """(root) => [...root.querySelectorAll('input, select, textarea')]
    .filter((el) => !['hidden', 'submit', 'button', 'reset'].includes(el.type))
    .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.name || el.id || el.outerHTML)"""


def test_accessibility_smoke(
    page: Any,
    make_user: Callable[..., Any],
    make_contact: Callable[..., Any],
    make_campaign: Callable[..., Any],
    log_touches: Callable[..., None],
) -> None:
    user = make_user(EMAIL, PASSWORD)
    contact = make_contact(user, CONTACT, topics=["podcasting"])
    log_touches(contact, ("comment", "outbound", 1))
    contact_id, campaign_id = contact.id, make_campaign(user, CAMPAIGN).id
    db.session.close()

    public = ["/login", "/signup"]
    private = [
        "/",
        "/contacts/",
        "/contacts/new",
        f"/contacts/{contact_id}",
        f"/contacts/{contact_id}/edit",
        "/campaigns/",
        "/campaigns/new",
        f"/campaigns/{campaign_id}",
        f"/asks/new?contact={contact_id}&campaign={campaign_id}",
        "/go-for-no",
        "/settings/",
    ]
    headings: dict[str, int] = {}
    unlabelled: dict[str, list[str]] = {}
    for index, path in enumerate(public + private):
        if index == len(public):
            log_in(page, EMAIL, PASSWORD)
        response = page.goto(path)
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        headings[path] = page.locator("h1").count()
        missing = page.locator("main").evaluate(UNLABELLED)
        if missing:
            unlabelled[path] = missing
    assert {p: n for p, n in headings.items() if n != 1} == {}, "pages without exactly one h1"

    # The contact form, field by field: every input has its own <label>.
    page.goto("/contacts/new")
    form = page.locator("main form")
    labels = form.evaluate(
        """(f) => [...f.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .map((el) => [el.name, el.labels.length, [...el.labels].map((l) => l.textContent.trim())])"""
    )
    assert labels, "the contact form has no inputs"
    assert [name for name, count, _ in labels if count == 0] == [], labels
    assert unlabelled == {}, f"inputs without a label: {unlabelled}"

    # Keyboard: the first Tab reaches the skip link, Enter follows it.
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/#main$"))
    # The contact form's first field has focus; typing and Enter save the contact.
    page.goto("/contacts/new")
    # Browsers apply autofocus after the load event, on their own schedule: wait for it.
    page.wait_for_function("document.activeElement && document.activeElement.name === 'name'", timeout=5000)
    page.keyboard.type("Kay Keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contacts/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kay Keyboard")
