"""Database backup and restore shared by `python -m app.backup` and `python -m app.restore`.

Kept apart from the API code: these run from CI (backup.yml) with storage credentials the
API never holds, and they must not import the web stack.
"""
