"""Declared endpoints: one decorator validates the input, serializes the output through its model, and records
the OpenAPI operation, so the description cannot drift from what the API accepts and returns."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import Blueprint, jsonify, request
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from outreach.core.errors import InvalidInput, validated

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
REF = "#/components/schemas/{model}"


@dataclass
class Operation:
    rule: str
    method: str
    summary: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    tag: str
    responses: dict[int, str] = field(default_factory=dict)


OPERATIONS: list[Operation] = []


def _parse_body(model: type[BaseModel]) -> BaseModel:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise InvalidInput({"body": "Send a JSON object, with Content-Type: application/json."}, status=400)
    return validated(model, payload)


def endpoint(
    bp: Blueprint,
    rule: str,
    method: str,
    summary: str,
    *,
    tag: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    not_found: bool = True,
    also: dict[int, str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``rule`` on ``bp``. The view receives ``body=`` and ``query=`` already validated and returns an
    instance of ``response`` (sent with ``status``), None (204), or a ready Flask response; ``also`` documents
    further answers (a mail server's failure, for one)."""
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
                kwargs["query"] = validated(query, request.args.to_dict())
            result = view(**kwargs)
            if result is None:
                return "", status
            if isinstance(result, BaseModel):
                if response is None or not isinstance(result, response):
                    raise TypeError(f"{view.__name__} returned a {type(result).__name__}, not the documented {response}")
                return jsonify(result.model_dump(mode="json")), status
            return result

        bp.add_url_rule(rule, endpoint=f"{view.__name__}", view_func=wrapper, methods=[method])
        OPERATIONS.append(Operation(rule, method, summary, body, query, response, status, tag, responses))
        return wrapper

    return decorate


Mode = Literal["validation", "serialization"]


def _schemas() -> tuple[dict[tuple[Any, Mode], dict[str, Any]], dict[str, Any]]:
    """Every model the operations name, described together so shared parts (enums, nested records) appear once."""
    wanted: dict[tuple[type[BaseModel], Mode], None] = {}
    for op in OPERATIONS:
        uses: list[tuple[type[BaseModel] | None, Mode]] = [(op.body, "validation"), (op.query, "validation")]
        for model, mode in [*uses, (op.response, "serialization")]:
            if model is not None:
                wanted[(model, mode)] = None
    refs, document = models_json_schema(list(wanted), ref_template=REF)
    return {(model, mode): ref for (model, mode), ref in refs.items() if isinstance(model, type)}, document.get("$defs", {})


def openapi(prefix: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document for every declared operation."""
    refs, schemas = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        path = prefix + op.rule.replace("<int:", "{").replace(">", "}")
        body = {op.status: refs[(op.response, "serialization")]} if op.response is not None else {}
        operation: dict[str, Any] = {
            "summary": op.summary,
            "operationId": f"{op.method.lower()}_{op.rule.strip('/').replace('/', '_').replace('<int:', '').replace('>', '')}",
            "tags": [op.tag],
            "parameters": [
                {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}} for name in _path_params(op.rule)
            ],
            "responses": {str(code): _response(code, text, body.get(code)) for code, text in sorted(op.responses.items())},
        }
        if op.query is not None:
            query_schema = schemas[_name(refs[(op.query, "validation")])]
            for name, prop in query_schema.get("properties", {}).items():
                operation["parameters"].append(
                    {"name": name, "in": "query", "required": name in query_schema.get("required", []), "schema": prop}
                )
        if op.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
            }
        paths.setdefault(path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Outreach API", "version": "1"},
        "components": {
            "schemas": {"Error": ERROR_SCHEMA, **schemas},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }


def _name(ref: dict[str, Any]) -> str:
    return str(ref["$ref"]).rsplit("/", 1)[-1]


def _path_params(rule: str) -> list[str]:
    return [part[5:-1] for part in rule.split("/") if part.startswith("<int:")]


def _response(code: int, text: str, schema: dict[str, Any] | None) -> dict[str, Any]:
    if code >= 400:
        return {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if code == 204:
        return {"description": text}
    return {"description": text, "content": {"application/json": {"schema": schema or {"type": "object"}}}}
