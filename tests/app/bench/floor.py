"""The efficiency floor: the API's server stack (FastAPI on uvicorn with `python -m app`'s
options, one process) serving one JSON object of a student's shape, with no database, no
auth and no middleware. CPU per request here is what the framework costs before any of our
code runs; the bench puts the API's CPU per request next to it, measured in the same run."""

from __future__ import annotations

import sys
from typing import Any

import uvicorn
from fastapi import FastAPI

from app.__main__ import server_options

STUDENT = {
    "id": "0b7a3f1e-6f0e-4f0a-9d3c-2f6f1b1c9e01",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada.lovelace@students.example.edu",
    "archived_at": None,
    "created_at": "2026-01-01T00:00:00+00:00",
    "updated_at": "2026-01-01T00:00:00+00:00",
}


def create_floor_app() -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/floor/{student_id}")
    async def floor(student_id: str) -> dict[str, Any]:
        return {**STUDENT, "id": student_id}

    return app


def main() -> int:
    uvicorn.run(create_floor_app(), **server_options())
    return 0


if __name__ == "__main__":
    sys.exit(main())
