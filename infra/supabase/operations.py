"""Every Management API operation our client may send: the single list the contract tests check.

The client can only send an `Operation` from this module, so a new endpoint cannot slip in
without the contract test seeing it. `scope` is the fine-grained permission the spec lists for
the operation; it goes into 401/403 errors so the operator knows which token grant is missing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    scope: str


GET_AUTH_CONFIG = Operation(
    "v1-get-auth-service-config", "GET", "/v1/projects/{ref}/config/auth", "auth_config_read"
)
UPDATE_AUTH_CONFIG = Operation(
    "v1-update-auth-service-config", "PATCH", "/v1/projects/{ref}/config/auth", "auth_config_write"
)
GET_SSL_ENFORCEMENT = Operation(
    "v1-get-ssl-enforcement-config",
    "GET",
    "/v1/projects/{ref}/ssl-enforcement",
    "database_ssl_config_read",
)
UPDATE_SSL_ENFORCEMENT = Operation(
    "v1-update-ssl-enforcement-config",
    "PUT",
    "/v1/projects/{ref}/ssl-enforcement",
    "database_ssl_config_write",
)
GET_NETWORK_RESTRICTIONS = Operation(
    "v1-get-network-restrictions",
    "GET",
    "/v1/projects/{ref}/network-restrictions",
    "database_network_restrictions_read",
)
APPLY_NETWORK_RESTRICTIONS = Operation(
    "v1-update-network-restrictions",
    "POST",
    "/v1/projects/{ref}/network-restrictions/apply",
    "database_network_restrictions_write",
)
GET_POSTGREST_CONFIG = Operation(
    "v1-get-postgrest-service-config", "GET", "/v1/projects/{ref}/postgrest", "data_api_config_read"
)
UPDATE_POSTGREST_CONFIG = Operation(
    "v1-update-postgrest-service-config",
    "PATCH",
    "/v1/projects/{ref}/postgrest",
    "data_api_config_write",
)
GET_POSTGRES_CONFIG = Operation(
    "v1-get-postgres-config",
    "GET",
    "/v1/projects/{ref}/config/database/postgres",
    "database_config_read",
)
UPDATE_POSTGRES_CONFIG = Operation(
    "v1-update-postgres-config",
    "PUT",
    "/v1/projects/{ref}/config/database/postgres",
    "database_config_write",
)
GET_POOLER_CONFIG = Operation(
    "v1-get-pooler-config",
    "GET",
    "/v1/projects/{ref}/config/database/pooler",
    "database_pooling_config_read",
)
UPDATE_POOLER_CONFIG = Operation(
    "v1-update-pooler-config",
    "PATCH",
    "/v1/projects/{ref}/config/database/pooler",
    "database_pooling_config_write",
)
LIST_BACKUPS = Operation(
    "v1-list-all-backups", "GET", "/v1/projects/{ref}/database/backups", "backups_read"
)
GET_SECURITY_ADVISORS = Operation(
    "v1-get-security-advisors", "GET", "/v1/projects/{ref}/advisors/security", "advisors_read"
)

ALL_OPERATIONS: tuple[Operation, ...] = (
    GET_AUTH_CONFIG,
    UPDATE_AUTH_CONFIG,
    GET_SSL_ENFORCEMENT,
    UPDATE_SSL_ENFORCEMENT,
    GET_NETWORK_RESTRICTIONS,
    APPLY_NETWORK_RESTRICTIONS,
    GET_POSTGREST_CONFIG,
    UPDATE_POSTGREST_CONFIG,
    GET_POSTGRES_CONFIG,
    UPDATE_POSTGRES_CONFIG,
    GET_POOLER_CONFIG,
    UPDATE_POOLER_CONFIG,
    LIST_BACKUPS,
    GET_SECURITY_ADVISORS,
)
