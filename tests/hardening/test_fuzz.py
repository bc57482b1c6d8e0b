"""Schemathesis against our own OpenAPI description: no 5xx, every 4xx in the documented shape."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from outreach import create_app
from outreach.accounts import service as user_service
from outreach.extensions import db
from tests.conftest import LOCAL_ONLY

EXAMPLES = int(os.environ.get("OUTREACH_FUZZ_EXAMPLES", "250"))
PG_URL = os.environ.get("OUTREACH_TEST_DATABASE_URL")


def _fuzz_app(tmp_path_factory):
    """A database of its own (SQLite file), one user with a token, and some records to hit."""
    from flask_migrate import upgrade

    url = "sqlite:///" + str(tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, **LOCAL_ONLY})
    with app.app_context():
        upgrade()
        user = user_service.create_user(db.session, "fuzz@example.com", "fuzz password")
        _, token = user_service.create_token(db.session, user)
        from outreach.transfer.demo import load_demo

        load_demo(db.session, "demo@example.com", "demo-password")
        db.session.commit()
    return app, token


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory):
    return _fuzz_app(tmp_path_factory)


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    for result in schema.get_all_operations():
        yield result.ok()


@pytest.mark.slow
def test_api_never_fails_and_answers_in_the_documented_shape(fuzz_target):
    """Every operation, positive and negative data; the pytest plugin is not used (it lags pytest 9)."""
    app, token = fuzz_target
    calls = 0
    for operation in _operations(app):

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def exercise(case) -> None:
            nonlocal calls
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            calls += 1
            case.validate_response(response, checks=(not_a_server_error, status_code_conformance, response_schema_conformance))

        exercise()
    print(f"{calls} generated requests")
    assert calls >= EXAMPLES * 40  # 250 examples × 40 operations = 10,000 requests by default
