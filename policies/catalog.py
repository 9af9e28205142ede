"""The rule catalogue as Markdown, for docs/policies.md (a test keeps the two in sync).

Usage: python -m policies.catalog
"""

from __future__ import annotations

from policies.rules import ALL_RULES

_SHORT = {"OWASP ASVS": "ASVS", "CIS Controls": "CIS", "SOC 2 TSC": "SOC 2"}


def render() -> str:
    lines = ["| Id | Rule | Severity | Enforcement | Controls |", "|---|---|---|---|---|"]
    for rule in ALL_RULES:
        controls = ", ".join(
            f"{_SHORT.get(c.framework, c.framework)} {c.id}" for c in rule.controls
        )
        lines.append(
            f"| {rule.id} | {rule.title} | {rule.severity.value} | "
            f"{rule.enforcement.value} | {controls} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
