"""The suite's throwaway PostgreSQL: app/devdb.py, which `python -m app.local` runs too."""

from __future__ import annotations

from app.devdb import NOBODY, PostgresServer, pg_bin_dir, running_postgres

__all__ = ["NOBODY", "PostgresServer", "pg_bin_dir", "running_postgres"]
