"""Where a dynamic provider's API is and which token it presents.

Both come from the stack config in `configure()` (the token as a secret, the base URL only on
a stack that points the provider at a stand-in), the token else from the environment. They are
read in the provider process, never set before pickling: Pulumi stores the pickled provider in
state in plain text, so a token must not be an attribute when the resource is registered.
"""

from __future__ import annotations

import os
from typing import Any, Protocol


class ConfigSource(Protocol):
    """The stack config as `pulumi.dynamic.ConfigureRequest.config` offers it."""

    def get(self, key: str) -> Any: ...


class Connection:
    def __init__(self, *, token_key: str, token_env: str, url_key: str, base_url: str) -> None:
        self.token_key, self.token_env, self.url_key = token_key, token_env, url_key
        self.base_url = base_url
        self._token: str | None = None

    def configure(self, config: ConfigSource) -> None:
        """Take the token and, when the stack sets one, the base URL from the stack config."""
        token = config.get(self.token_key)
        self._token = str(token) if token else None
        if url := config.get(self.url_key):
            self.base_url = str(url).rstrip("/")

    @property
    def token(self) -> str:
        return self._token or os.environ.get(self.token_env, "")
