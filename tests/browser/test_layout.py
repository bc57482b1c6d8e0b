"""Every main page fits a phone (390 px) and a laptop (1280 px): on the demo data, and again with a
3,000-character word (or the longest a field takes) in every text field. The nav keeps its items whole.

A page too wide is photographed into the test's temporary folder; with $OUTREACH_SCREENSHOTS set to a
folder, every page is, at both widths, to look at by eye.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from outreach.accounts.models import User
from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core.ownership import owned
from outreach.extensions import db
from outreach.transfer.demo import load_demo
from tests.browser.conftest import log_in, skip_reason
from tests.browser.long_words import give_long_words

_reason = skip_reason()
if _reason:
    pytest.skip(_reason, allow_module_level=True)

EMAIL, PASSWORD = "demo@example.com", "demo-password"
WIDTHS = (1280, 390)
# What makes a page wider than the screen, named: the widest elements that stick out.
OVERFLOW = """() => {
  const width = window.innerWidth;
  return [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .filter((el) => !el.closest('.scroll-x, .board'))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' right=' + Math.round(el.getBoundingClientRect().right));
}"""


KEEP_SHOTS = bool(os.environ.get("OUTREACH_SCREENSHOTS"))


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: every page's when $OUTREACH_SCREENSHOTS names a folder, else a too-wide page's."""
    folder = Path(os.environ.get("OUTREACH_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def demo(app: Any) -> dict[str, int]:
    """The demo account, and the ids the main pages need."""
    load_demo(db.session, EMAIL, PASSWORD)
    db.session.commit()
    owner = db.session.scalars(db.select(User).where(User.email == EMAIL)).one().id
    ids = {
        "contact": db.session.scalars(owned(Contact, owner).order_by(Contact.id)).first().id,  # type: ignore[union-attr]
        "campaign": db.session.scalars(owned(Campaign, owner).order_by(Campaign.date)).first().id,  # type: ignore[union-attr]
        "ask": db.session.scalars(owned(Ask, owner).order_by(Ask.id)).first().id,  # type: ignore[union-attr]
        "owner": owner,
    }
    db.session.close()
    return ids


def main_pages(ids: dict[str, int]) -> list[str]:
    contact, campaign, ask = ids["contact"], ids["campaign"], ids["ask"]
    long_url = "https://example.com/" + "p" * 1980
    return [
        "/",
        "/?all=1",
        "/contacts/",
        f"/contacts/{contact}",
        f"/contacts/{contact}/edit",
        "/contacts/new",
        "/campaigns/",
        f"/campaigns/{campaign}",
        f"/campaigns/{campaign}/edit",
        "/campaigns/new",
        f"/asks/new?contact={contact}&campaign={campaign}",
        f"/asks/{ask}/edit",
        "/go-for-no",
        "/settings/",
        "/settings/mail/",
        "/data/",
        "/messages",
        "/wins",
        "/account/password",
        "/bookmarklet",
        f"/log?url={quote(long_url)}&title={'t' * 3000}",
    ]


# Every column the generic import reads, one row of ordinary values and one of the longest words.
PREVIEW_CSV = (
    "name,email,kind,topics,audience_size,tags,links,notes\n"
    "Maya Chen,maya@example.com,podcast_guest,podcasting,12000,friend,https://example.com/maya,Met at PodCon\n"
    f"{'N' * 200},{'e' * 64}@example.com,peer,{'t' * 60},5,{'g' * 60},https://example.com/{'u' * 1980},{'o' * 3000}\n"
)


def slug(path: str) -> str:
    """A file name for a page: its path, and a short digest of its query when it has one."""
    base, _, query = path.partition("?")
    name = re.sub(r"[^a-z0-9]+", "-", base.strip("/").lower())[:40] or "today"
    return f"{name}-{hashlib.sha1(query.encode()).hexdigest()[:6]}" if query else name


@pytest.fixture
def visit(new_context: Callable[..., Any], shots: Path) -> Iterator[Callable[[str, list[str], str], dict[str, Any]]]:
    """Open pages at both widths, logged in as the demo user; returns {width path: what sticks out}."""

    def run(tag: str, paths: list[str], email: str = EMAIL) -> dict[str, Any]:
        wide: dict[str, Any] = {}
        for width in WIDTHS:
            page = new_context(viewport={"width": width, "height": 900}).new_page()
            log_in(page, email, PASSWORD)
            for path in [*paths, "calendar", "import preview"]:
                if path == "calendar":  # the feed address is shown once, after a POST from Settings
                    page.goto("/settings/")
                    page.locator("#calendar").get_by_role("button", name=re.compile("feed address")).click()
                    page.wait_for_url("**/calendar/token")
                elif path == "import preview":  # a CSV's first rows, shown after an upload
                    page.goto("/data/")
                    page.get_by_label("File").first.set_input_files(
                        {"name": "contacts.csv", "mimeType": "text/csv", "buffer": PREVIEW_CSV.encode()}
                    )
                    page.get_by_label("Format").select_option("generic")
                    page.get_by_role("button", name="Preview").click()
                    page.wait_for_url("**/data/import/contacts")
                else:
                    response = page.goto(path)
                    assert response is not None and response.ok, f"{path} answered {response and response.status}"
                scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if scroll > inner or KEEP_SHOTS:
                    page.screenshot(path=str(shots / f"{tag}-{width}-{slug(path)}.png"), full_page=True)
                if scroll > inner:
                    wide[f"{width} {path[:60]}"] = (scroll, page.evaluate(OVERFLOW))
            page.context.close()
        return wide

    yield run


def test_every_page_fits_the_screen_with_the_demo_data(demo: dict[str, int], visit: Callable[..., Any]) -> None:
    assert visit("demo", main_pages(demo)) == {}


def test_every_page_fits_the_screen_with_3000_character_words(demo: dict[str, int], visit: Callable[..., Any]) -> None:
    long_ids = give_long_words(demo["owner"])
    paths = [
        *main_pages(demo),
        f"/contacts/{long_ids['contact']}",
        f"/contacts/{long_ids['contact']}/edit",
        f"/campaigns/{long_ids['campaign']}",
        f"/campaigns/{long_ids['campaign']}/edit",
        f"/asks/{long_ids['ask']}/edit",
        f"/asks/new?contact={long_ids['contact']}&campaign={long_ids['campaign']}",
        "/contacts/?q=" + "q" * 3000,
    ]
    assert visit("long", paths) == {}


def test_a_fresh_accounts_pages_fit_the_screen(make_user: Callable[..., Any], visit: Callable[..., Any]) -> None:
    make_user("fresh@example.com", PASSWORD)
    db.session.close()
    paths = ["/", "/contacts/", "/campaigns/", "/go-for-no", "/messages", "/wins", "/settings/"]
    assert visit("fresh", paths, "fresh@example.com") == {}


def test_the_nav_keeps_every_item_whole_and_on_screen_on_a_phone(demo: dict[str, int], new_context: Callable[..., Any]) -> None:
    page = new_context(viewport={"width": 390, "height": 900}).new_page()
    log_in(page, EMAIL, PASSWORD)
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    names = [links.nth(i).inner_text() for i in range(links.count())]
    assert names == ["Today", "Contacts", "Campaigns", "Go for no", "Import", "Settings"]
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (names[i], box)
        # One line each: "Go for no" is never broken onto three.
        line = page.evaluate("(el) => parseFloat(getComputedStyle(el).lineHeight)", links.nth(i).element_handle())
        assert box["height"] < 1.6 * line, (names[i], box["height"], line)


def test_the_warmth_chart_labels_stay_legible_on_a_phone(demo: dict[str, int], new_context: Callable[..., Any]) -> None:
    page = new_context(viewport={"width": 390, "height": 900}).new_page()
    log_in(page, EMAIL, PASSWORD)
    page.goto(f"/contacts/{demo['contact']}")
    # Every label shown (the minor months step aside on a phone) is drawn at least 11 px tall.
    shown = page.locator(".chart svg text:not(.minor)")
    sizes = shown.evaluate_all("(all) => all.map((t) => t.getBoundingClientRect().height)")
    assert len(sizes) >= 4 and min(sizes) >= 11, f"chart labels render {min(sizes):.1f} px tall at 390 px"
    months = page.locator(".chart svg text.month:not(.minor)").evaluate_all(
        "(all) => all.map((t) => { const r = t.getBoundingClientRect(); return [r.left, r.right]; })"
    )
    assert len(months) >= 3
    for (_, right), (left, _) in itertools.pairwise(months):
        assert right <= left, "month labels overlap"
    chart = page.locator(".chart svg").bounding_box()
    assert chart is not None and max(r for _, r in months) <= chart["x"] + chart["width"], "a month label is cut off"


def test_every_pipeline_column_is_reachable_on_a_phone(demo: dict[str, int], new_context: Callable[..., Any]) -> None:
    page = new_context(viewport={"width": 390, "height": 900}).new_page()
    log_in(page, EMAIL, PASSWORD)
    page.goto(f"/campaigns/{demo['campaign']}")
    for title in ("Not a fit", "Warming", "Ask-ready", "Asked", "Yes", "No", "Not now"):
        heading = page.locator(".board .column h3").filter(has_text=re.compile(rf"^{title}\b"))
        heading.scroll_into_view_if_needed()
        box = heading.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (title, box)
    # The funnel's counts lead to their column.
    page.locator("#funnel-h").scroll_into_view_if_needed()
    page.get_by_role("link", name=re.compile(r"^Ask-ready \d+$")).click()
    assert page.url.endswith("#col-ask_ready")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_criterion_badge_overlaps_its_sentence_in_ask_now(
    demo: dict[str, int], new_context: Callable[..., Any], width: int
) -> None:
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(page, EMAIL, PASSWORD)
    pairs = page.locator("section[aria-labelledby=ask-now] li.criterion").evaluate_all(
        """(all) => all.map((li) => {
             // The text's own extent: a squeezed badge box can be narrower than the words it shows.
             const range = document.createRange();
             range.selectNodeContents(li.querySelector('.badge'));
             const badge = range.getBoundingClientRect();
             const sentence = li.querySelector('span:not(.badge)').getBoundingClientRect();
             return [li.querySelector('.badge').textContent.trim(), badge.right, sentence.left];
           })"""
    )
    assert any(name.startswith("✓ Timing") for name, _, _ in pairs), "the demo's Ask now shows no Timing badge"
    assert [(name, right, left) for name, right, left in pairs if right > left] == []
