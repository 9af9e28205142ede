"""The Pulumi program (Pulumi.yaml `main: stacks/`) and its offline plan."""
