"""Vercel: the static web front (project, environment variables, domain)."""
