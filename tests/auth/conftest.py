"""The app's database and identity fixtures, shared with tests/app."""

from tests.app.conftest import crm_dsn, crm_template, identity  # noqa: F401
