"""`python -m stacks.engine.secrets`: the secret keys the CLI requires for a stack (declared
`secret: true` without a default in Pulumi.yaml), one a line, for `pulumi config set --secret`.
Optional features' secrets (Sentry, Redis, OAuth...) are not listed: unset, they stay off."""

from __future__ import annotations

from stacks.engine.runner import required_secrets

if __name__ == "__main__":
    print("\n".join(required_secrets()))
