"""The real prod plan, as the policy tests compute it."""

from tests.policies.conftest import prod_data, prod_plan  # noqa: F401
