"""The routes the stack really serves: the API's from its own OpenAPI document (built
in-process from `app.main`, no server, no database), the web front's from the files its build
publishes. Edge rules are judged against these, not against path prefixes someone typed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

WRITE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WEB_ROOT: Final = Path(__file__).resolve().parent.parent / "app" / "web"
_PARAM = re.compile(r"\{[^}]+\}")


@dataclass(frozen=True)
class Route:
    """One method and path template an origin serves; `credentials` when a request to it
    carries a credential (the OpenAPI operation declares a security requirement, or a route
    hidden from the schema, such as /metrics, reads an Authorization header)."""

    app: str  # "api" | "web"
    method: str
    path: str
    credentials: bool

    @property
    def write(self) -> bool:
        return self.method in WRITE_METHODS

    @property
    def sample_path(self) -> str:
        """A concrete path for the template (`{id}` -> `1`), as a client would send it."""
        return _PARAM.sub("1", self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


APP_ROOT: Final = WEB_ROOT.parent
CACHE_DIR: Final = APP_ROOT.parent / "build" / "cache" / "api-routes"


def _app_digest() -> str:
    """Routes are a pure function of the app's code: its sources' hash keys the cache."""
    digest = hashlib.sha256()
    for path in sorted(APP_ROOT.rglob("*.py")):
        digest.update(path.relative_to(APP_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


@lru_cache(maxsize=1)
def api_routes() -> tuple[Route, ...]:
    """Every operation of the API's OpenAPI document, plus routes hidden from it. Building
    the app takes seconds (FastAPI's import), so the result is cached per app-source hash."""
    cache = CACHE_DIR / f"{_app_digest()}.json"
    try:
        return tuple(Route(**item) for item in json.loads(cache.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        pass
    routes = _build_api_routes()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(json.dumps([asdict(r) for r in routes]), encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        pass  # a read-only checkout still works, only slower
    return routes


def _build_api_routes() -> tuple[Route, ...]:
    from fastapi.routing import APIRoute

    from app.main import create_app
    from app.settings import Settings

    app = create_app(
        Settings(
            database_url="postgresql://unused@127.0.0.1/unused",
            jwt_issuer="https://routes.invalid/auth/v1",
        )
    )
    document = app.openapi()
    routes: list[Route] = []
    for path, operations in sorted(document.get("paths", {}).items()):
        for method, operation in sorted(operations.items()):
            secured = bool(operation.get("security", document.get("security")))
            routes.append(Route("api", method.upper(), path, secured))
    listed = {(r.method, r.path) for r in routes}
    for path, route in _walk(app.routes, ""):
        if isinstance(route, APIRoute) and not route.include_in_schema:
            headers = {p.name.lower() for p in route.dependant.header_params}
            for method in sorted(route.methods or ()):
                if (method, path) not in listed:
                    routes.append(Route("api", method, path, "authorization" in headers))
    return tuple(routes)


def _walk(routes: Iterable[Any], prefix: str) -> Iterator[tuple[str, Any]]:
    """(full path, route) for every route, through included routers (FastAPI >= 0.16x
    keeps an included router as one entry holding the original router)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _walk(inner.routes, prefix + str(getattr(context, "prefix", "") or ""))
        elif hasattr(route, "path"):
            yield prefix + route.path, route


@lru_cache(maxsize=1)
def web_routes() -> tuple[Route, ...]:
    """The static front: `/`, each published file, and the config.json its build writes."""
    files = sorted(p.name for p in WEB_ROOT.glob("*") if p.suffix in (".html", ".js", ".css"))
    paths = ["/", *(f"/{name}" for name in files), "/config.json"]
    return tuple(Route("web", "GET", p, False) for p in paths)
