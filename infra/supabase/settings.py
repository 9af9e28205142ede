"""How each project-settings resource maps to the Management API: what to read, what to write.

A `SettingsKind` is a flat bag of fields named exactly as the API names them, so the plan graph
shows `password_min_length`, `mailer_otp_exp`... as plain inputs that policies can check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.supabase.client import AUTH_SECRET_FIELDS, SupabaseClient

Fields = dict[str, Any]


class SettingsKind:
    """Reads and writes one settings document; subclasses are stateless and pickle by name."""

    name = "settings"
    secret_fields: frozenset[str] = frozenset()
    set_fields: frozenset[str] = frozenset()  # compared as sets (order is not meaningful)

    def read(self, client: SupabaseClient, ref: str, managed: set[str]) -> Fields:
        raise NotImplementedError

    def write(self, client: SupabaseClient, ref: str, fields: Mapping[str, Any]) -> Fields:
        """Send `fields`; return the live values the API answered with (hashes for secrets)."""
        raise NotImplementedError

    def same(self, field: str, old: Any, new: Any) -> bool:
        if field in self.set_fields and isinstance(old, list) and isinstance(new, list):
            return sorted(map(str, old)) == sorted(map(str, new))
        if isinstance(old, int | float) and isinstance(new, int | float):
            return float(old) == float(new)
        return bool(old == new)


class AuthSettings(SettingsKind):
    name = "auth config"
    secret_fields = AUTH_SECRET_FIELDS

    def read(self, client: SupabaseClient, ref: str, managed: set[str]) -> Fields:
        live = client.get_auth_config(ref)
        return {k: live.get(k) for k in managed}

    def write(self, client: SupabaseClient, ref: str, fields: Mapping[str, Any]) -> Fields:
        return client.update_auth_config(ref, _as_api_types(fields))


class SslEnforcementSettings(SettingsKind):
    name = "SSL enforcement"

    def read(self, client: SupabaseClient, ref: str, managed: set[str]) -> Fields:
        return {"database": client.get_ssl_enforcement(ref)["currentConfig"]["database"]}

    def write(self, client: SupabaseClient, ref: str, fields: Mapping[str, Any]) -> Fields:
        reply = client.update_ssl_enforcement(ref, database=bool(fields["database"]))
        return {"database": reply["currentConfig"]["database"]}


class NetworkRestrictionSettings(SettingsKind):
    name = "network restrictions"
    set_fields = frozenset({"db_allowed_cidrs", "db_allowed_cidrs_v6"})

    def read(self, client: SupabaseClient, ref: str, managed: set[str]) -> Fields:
        return _cidrs(client.get_network_restrictions(ref))

    def write(self, client: SupabaseClient, ref: str, fields: Mapping[str, Any]) -> Fields:
        # The apply endpoint replaces both lists, so we always send both (from desired state).
        reply = client.apply_network_restrictions(
            ref,
            ipv4=list(fields.get("db_allowed_cidrs") or []),
            ipv6=list(fields.get("db_allowed_cidrs_v6") or []),
        )
        return _cidrs(reply)


class PostgrestSettings(SettingsKind):
    name = "PostgREST config"

    def read(self, client: SupabaseClient, ref: str, managed: set[str]) -> Fields:
        live = client.get_postgrest_config(ref)
        return {k: live.get(k) for k in managed}

    def write(self, client: SupabaseClient, ref: str, fields: Mapping[str, Any]) -> Fields:
        return client.update_postgrest_config(ref, _as_api_types(fields))


class PostgresSettings(SettingsKind):
    name = "Postgres config"

    def read(self, client: SupabaseClient, ref: str, managed: set[str]) -> Fields:
        live = client.get_postgres_config(ref)
        return {k: live.get(k) for k in managed}

    def write(self, client: SupabaseClient, ref: str, fields: Mapping[str, Any]) -> Fields:
        return client.update_postgres_config(ref, _as_api_types(fields))


def _cidrs(reply: Mapping[str, Any]) -> Fields:
    config = reply.get("config") or {}
    return {
        "db_allowed_cidrs": list(config.get("dbAllowedCidrs") or []),
        "db_allowed_cidrs_v6": list(config.get("dbAllowedCidrsV6") or []),
    }


def _as_api_types(fields: Mapping[str, Any]) -> Fields:
    """The engine hands numbers over as floats; the API's integer fields reject 3600.0."""
    return {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in fields.items()}
