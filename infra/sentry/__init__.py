"""Sentry: the CRM project, its client key and alerts (pulumiverse-sentry)."""
