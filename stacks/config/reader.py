"""Reading config keys without raising: every problem is recorded with its key and fix, so
`load()` reports them all at once in one `ConfigError`."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, TypeVar

import pulumi
from pulumi.runtime.config import is_config_secret

PROJECT: Final = "careers-crm"

T = TypeVar("T")

_DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

_LABEL_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")

_CF_ID_RE = re.compile(r"^[0-9a-f]{32}$")

_GH_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")

_LOOPBACK_HTTP_RE = re.compile(r"^http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?(/\S*)?$")


class ConfigError(Exception):
    """Invalid stack configuration; `problems` holds one line per key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"stack configuration has {len(problems)} problem(s):\n{lines}\n"
            f"Set values with `pulumi config set {PROJECT}:<key> <value>` "
            f"(secrets with --secret); every key is documented in Pulumi.yaml."
        )


class Reader:
    """Reads keys of one namespace, recording problems instead of raising."""

    def __init__(self, source: pulumi.Config) -> None:
        self._config = source
        self.problems: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{PROJECT}:{key}: {message}")

    def raw(self, key: str) -> str | None:
        value = self._config.get(key)
        return None if value is None or value == "" else value

    def string(
        self,
        key: str,
        default: str | None = None,
        *,
        check: Callable[[str], str | None] | None = None,
    ) -> str:
        value = self.raw(key)
        if value is None:
            if default is None:
                self.problem(key, "is required but not set")
                return ""
            value = default
        if check is not None and (why := check(value)) is not None:
            self.problem(key, why)
        return value

    def integer(
        self, key: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self.raw(key)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            self.problem(key, f"must be a whole number, got {value!r}")
            return default
        if minimum is not None and number < minimum:
            self.problem(key, f"must be at least {minimum}, got {number}")
        if maximum is not None and number > maximum:
            self.problem(key, f"must be at most {maximum}, got {number}")
        return number

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key)
        if value is None:
            return default
        if value.lower() in ("true", "false"):
            return value.lower() == "true"
        self.problem(key, f"must be true or false, got {value!r}")
        return default

    def choice(self, key: str, default: T, choices: tuple[T, ...]) -> T:
        value = self.raw(key)
        if value is None:
            return default
        for option in choices:
            if value == option:
                return option
        self.problem(key, f"must be one of {', '.join(map(str, choices))}; got {value!r}")
        return default

    def known_keys(self, present: Iterable[str], declared: Iterable[str]) -> None:
        """Every key of our namespace must be one Pulumi.yaml declares: a misspelled key
        would otherwise be ignored and its default silently used."""
        names = sorted(declared)
        for full in sorted(present):
            namespace, _, key = full.partition(":")
            if namespace == PROJECT and key not in names:
                self.problem(
                    key,
                    f"is not a setting of this project{did_you_mean(key, names)}"
                    " (every key is declared in Pulumi.yaml)",
                )

    def fields(self, where: str, item: Mapping[str, Any], allowed: Iterable[str]) -> None:
        """Unknown fields of a structured value are errors, with a suggestion."""
        names = sorted(allowed)
        for field in item:
            if field not in names:
                self.problem(
                    f"{where}.{field}",
                    f"is not a field here{did_you_mean(str(field), names)}; "
                    f"fields are {', '.join(names)}",
                )

    def structured(self, key: str, default: Any) -> Any:
        value = self.raw(key)
        if value is None:
            return default
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            self.problem(key, "must be a YAML list/object in the stack file (not valid JSON)")
            return default

    def string_list(self, key: str, default: list[str]) -> tuple[str, ...]:
        value = self.structured(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, "must be a list of strings")
            return tuple(default)
        return tuple(value)

    def secret(self, key: str, *, required: bool = True) -> pulumi.Output[str] | None:
        """The secret as an Output; "" counts as unset (optional secrets default to "" in
        Pulumi.yaml, which cannot mark them `secret: true`), and a value set without
        --secret is refused rather than used."""
        if self.raw(key) is None:
            if required:
                self.problem(
                    key, f"secret is required: `pulumi config set --secret {PROJECT}:{key} ...`"
                )
            return None
        if not is_config_secret(f"{PROJECT}:{key}"):
            self.problem(
                key,
                "is stored in plain text; set it again with "
                f"`pulumi config set --secret {PROJECT}:{key} ...`",
            )
        return self._config.get_secret(key)


def did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def domain_check(value: str) -> str | None:
    if not _DOMAIN_RE.match(value):
        return f"must be a lower-case DNS name such as careers.example.edu; got {value!r}"
    return None


def label_check(value: str) -> str | None:
    if not _LABEL_RE.match(value):
        return f"must be one lower-case DNS label (letters, digits, '-'); got {value!r}"
    return None


def endpoint_check(value: str) -> str | None:
    """A vendor API's base URL: https://, or plain http on the loopback interface only (the
    local stack's stand-ins; a token sent there never crosses a network)."""
    if re.match(r"^https://\S+$", value) or _LOOPBACK_HTTP_RE.match(value):
        return None
    return (
        f"must be an https:// URL (http://127.0.0.1:<port> only for local stand-ins); got {value!r}"
    )


def cf_id_check(value: str) -> str | None:
    if not _CF_ID_RE.match(value):
        return (
            "must be the 32-character hex id from the Cloudflare dashboard "
            f"(Overview > API); got {value!r}"
        )
    return None


def github_name_check(value: str) -> str | None:
    return None if _GH_NAME_RE.match(value) else f"is not a valid GitHub name: {value!r}"
