"""Section 5's small things in a real browser: the quick-log redraws the chart, the follow-up date
follows the outcome, deletes ask first and undo, and the feed address copies in one click."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from outreach.extensions import db
from tests.browser.conftest import log_in, skip_reason

_reason = skip_reason()
if _reason:
    pytest.skip(_reason, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

EMAIL, PASSWORD = "host@example.com", "correct horse battery"


@pytest.fixture
def contact_page(
    new_context: Callable[..., Any],
    make_user: Callable[..., Any],
    make_contact: Callable[..., Any],
    make_campaign: Callable[..., Any],
) -> tuple[Any, int, int]:
    user = make_user(EMAIL, PASSWORD)
    contact_id = make_contact(user, "Maya Chen", topics=["podcasting"]).id
    campaign_id = make_campaign(user, "Season 3").id
    db.session.close()
    page = new_context().new_page()
    log_in(page, EMAIL, PASSWORD)
    return page, contact_id, campaign_id


def chart_now(page: Any) -> int:
    caption = page.locator("#warmth-detail figcaption").inner_text()
    found = re.search(r"now (\d+),", caption)
    assert found, caption
    return int(found.group(1))


def test_a_quick_logged_touch_redraws_the_chart_and_readiness_in_place(contact_page: tuple[Any, int, int]) -> None:
    page, contact_id, _ = contact_page
    page.goto(f"/contacts/{contact_id}")
    page.evaluate("window.__sameDocument = true")
    assert chart_now(page) == 0
    trust_before = page.locator("#readiness li.criterion").filter(has_text="Trust").inner_text()
    line_before = page.locator("#warmth-detail polyline.past").get_attribute("points")
    form = page.locator("#touch-form")
    form.get_by_label("Kind").select_option("call")
    form.get_by_label("Direction").select_option("inbound")
    form.get_by_role("button", name="Log touch").click()
    expect(page.locator("#touch-status")).to_have_text(re.compile(r"^Logged a call\. Warmth is now \d+\.$"))
    badge = int(page.locator("#warmth-now .warmth").inner_text())
    assert badge > 0 and chart_now(page) == badge  # the chart's "now" is the badge's number
    assert page.locator("#warmth-detail polyline.past").get_attribute("points") != line_before
    assert "Reload" not in page.locator("main").inner_text()
    assert page.locator("#readiness li.criterion").filter(has_text="Trust").inner_text() != trust_before
    assert page.evaluate("window.__sameDocument") is True, "the quick-log reloaded the page"


def test_the_follow_up_date_shows_only_for_not_now(contact_page: tuple[Any, int, int]) -> None:
    page, contact_id, campaign_id = contact_page
    page.goto(f"/asks/new?contact={contact_id}&campaign={campaign_id}")
    follow_up = page.get_by_label("Follow up on")
    expect(follow_up).to_be_hidden()
    page.get_by_label("Outcome").select_option("not_now")
    expect(follow_up).to_be_visible()
    follow_up.fill("2031-03-01")
    page.get_by_label("Outcome").select_option("yes")
    expect(follow_up).to_be_hidden()
    # A date typed before the answer changed is not sent: the yes saves without a follow-up error.
    page.get_by_label("What you asked").fill("Guest on Season 3?")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/contacts/{contact_id}$"))
    expect(page.locator(".flash.success")).to_contain_text("Ask recorded")


def test_deleting_a_campaign_asks_first_and_undo_brings_it_back(contact_page: tuple[Any, int, int]) -> None:
    page, _, campaign_id = contact_page
    page.goto(f"/campaigns/{campaign_id}")
    confirm = page.get_by_role("button", name="Yes, delete")
    expect(confirm).to_be_hidden()
    page.locator("details.confirm summary").click()
    expect(page.locator(".confirm-box")).to_contain_text("Delete Season 3?")
    confirm.click()
    page.wait_for_url(re.compile(r"/campaigns/$"))
    expect(page.locator(".flash.info")).to_contain_text("Deleted Season 3")
    expect(page.locator("main table")).not_to_contain_text("Season 3")
    page.locator(".flash.info").get_by_role("button", name="Undo").click()
    page.wait_for_url(re.compile(rf"/campaigns/{campaign_id}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Season 3")


def test_deleting_a_touch_asks_first_and_undo_restores_its_warmth(contact_page: tuple[Any, int, int]) -> None:
    page, contact_id, _ = contact_page
    page.goto(f"/contacts/{contact_id}")
    form = page.locator("#touch-form")
    form.get_by_label("Note").fill("Loved the episode")
    form.get_by_role("button", name="Log touch").click()
    expect(page.locator("#timeline li.touch")).to_have_count(1)
    page.reload()
    warm = int(page.locator("#warmth-now .warmth").inner_text())
    row = page.locator("#timeline li.touch")
    row.locator("summary").click()
    row.get_by_role("button", name="Yes, delete").click()
    expect(page.locator(".flash.info")).to_contain_text("Touch deleted")
    expect(page.locator("#timeline li.touch")).to_have_count(0)
    assert int(page.locator("#warmth-now .warmth").inner_text()) == 0
    page.locator(".flash.info").get_by_role("button", name="Undo").click()
    expect(page.locator("#timeline li.touch")).to_contain_text("Loved the episode")
    assert int(page.locator("#warmth-now .warmth").inner_text()) == warm


@pytest.mark.parametrize("width", [1280, 390])
def test_the_feed_address_is_one_unbroken_line_and_copies_in_one_click(
    new_context: Callable[..., Any], make_user: Callable[..., Any], live_server: str, width: int
) -> None:
    make_user(EMAIL, PASSWORD)
    db.session.close()
    context = new_context(viewport={"width": width, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    log_in(page, EMAIL, PASSWORD)
    page.goto("/settings/")
    page.get_by_role("button", name="Create feed address").click()
    page.wait_for_url("**/calendar/token")
    address = page.get_by_label("Your calendar feed address")
    url = address.input_value()
    assert re.fullmatch(rf"{re.escape(live_server)}/calendar/[^/]+\.ics", url), url
    # One line: the field is as tall as one line of its text, so the token never breaks across lines.
    height, line = address.evaluate("(el) => [el.clientHeight, parseFloat(getComputedStyle(el).lineHeight)]")
    assert height < 2 * line
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
