"""Errors raised by our API clients: each names the operation and, where it helps, the fix."""

from __future__ import annotations


class ApiError(Exception):
    """A management API call failed; the message names the operation and never a secret."""

    def __init__(self, operation: str, message: str) -> None:
        super().__init__(f"{operation}: {message}")
        self.operation = operation


class ApiAuthError(ApiError):
    """401/403: the token is missing, wrong, or lacks the scope the operation needs."""


class ApiRateLimitError(ApiError):
    """429 for longer than we are willing to wait (bounded), or too many 429s in a row."""


class ApiUnavailableError(ApiError):
    """5xx or network failure that outlived our bounded retries."""


class ApiResponseError(ApiError):
    """A reply we cannot use: malformed JSON, an unexpected shape, or a 4xx the API refused."""


class ApiNotFoundError(ApiError):
    """404 or a GraphQL "not found": callers use it to adopt or recreate instead of failing."""
