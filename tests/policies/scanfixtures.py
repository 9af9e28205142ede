"""A small repository tree for the scanners: workflows that break and keep our conventions,
a Dockerfile and a planted, obviously fake credential."""

from __future__ import annotations

from pathlib import Path

PINNED = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"  # v4.2.2

UNPINNED = """name: unpinned
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo build
"""
WRITE_ALL = """name: write-all
on: push
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo build
"""
GOOD = f"""name: good
on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: {PINNED}
        with:
          persist-credentials: false
      - uses: ./.github/actions/setup
      - uses: docker://alpine@sha256:{"a" * 64}
      - run: echo build
  reuse:
    uses: careers-crm/shared/.github/workflows/lint.yml@{"b" * 40}
"""
CALLS_UNPINNED = """name: calls-unpinned
on: push
permissions:
  contents: read
jobs:
  lint:
    uses: careers-crm/shared/.github/workflows/lint.yml@main
"""
DOCKERFILE = 'FROM python:3.11-slim\nCOPY . /app\nCMD ["python", "-m", "app"]\n'
# AWS's documented example key id, assembled so this file is not itself a finding.
FAKE_AWS_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE"


def build_tree(root: Path) -> Path:
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "unpinned.yml").write_text(UNPINNED)
    (workflows / "write-all.yml").write_text(WRITE_ALL)
    (workflows / "good.yml").write_text(GOOD)
    (workflows / "calls-unpinned.yml").write_text(CALLS_UNPINNED)
    (root / "Dockerfile").write_text(DOCKERFILE)
    (root / "deploy").mkdir()
    (root / "deploy" / "settings.py").write_text(f'AWS_ACCESS_KEY_ID = "{FAKE_AWS_KEY_ID}"\n')
    (root / "tests").mkdir()
    (root / "tests" / "fixture.py").write_text(f'KEY = "{FAKE_AWS_KEY_ID}"\n')
    return root
