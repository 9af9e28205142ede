"""`python -m dashboards.render`: write every dashboard and the alert rule group as JSON.

Output (build/dashboards/ by default): `<uid>.json` per dashboard, `alerts.json` (the rule
group in Grafana's provisioning shape) and `index.json` listing what was written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dashboards.alerts import alert_rules, rule_group_json
from dashboards.catalog import dashboards

DEFAULT_RUNBOOK_BASE = "https://github.com/careers-crm/platform/blob/main"


def render(
    out: Path, environment: str, hosts: list[str], datasource_uid: str, runbook_base: str
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for uid, model in sorted(dashboards().items()):
        path = out / f"{uid}.json"
        path.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n")
        written.append(path)
    rules = rule_group_json(
        alert_rules(environment, hosts), "careers-crm", datasource_uid, runbook_base
    )
    alerts = out / "alerts.json"
    alerts.write_text(json.dumps(rules, indent=2, sort_keys=True) + "\n")
    written.append(alerts)
    index = out / "index.json"
    index.write_text(json.dumps(sorted(p.name for p in written), indent=2) + "\n")
    return [*written, index]


def stack_inputs(stack: str, root: Path | None = None) -> dict[str, Any]:
    """Environment, public hosts, data source and runbook base from the stack's config,
    validated exactly as the Pulumi program validates it (raises ConfigError)."""
    from stacks.config.declared import ROOT
    from stacks.config.validate import validate_stack

    cfg = validate_stack(stack, root or ROOT)
    hosts = [cfg.dns.api_hostname, cfg.dns.web_hostname, *cfg.uptime_kuma.extra_hosts]
    return {
        "environment": cfg.stack,
        "hosts": list(dict.fromkeys(hosts)),
        "datasource_uid": cfg.grafana.prometheus_datasource_uid,
        "runbook_base": cfg.alerting.runbook_base_url,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/dashboards"))
    parser.add_argument(
        "--stack",
        help="take environment, hosts, data source and runbook "
        "base from Pulumi.<stack>.yaml (overrides the rest)",
    )
    parser.add_argument("--environment", default="prod")
    parser.add_argument(
        "--host",
        action="append",
        default=[],
        help="public hostname that gets an endpoint-down rule (repeatable)",
    )
    parser.add_argument("--datasource-uid", default="grafanacloud-prom")
    parser.add_argument("--runbook-base", default=DEFAULT_RUNBOOK_BASE)
    args = parser.parse_args(argv)
    inputs = {
        "environment": args.environment,
        "hosts": args.host,
        "datasource_uid": args.datasource_uid,
        "runbook_base": args.runbook_base,
    }
    if args.stack:
        from stacks.config import ConfigError

        try:
            inputs = stack_inputs(args.stack)
        except ConfigError as err:
            print(f"dashboards: {err}", file=sys.stderr)
            return 2
    for path in render(
        args.out,
        inputs["environment"],
        inputs["hosts"],
        inputs["datasource_uid"],
        inputs["runbook_base"],
    ):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
