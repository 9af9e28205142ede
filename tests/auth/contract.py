"""Supabase Auth's own OpenAPI description (tests/contracts/supabase-auth-api.openapi.yaml,
tag v2.196.0) as a strict validator of the requests the web front sends: a misspelled
field (say `captchaToken` instead of `gotrue_meta_security.captcha_token`) is refused
here, as the real server would silently ignore it and then refuse the sign-in."""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SPEC_FILE = Path(__file__).resolve().parents[1] / "contracts" / "supabase-auth-api.openapi.yaml"


class ContractViolation(AssertionError):
    pass


@functools.cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_FILE.read_text())
    return loaded


def _resolve(node: Any) -> Any:
    if isinstance(node, list):
        return [_resolve(n) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _resolve(copy.deepcopy(spec()["components"]["schemas"][name]))
    out = {k: _resolve(v) for k, v in node.items() if k not in ("example", "nullable")}
    if out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    return out


def validate_request(method: str, path: str, body: Any) -> str:
    """Raise unless `method path` is an operation of the spec and the body fits it exactly."""
    for template, item in spec()["paths"].items():
        regex = re.sub(r"\\\{(\w+)\\\}", r"[^/]+", re.escape(template))
        op = item.get(method.lower())
        if op is None or not re.fullmatch(regex, path):
            continue
        # Query parameters are not checked: the spec omits `redirect_to` on /otp, which the
        # server reads from the query string (supabase-js sends it there).
        schema = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        if "schema" in schema:
            errors = list(jsonschema.Draft7Validator(_resolve(schema["schema"])).iter_errors(body))
            if errors:
                raise ContractViolation(f"{method} {path}: {errors[0].message}")
        return template
    raise ContractViolation(f"{method} {path} is not an operation of Supabase Auth")
