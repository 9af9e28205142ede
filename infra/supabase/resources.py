"""Dynamic resources for the Supabase settings we own, with typed Args.

Inputs are the API's own field names (`password_min_length`, `mailer_otp_exp`...), flat, so the
plan graph shows each setting as a plain input for policies; secrets are Output.secret and
listed in additional_secret_outputs so they stay secret in state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi.dynamic

from infra.supabase.provider import PROJECT_REF, SECRET_HASHES, SettingsProvider
from infra.supabase.settings import (
    AuthSettings,
    NetworkRestrictionSettings,
    PostgresSettings,
    PostgrestSettings,
    SslEnforcementSettings,
)

# Lower, upper, digits and symbols: the strictest set the API offers.
PASSWORD_CHARS_ALL = (
    "abcdefghijklmnopqrstuvwxyz:ABCDEFGHIJKLMNOPQRSTUVWXYZ:0123456789:"
    "!@#$%^&*()_+-=[]{};'\\\\:\"|<>?,./`~"
)
PASSWORD_CHARS_LOWER_UPPER_DIGITS = (
    "abcdefghijklmnopqrstuvwxyz:ABCDEFGHIJKLMNOPQRSTUVWXYZ:0123456789"
)
MAX_OTP_EXPIRY_S = 3600


@dataclass(frozen=True)
class OAuthClient:
    """An external identity provider: public client id, secret from a Pulumi secret."""

    client_id: str
    secret: pulumi.Input[str]


@dataclass(frozen=True)
class SmtpSettings:
    """Custom SMTP (Resend's SMTP relay): Supabase's built-in mailer is for testing only."""

    host: str
    port: int
    user: str
    password: pulumi.Input[str]
    admin_email: str
    sender_name: str
    max_frequency_s: int = 60


@dataclass(frozen=True)
class AuthRateLimits:
    """Per-hour limits (per 5 min for verify/token refresh/otp, as the API defines them)."""

    email_sent: int = 30
    verify: int = 30
    token_refresh: int = 150
    otp: int = 30
    anonymous_users: int = 30


@dataclass(frozen=True)
class AuthConfigArgs:
    project_ref: str
    site_url: pulumi.Input[str]
    redirect_urls: Sequence[pulumi.Input[str]]
    captcha_secret: pulumi.Input[str]
    smtp: SmtpSettings
    google: OAuthClient | None = None
    github: OAuthClient | None = None
    linkedin: OAuthClient | None = None
    jwt_expiry_s: int = 3600
    email_confirmation_required: bool = True
    password_min_length: int = 12
    password_required_characters: str = PASSWORD_CHARS_ALL
    leaked_password_check: bool | None = None  # None: the plan lacks it (Free), leave unset
    otp_expiry_s: int = 3600
    otp_length: int = 8
    mfa_totp: bool = True
    mfa_max_enrolled_factors: int = 10
    refresh_token_rotation: bool = True
    refresh_token_reuse_interval_s: int = 10
    rate_limits: AuthRateLimits = field(default_factory=AuthRateLimits)

    def props(self) -> dict[str, Any]:
        """Flatten into the API's field names; secrets wrapped as Pulumi secrets."""
        limits = self.rate_limits
        props: dict[str, Any] = {
            PROJECT_REF: self.project_ref,
            "site_url": self.site_url,
            "uri_allow_list": pulumi.Output.all(*self.redirect_urls).apply(
                lambda urls: ",".join(str(u) for u in urls)
            ),
            "jwt_exp": self.jwt_expiry_s,
            "disable_signup": False,
            "external_email_enabled": True,
            "mailer_autoconfirm": not self.email_confirmation_required,
            "mailer_secure_email_change_enabled": True,
            "password_min_length": self.password_min_length,
            "password_required_characters": self.password_required_characters,
            # Magic links are email OTPs: they share this expiry (<= 3600 s) and length.
            "mailer_otp_exp": self.otp_expiry_s,
            "mailer_otp_length": self.otp_length,
            "mfa_totp_enroll_enabled": self.mfa_totp,
            "mfa_totp_verify_enabled": self.mfa_totp,
            "mfa_max_enrolled_factors": self.mfa_max_enrolled_factors,
            "refresh_token_rotation_enabled": self.refresh_token_rotation,
            "security_refresh_token_reuse_interval": self.refresh_token_reuse_interval_s,
            "rate_limit_email_sent": limits.email_sent,
            "rate_limit_verify": limits.verify,
            "rate_limit_token_refresh": limits.token_refresh,
            "rate_limit_otp": limits.otp,
            "rate_limit_anonymous_users": limits.anonymous_users,
            "external_anonymous_users_enabled": False,
            "security_captcha_enabled": True,
            "security_captcha_provider": "turnstile",
            "security_captcha_secret": pulumi.Output.secret(self.captcha_secret),
            "smtp_host": self.smtp.host,
            "smtp_port": str(self.smtp.port),
            "smtp_user": self.smtp.user,
            "smtp_pass": pulumi.Output.secret(self.smtp.password),
            "smtp_admin_email": self.smtp.admin_email,
            "smtp_sender_name": self.smtp.sender_name,
            "smtp_max_frequency": self.smtp.max_frequency_s,
        }
        if self.leaked_password_check is not None:
            props["password_hibp_enabled"] = self.leaked_password_check
        for prefix, client in (
            ("external_google", self.google),
            ("external_github", self.github),
            ("external_linkedin_oidc", self.linkedin),
        ):
            props[f"{prefix}_enabled"] = client is not None
            if client is not None:
                props[f"{prefix}_client_id"] = client.client_id
                props[f"{prefix}_secret"] = pulumi.Output.secret(client.secret)
        return {k: v for k, v in props.items() if v is not None}


_AUTH_SECRET_OUTPUTS = [*sorted(AuthSettings.secret_fields), SECRET_HASHES]


class AuthConfig(pulumi.dynamic.Resource, module="supabase", name="AuthConfig"):
    """The project's GoTrue settings we own; other auth settings stay as the dashboard has them."""

    def __init__(
        self,
        name: str,
        args: AuthConfigArgs,
        opts: pulumi.ResourceOptions | None = None,
        provider: SettingsProvider | None = None,
    ) -> None:
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=_AUTH_SECRET_OUTPUTS)
        )
        super().__init__(provider or SettingsProvider(AuthSettings()), name, args.props(), opts)


class SslEnforcement(pulumi.dynamic.Resource, module="supabase", name="SslEnforcement"):
    """Reject non-TLS database connections."""

    def __init__(
        self,
        name: str,
        project_ref: str,
        database: bool = True,
        opts: pulumi.ResourceOptions | None = None,
        provider: SettingsProvider | None = None,
    ) -> None:
        props = {PROJECT_REF: project_ref, "database": database}
        super().__init__(
            provider or SettingsProvider(SslEnforcementSettings(), write_all=True),
            name,
            props,
            opts,
        )


@dataclass(frozen=True)
class NetworkRestrictionsArgs:
    project_ref: str
    ipv4_cidrs: Sequence[str]
    ipv6_cidrs: Sequence[str] = ()


class NetworkRestrictions(pulumi.dynamic.Resource, module="supabase", name="NetworkRestrictions"):
    """Database CIDR allow list (the API replaces both lists on every apply)."""

    def __init__(
        self,
        name: str,
        args: NetworkRestrictionsArgs,
        opts: pulumi.ResourceOptions | None = None,
        provider: SettingsProvider | None = None,
    ) -> None:
        props = {
            PROJECT_REF: args.project_ref,
            "db_allowed_cidrs": list(args.ipv4_cidrs),
            "db_allowed_cidrs_v6": list(args.ipv6_cidrs),
        }
        super().__init__(
            provider or SettingsProvider(NetworkRestrictionSettings(), write_all=True),
            name,
            props,
            opts,
        )


@dataclass(frozen=True)
class PostgrestArgs:
    project_ref: str
    exposed_schemas: Sequence[str]
    max_rows: int
    extra_search_path: Sequence[str] = ("public", "extensions")


class PostgrestConfig(pulumi.dynamic.Resource, module="supabase", name="PostgrestConfig"):
    """Data API: which schemas are exposed and a bound on rows per response."""

    def __init__(
        self,
        name: str,
        args: PostgrestArgs,
        opts: pulumi.ResourceOptions | None = None,
        provider: SettingsProvider | None = None,
    ) -> None:
        props = {
            PROJECT_REF: args.project_ref,
            "db_schema": ",".join(args.exposed_schemas),
            "max_rows": args.max_rows,
            "db_extra_search_path": ",".join(args.extra_search_path),
        }
        super().__init__(provider or SettingsProvider(PostgrestSettings()), name, props, opts)


@dataclass(frozen=True)
class PostgresArgs:
    project_ref: str
    statement_timeout: str = "8s"


class PostgresConfig(pulumi.dynamic.Resource, module="supabase", name="PostgresConfig"):
    """Database parameters we choose (statement timeout), sent with PUT semantics."""

    def __init__(
        self,
        name: str,
        args: PostgresArgs,
        opts: pulumi.ResourceOptions | None = None,
        provider: SettingsProvider | None = None,
    ) -> None:
        props = {PROJECT_REF: args.project_ref, "statement_timeout": args.statement_timeout}
        super().__init__(
            provider or SettingsProvider(PostgresSettings(), write_all=True), name, props, opts
        )
