"""Hypothesis-driven form posts against every web form: any text in any field, never a 5xx."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.extensions import db
from tests.conftest import csrf_from

EXAMPLES = int(os.environ.get("OUTREACH_FORM_FUZZ_EXAMPLES", "300"))
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*name="(\w+)"')
junk = st.one_of(
    st.text(max_size=300),
    st.from_regex(r"-?\d{1,25}(\.\d{1,5})?", fullmatch=True),
    st.sampled_from(["", "0", "-1", "2027-02-30", "9999-12-31T23:59", "nan", "1e309", "yes", "none"]),
)


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_web_forms_never_answer_5xx(app, client, make_user, make_contact, make_campaign, web_login, data):
    if not hasattr(client, "_fuzz_ready"):
        user = make_user("forms@example.com")
        contact, campaign = make_contact(user, "Fuzz Target"), make_campaign(user)
        web_login("forms@example.com")
        client._fuzz_ready = (contact.id, campaign.id)
    contact_id, campaign_id = client._fuzz_ready
    pages = {
        "/contacts/new": "/contacts/new",
        f"/contacts/{contact_id}/edit": f"/contacts/{contact_id}/edit",
        f"/contacts/{contact_id}/touches": f"/contacts/{contact_id}",
        f"/contacts/{contact_id}/busy": f"/contacts/{contact_id}",
        f"/contacts/{contact_id}/offers": f"/contacts/{contact_id}",
        "/campaigns/new": "/campaigns/new",
        f"/campaigns/{campaign_id}/edit": f"/campaigns/{campaign_id}/edit",
        f"/campaigns/{campaign_id}/episodes": f"/campaigns/{campaign_id}",
        "/asks/new": "/asks/new",
        "/settings/": "/settings/",
        "/settings/tokens": "/settings/",
        "/messages": "/messages",
        "/wins": "/wins",
        "/log": "/log",
    }
    target = data.draw(st.sampled_from(sorted(pages)))
    shown = client.get(pages[target])
    assert shown.status_code == 200, pages[target]  # logged in: the form is really there
    page = shown.get_data(as_text=True)
    names = sorted(set(FIELD.findall(page)) - {"csrf_token"})
    form = {name: data.draw(junk) for name in data.draw(st.lists(st.sampled_from(names), unique=True))} if names else {}
    form["csrf_token"] = csrf_from(client, pages[target])
    try:
        response = client.post(target, data=form)
    except Exception as exc:
        # The examples share one app context (and session): roll back, so this failure is reported
        # as itself, not as "transaction aborted" on the next example's first query.
        db.session.rollback()
        raise AssertionError(f"POST {target} {form!r} raised {exc!r}") from exc
    assert response.status_code < 500, (target, form)
    assert "/login" not in response.headers.get("Location", "")
