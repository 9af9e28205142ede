"""Reusable Pulumi components, one concern each, composed by stacks/."""
