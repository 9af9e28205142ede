"""Pulumi program entry (`main: stacks/` in Pulumi.yaml)."""

import os
import sys

# Pulumi runs this file as a script from the project root; make `infra` and `stacks` importable.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from stacks.program import main

main()
