"""Run the real program under Pulumi's mock runtime and record the resource graph.

Pulumi's mock runtime (`pulumi.runtime.set_mocks`, the documented unit-test route) needs no
CLI, credentials, provider plugin or network, so this is how engineers, CI and auditors see
what a stack declares in a second; `make preview` runs the real engine.
"""
