"""Infisical as code: project, environments, folders, identities, the secrets Pulumi owns."""
