"""Issue 16, section 3: every refusal is a sentence a person reads, on every web form and every JSON-body route."""

from __future__ import annotations

import re
from html import unescape
from importlib import import_module

import pytest

from outreach.accounts.auth import PUBLIC_ENDPOINTS
from outreach.core.openapi import OPERATIONS
from outreach.setup import API_MODULES
from tests.conftest import csrf_from

for _module in API_MODULES:
    import_module(_module)  # each registers its routes (and their OpenAPI operations) on import
BODY_ROUTES = sorted({(op.method, op.rule, op.body) for op in OPERATIONS if op.body is not None}, key=lambda r: r[:2])

# What a developer reads, never a person: pydantic's and WTForms' own words, a regex, a field path
# ("links.0", "weights.comment") or a stored field name ("window_start_weeks").
DEVELOPER = re.compile(
    r"String should|Value error|pattern|Input should|Not a valid|This field is required|Field must|Invalid choice"
    r"|(?:^|[\s(])[a-z_]+\.(?:\d+|[a-z_]+)\b|\b[a-z]+_[a-z_]+\b"
)
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
ACTION = re.compile(r'action="([^"]*)"')
INPUT = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="(\w+)"')
MESSAGES = [
    re.compile(r'<p class="error"[^>]*>(.*?)</p>', re.S),
    re.compile(r'<div class="flash[^"]*"[^>]*>(.*?)(?:<form|<a |</div>)', re.S),
    re.compile(r"<h1>\d{3} — [^<]*</h1>\s*<p>(.*?)</p>", re.S),
]
WRONG = {
    "empty": "",
    "junk": "§ not this ✗",
    "huge": "9" * 25,
    "long": "x" * 12_000,
    "date": "2027-02-30",
    "far": "9999-12-31T23:59",
}
# Forms that only carry a button (delete, undo, revoke, log out): nothing typed, nothing to word.
BUTTONS = {"csrf_token"}
# Forms a page shows only in some states (a failing feed, an undo after a delete, a feed token, a warm-up list).
SOMETIMES = {
    "/feeds/<int:feed_id>/retry": set(),
    "/contacts/<int:contact_id>/restore": set(),
    "/calendar/token/revoke": set(),
    "/today/touches": {"contact_id", "kind", "note", "all"},
    # Undo buttons after a delete, and capture's one-click forms, shown only once mail has been read.
    "/campaigns/<int:campaign_id>/restore": set(),
    "/asks/<int:ask_id>/restore": set(),
    "/contacts/touches/<int:touch_id>/restore": set(),
    "/settings/mail/away/<int:message_id>": set(),
    "/settings/mail/suggested": {"email", "name"},
}


def messages_in(page: str) -> list[str]:
    # What sits in <code> is data shown verbatim (a new API token, a path), not words: a random token such as
    # "otr_o-hix…" must not read as a field name.
    page = re.sub(r"<code\b[^>]*>.*?</code>", "", page, flags=re.S)
    found = [unescape(re.sub(r"<[^>]+>", "", text)).strip() for pattern in MESSAGES for text in pattern.findall(page)]
    return [text for text in found if text]


def developer_words(messages: list[str]) -> list[str]:
    return [m for m in messages if DEVELOPER.search(m)]


def forms_on(client, paths: list[str]) -> dict[str, set[str]]:
    """Every POST form on these pages: its action → the names of its inputs."""
    forms: dict[str, set[str]] = {}
    for path in paths:
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for attributes, body in FORM.findall(response.get_data(as_text=True)):
            if 'method="post"' not in attributes.lower():
                continue
            action = ACTION.search(attributes)
            target = unescape(action.group(1)).split("#")[0] if action and action.group(1) else path
            forms.setdefault(target.split("?")[0], set()).update(INPUT.findall(body))
    return forms


def fill(rule, ids) -> str:
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), rule.rule)


def test_every_web_form_answers_empty_and_wrong_input_in_sentences(app, client, victim, web_login):
    user, ids = victim
    web_login(user.email)
    pages = [fill(r, ids) for r in app.url_map.iter_rules() if "GET" in r.methods and not r.endpoint.startswith("api.")]
    forms = forms_on(client, [p for p in pages if not p.endswith((".ics", ".csv", ".json"))])
    posts = {
        fill(r, ids): r.endpoint
        for r in app.url_map.iter_rules()
        if "POST" in r.methods and not r.endpoint.startswith("api.") and r.endpoint not in PUBLIC_ENDPOINTS
    }
    for rule in app.url_map.iter_rules():
        if rule.rule in SOMETIMES:
            forms.setdefault(fill(rule, ids), SOMETIMES[rule.rule])
    assert set(posts) <= set(forms) | {"/logout"}, f"POST routes with no form found: {set(posts) - set(forms)}"
    walked, heard = [], {}
    for action, names in sorted(forms.items()):
        inputs = names - BUTTONS
        if action not in posts or not inputs:
            continue
        walked.append(posts[action])
        for variant, value in {"absent": None, **WRONG}.items():
            data = {"csrf_token": csrf_from(client, "/")} | ({} if value is None else dict.fromkeys(inputs, value))
            response = client.post(action, data=data, follow_redirects=True)
            assert response.status_code < 500, (action, variant)
            said = response.get_json()["fields"].values() if response.is_json else messages_in(response.get_data(as_text=True))
            heard[(action, variant)] = list(said)
    assert len(walked) >= 15, walked
    wrong = {key: developer_words(said) for key, said in heard.items() if developer_words(said)}
    assert wrong == {}
    assert "Give the contact a name." in heard[("/contacts/new", "absent")]  # the walk reads what is said


@pytest.mark.parametrize(("path", "form"), [("/signup", {"password": "x"}), ("/login", {})])
def test_the_public_forms_answer_in_sentences_too(app, path, form):
    visitor = app.test_client()
    for value in ["", *WRONG.values()]:
        data = {"csrf_token": csrf_from(visitor, path), "email": value, "confirm": value, "audience_size": value} | form
        response = visitor.post(path, data=data)
        said = messages_in(response.get_data(as_text=True))
        assert said and developer_words(said) == [], (value[:20], said)


def _junk_bodies(schema) -> list[dict[str, object]]:
    """Wrong in every way a client can be: nulls, empty and overlong text, numbers too big, wrong types."""
    variants: list[object] = [None, "", "x" * 20_000, -1, 10**30, "9999-99-99", "0001-01-01", ["a"], {"a": 1}, True, "bogus", 2.5]
    bodies: list[dict[str, object]] = [{}, {"no_such_field": 1}]
    return bodies + [dict.fromkeys(schema.model_fields, value) for value in variants]


@pytest.mark.parametrize(("method", "rule", "schema"), BODY_ROUTES, ids=[f"{m} {r}" for m, r, _ in BODY_ROUTES])
def test_every_json_body_route_answers_in_sentences(api, method, rule, schema):
    said = []
    for body in _junk_bodies(schema):
        response = api(method, re.sub(r"<int:\w+>", "1", rule), body)
        assert response.status_code < 500, body
        if response.status_code == 422:
            assert set(response.json) == {"error", "fields"}
            said += list(response.json["fields"].values())
    assert said, "no body was refused"
    assert developer_words(said) == []
