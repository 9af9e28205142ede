"""Railway's published GraphQL schema (introspection) as the contract our documents must meet.

Vendored in `tests/contracts/` (source, commit and the one documented edit in its README); a
missing file fails with a message saying where it belongs.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import graphql

REPO_ROOT = Path(__file__).resolve().parents[3]
CONTRACTS_DIR = REPO_ROOT / "tests" / "contracts"
SCHEMA_FILE = CONTRACTS_DIR / "railway-public-api.introspection.json"


class ContractMissing(RuntimeError):
    pass


class ContractViolation(AssertionError):
    pass


@functools.cache
def schema() -> graphql.GraphQLSchema:
    if not SCHEMA_FILE.is_file():
        raise ContractMissing(
            f"Railway introspection contract not found at {SCHEMA_FILE}: it is vendored in "
            "tests/contracts/ (see its README for the source); restore it from git."
        )
    raw: dict[str, Any] = json.loads(SCHEMA_FILE.read_text())
    return graphql.build_client_schema(raw.get("data", raw))


def validate_document(text: str) -> graphql.DocumentNode:
    try:
        document = graphql.parse(text)
    except graphql.GraphQLError as err:
        raise ContractViolation(f"document does not parse: {err.message}") from None
    errors = graphql.validate(schema(), document)
    if errors:
        raise ContractViolation("; ".join(e.message for e in errors))
    return document


def validate_variables(document: graphql.DocumentNode, variables: dict[str, Any]) -> None:
    """Coerce variables exactly as the server would: unknown input fields are errors."""
    operations = document.definitions
    [operation] = [d for d in operations if isinstance(d, graphql.OperationDefinitionNode)]
    coerced = graphql.execution.values.get_variable_values(
        schema(), operation.variable_definitions or (), variables
    )
    if isinstance(coerced, list):
        raise ContractViolation("; ".join(e.message for e in coerced))
