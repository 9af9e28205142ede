"""The real CLI's config validation (Pulumi.yaml declarations against the stack file) on
the committed files: only the secrets a feature needs are required."""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi import automation as auto

from stacks.engine import runner


def _nothing() -> None:
    """The CLI validates config before it runs the program; this program registers nothing."""


def _preview(tmp_path: Path, secrets: dict[str, str]) -> str:
    stack = runner.open_throwaway("prod", base=tmp_path, secrets=secrets, program=_nothing)
    return stack.preview().stdout


def test_committed_stack_file_plus_required_secrets_passes(tmp_path: Path) -> None:
    secrets = runner.fake_secrets(optional=False)
    # Optional features' secrets (Sentry, Redis, OAuth...) are not among those required.
    assert not {"app.sentryDsn", "app.redisUrl", "supabase.googleClientSecret"} & set(secrets)
    assert "supabase.accessToken" in secrets
    _preview(tmp_path, secrets)


def test_a_missing_required_secret_is_named_by_the_cli(tmp_path: Path) -> None:
    secrets = runner.fake_secrets(optional=False)
    del secrets["supabase.accessToken"]
    with pytest.raises(auto.errors.CommandError) as err:
        _preview(tmp_path, secrets)
    assert "missing configuration value" in str(err.value)
    assert "supabase.accessToken" in str(err.value)


def test_a_value_of_the_wrong_type_is_refused_by_the_cli(tmp_path: Path) -> None:
    stack = runner.open_throwaway(
        "prod",
        base=tmp_path,
        secrets=runner.fake_secrets(optional=False),
        config={"supabase.jwtExpiry": "an hour"},
        program=_nothing,
    )
    with pytest.raises(auto.errors.CommandError) as err:
        stack.preview()
    assert "supabase.jwtExpiry" in str(err.value) and "integer" in str(err.value)
