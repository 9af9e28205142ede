"""Secrets at runtime (app/secrets.py) and the database password rotation."""
