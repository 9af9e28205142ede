"""README "Running it for real", walked as a user walks it: its commands run in order in a
copy of the repository against a local file backend, with the cloud tokens left out and
the stand-in provider plugins on PATH in place of the clouds.

The last line (`python -m stacks.engine up`) runs too, after the endpoint keys of the local
stack point the dynamic providers at the stand-ins of tests/engine/local_stack.py (Supabase,
Railway, Infisical and Resend fakes, a real Uptime Kuma): the one deviation from the README,
which a user on the real clouds does not make."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from stacks.engine import runner, standin
from stacks.engine.secrets import needed_secrets
from tests.engine.local_stack import stand_ins

REPO = Path(__file__).resolve().parents[2]
CLOUD_TOKENS = re.compile(r"^export (CLOUDFLARE|GITHUB|VERCEL|GRAFANA|UPSTASH|INFISICAL)_")


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Running it for real", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [ln.split("  #", 1)[0].rstrip() for ln in block.splitlines()]
    return [ln for ln in lines if ln and not ln.lstrip().startswith("#")]


def test_the_readme_commands_run_in_order(tmp_path: Path) -> None:
    commands = readme_commands()
    assert commands[0] == "make engine"
    assert commands[-2:] == [
        "python -m policies.preview --stack prod",
        "python -m stacks.engine up --stack prod",
    ]
    clone = tmp_path / "clone"
    files = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in files:
        if (REPO / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, clone / name)
    for shared in (".venv", ".tools"):
        (clone / shared).symlink_to(REPO / shared)
    plugins = standin.write_launchers(tmp_path / "plugins", Path(sys.executable), clone)
    script = ["set -euo pipefail"]
    for line in commands[:-1]:
        if CLOUD_TOKENS.match(line):
            continue
        line = line.replace("~/.pulumi-state", f"{tmp_path}/state")
        line = line.replace(" ...", " fake-readme-value")
        script.append(line)
        if line.startswith("python -m stacks.engine.secrets"):
            # "one `config set --secret` per key that this lists"
            for key in needed_secrets("prod"):
                script.append(f"pulumi config set --secret careers-crm:{key} fake-{key}")
    env = {
        **os.environ,
        "PULUMI_HOME": str(tmp_path / "home"),
        "PULUMI_CONFIG_PASSPHRASE": runner.FAKE_PASSPHRASE,
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PATH": f"{plugins}{os.pathsep}{os.environ['PATH']}",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    env.pop("PULUMI_BACKEND_URL", None)
    with stand_ins() as local:
        script.append("echo '--- up against the stand-ins ---'")
        for key, value in local.config.items():
            script.append(f"pulumi config set careers-crm:{key} {value}")
        for key, value in local.secrets.items():
            script.append(f"pulumi config set --secret careers-crm:{key} '{value}'")
        script.append(commands[-1])
        done = subprocess.run(
            ["bash", "-c", "\n".join(script)],
            cwd=clone,
            env={**env, **local.env},
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        contract_errors = local.contract_errors()
        railway_services = len(local.railway.services)
    assert "Previewing update (prod)" in done.stdout, done.stdout[-2000:] + done.stderr[-3000:]
    preview, up = done.stdout.split("--- up against the stand-ins ---", 1)
    assert '"rules_evaluated"' in preview
    # The preview's blocking findings (exit 1) do not stop a user who goes on to `up`.
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Updating (prod)" in up
    assert re.search(r"\+ 1[0-9]{2} created", up), up[-2000:]
    assert railway_services >= 3 and contract_errors == {}
    # The secrets went into the copy's stack file encrypted, never in plain text.
    stack_file = (clone / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    assert "secure:" in stack_file and "fake-" not in stack_file
