"""Declared endpoints: one decorator validates the input with pydantic and records the OpenAPI operation."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, request
from pydantic import BaseModel, ValidationError

from outreach.core.errors import InvalidInput, field_errors

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


@dataclass
class Operation:
    rule: str
    method: str
    summary: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    status: int
    tag: str
    responses: dict[int, str] = field(default_factory=dict)


OPERATIONS: list[Operation] = []


def _parse_body(model: type[BaseModel]) -> BaseModel:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise InvalidInput({"body": "expected a JSON object (Content-Type: application/json)"}, status=400)
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise InvalidInput(field_errors(exc)) from None


def _parse_query(model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise InvalidInput(field_errors(exc)) from None


def endpoint(
    bp: Blueprint,
    rule: str,
    method: str,
    summary: str,
    *,
    tag: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    status: int = 200,
    not_found: bool = True,
    also: dict[int, str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``rule`` on ``bp``; the view receives ``body=`` and ``query=`` already validated;
    ``also`` documents further answers (a mail server's failure, for one)."""
    responses = {status: "success", 401: "missing, wrong or revoked token", 422: "invalid input", **(also or {})}
    if body is not None:
        responses[400] = "no JSON object body"
    if not_found:
        responses[404] = "no such record of yours"

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(**kwargs: Any) -> Any:
            if body is not None:
                kwargs["body"] = _parse_body(body)
            if query is not None:
                kwargs["query"] = _parse_query(query)
            return view(**kwargs)

        bp.add_url_rule(rule, endpoint=f"{view.__name__}", view_func=wrapper, methods=[method])
        OPERATIONS.append(Operation(rule, method, summary, body, query, status, tag, responses))
        return wrapper

    return decorate


def openapi(prefix: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document for every declared operation."""
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    ref = "#/components/schemas/{model}"
    for op in OPERATIONS:
        path = prefix + op.rule.replace("<int:", "{").replace(">", "}")
        operation: dict[str, Any] = {
            "summary": op.summary,
            "operationId": f"{op.method.lower()}_{op.rule.strip('/').replace('/', '_').replace('<int:', '').replace('>', '')}",
            "tags": [op.tag],
            "parameters": [
                {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}} for name in _path_params(op.rule)
            ],
            "responses": {str(code): _response(code, text) for code, text in sorted(op.responses.items())},
        }
        if op.query is not None:
            query_schema = op.query.model_json_schema(ref_template=ref)
            schemas.update(query_schema.pop("$defs", {}))
            for name, prop in query_schema.get("properties", {}).items():
                operation["parameters"].append(
                    {"name": name, "in": "query", "required": name in query_schema.get("required", []), "schema": prop}
                )
        if op.body is not None:
            schema = op.body.model_json_schema(ref_template=ref)
            schemas.update(schema.pop("$defs", {}))
            schemas[op.body.__name__] = schema
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": ref.format(model=op.body.__name__)}}},
            }
        paths.setdefault(path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Outreach API", "version": "1"},
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }


def _path_params(rule: str) -> list[str]:
    return [part[5:-1] for part in rule.split("/") if part.startswith("<int:")]


def _response(code: int, text: str) -> dict[str, Any]:
    if code >= 400:
        return {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if code == 204:
        return {"description": text}
    return {"description": text, "content": {"application/json": {"schema": {"type": "object"}}}}
