"""CrossGuard entry point: `pulumi preview --policy-pack policies` runs this file.

Constructing PolicyPack starts the analyzer's gRPC server and never returns, so this module
does nothing else; the rules live in importable modules (policies.rules.*).
"""

import sys
from pathlib import Path

# The engine runs this file from inside policies/; make the repository root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import EnforcementLevel, PolicyPack

from policies.rules import ALL_RULES

PolicyPack(
    name="careers-crm-policies",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[rule.to_policy() for rule in ALL_RULES],
    description="Security rules for the Career Services CRM platform (edge, R2, Supabase, "
    "Railway, Vercel, GitHub, observability, stack-wide).",
)
