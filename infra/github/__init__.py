"""GitHub: repository settings, default-branch ruleset, the prod environment and its secrets."""
