"""Run the real program under Pulumi's mock runtime and record the resource graph.

No Pulumi CLI can run here (../shared/FACTS.md), so this is how engineers, CI and auditors
see what a stack declares without credentials or network.
"""
