"""Helpers that start real components (PostgreSQL, ...) on 127.0.0.1 for the tests."""
