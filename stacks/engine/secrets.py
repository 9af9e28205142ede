"""`python -m stacks.engine.secrets [--stack prod]`: the secret keys a stack needs, one a
line, for `pulumi config set --secret`: those Pulumi.yaml declares `secret: true` without a
default, plus each OAuth client secret whose client id the stack file sets (the id turns
that sign-in on). Other optional features' secrets (Sentry, Redis...) stay off unless set."""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from stacks.engine.runner import PROJECT, REPO, optional_secrets, required_secrets


def needed_secrets(stack: str, root: Path = REPO) -> list[str]:
    stack_file = yaml.safe_load((root / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))
    values = (stack_file or {}).get("config") or {}
    enabled = [
        key
        for key in optional_secrets(root)
        if key.endswith("ClientSecret") and values.get(f"{PROJECT}:{key.removesuffix('Secret')}Id")
    ]
    return required_secrets(root) + enabled


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m stacks.engine.secrets", description=__doc__)
    parser.add_argument("--stack", default="prod")
    print("\n".join(needed_secrets(parser.parse_args().stack)))
