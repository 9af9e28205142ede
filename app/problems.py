"""RFC 9457 problem+json responses for every error the API returns."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
import psycopg.errors
import psycopg_pool
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("app.problems")
PROBLEM_JSON = "application/problem+json"
_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Problem(Exception):
    """Raise anywhere in a handler to answer with problem+json."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type_: str = "about:blank",
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = type_
        self.headers = headers or {}
        self.extra = extra


def problem_response(
    request: Request | None,
    status: int,
    detail: str,
    *,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": type_,
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.url.path
        rid = request.scope.get("state", {}).get("request_id")
        if rid:
            body["request_id"] = rid
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts
    return ".".join(parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            request, exc.status, exc.detail, type_=exc.type, headers=exc.headers, **exc.extra
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "")
        return problem_response(request, exc.status_code, detail, headers=dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": _field_name(e.get("loc", ())),
                "message": e.get("msg", "invalid"),
                "type": e.get("type", ""),
            }
            for e in exc.errors()
        ]
        fields = ", ".join(sorted({e["field"] for e in errors}))
        return problem_response(
            request,
            422,
            f"invalid request: check {fields}",
            type_="/problems/validation",
            errors=errors,
        )

    @app.exception_handler(psycopg_pool.PoolTimeout)
    async def _pool_timeout(request: Request, exc: psycopg_pool.PoolTimeout) -> JSONResponse:
        return problem_response(
            request, 503, "the database is busy: retry shortly", headers={"Retry-After": "1"}
        )

    @app.exception_handler(psycopg.Error)
    async def _database(request: Request, exc: psycopg.Error) -> JSONResponse:
        return database_problem(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return problem_response(request, 500, "internal error; quote the request_id")


def database_problem(request: Request, exc: psycopg.Error) -> JSONResponse:
    """Map integrity errors to 4xx; anything else is the server's fault."""
    diag = exc.diag
    constraint = diag.constraint_name or ""
    if isinstance(exc, psycopg.errors.UniqueViolation):
        return problem_response(
            request, 409, f"already exists ({constraint})", type_="/problems/conflict"
        )
    if isinstance(exc, psycopg.errors.CheckViolation):
        if constraint == "application_status_transition":
            return problem_response(
                request,
                409,
                diag.message_primary or "transition refused",
                type_="/problems/status-transition",
            )
        return problem_response(
            request, 422, f"a value breaks the rule {constraint}", type_="/problems/validation"
        )
    if isinstance(exc, psycopg.errors.ForeignKeyViolation):
        return problem_response(
            request,
            404,
            "a referenced record does not exist in your organization",
            type_="/problems/reference",
        )
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return problem_response(request, 403, "not allowed for your role or organization")
    if isinstance(exc, psycopg.errors.NotNullViolation):
        return problem_response(
            request,
            422,
            f"{diag.column_name or 'a field'} is required",
            type_="/problems/validation",
        )
    if isinstance(exc, psycopg.errors.InvalidTextRepresentation | psycopg.errors.DataError):
        return problem_response(
            request, 422, "a value has the wrong format", type_="/problems/validation"
        )
    if isinstance(exc, psycopg.OperationalError):
        log.error("database unavailable: %s", type(exc).__name__)
        return problem_response(
            request, 503, "the database is unavailable: retry shortly", headers={"Retry-After": "2"}
        )
    log.error("database error %s: %s", diag.sqlstate, diag.message_primary)
    return problem_response(request, 500, "internal error; quote the request_id")
