"""Cross-layer seams: the API and web hosts the plan serves (Railway and Vercel custom domains
with a DNS record in the zone) are the one truth; everything that names a host or origin - the
web front's CSP, the API's and R2's CORS, Supabase Auth's site URL and redirects, DNS, Uptime
Kuma monitors, Grafana scrape targets - is checked against it, so a domain change that misses
one layer fails the audit instead of breaking sign-in or leaving a stale origin trusted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from pulumi_policy import StackValidationArgs

from policies import controls as c
from policies.evidence import Evidence
from policies.findings import listing
from policies.model import Rule, Violation
from policies.rules._define import HIGH, MANDATORY, MEDIUM, stack_rule
from policies.rules._props import as_list, get, of_type
from policies.rules.edge import DNS_RECORD, RAILWAY_DOMAIN, VERCEL_DOMAIN

RULES: list[Rule] = []
REPO = Path(__file__).resolve().parents[2]

VERCEL_PROJECT = "vercel:index/project:Project"
RAILWAY_VARIABLES = "pulumi-python:dynamic/railway:Variables"
S3_CORS = (
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2",
)
AUTH_CONFIG = "pulumi-python:dynamic/supabase:AuthConfig"
MONITOR = "pulumi-python:dynamic/uptimekuma:Monitor"
SCRAPE_JOB = "grafana:connections/metricsEndpointScrapeJob:MetricsEndpointScrapeJob"


@dataclass(frozen=True)
class Served:
    """What the plan serves: API and web hostnames, and the Supabase project origin."""

    api: tuple[str, ...]
    web: tuple[str, ...]
    supabase: tuple[str, ...]

    @property
    def web_origins(self) -> set[str]:
        return {f"https://{h}" for h in self.web}

    @property
    def api_origins(self) -> set[str]:
        return {f"https://{h}" for h in self.api}

    @property
    def zone_suffixes(self) -> set[str]:
        return {"." + h.split(".", 1)[1] for h in (*self.api, *self.web) if "." in h}

    def in_zone(self, host: str) -> bool:
        return any(host.endswith(s) or "." + host == s for s in self.zone_suffixes)


def served(args: StackValidationArgs) -> Served:
    dns = {str(get(r.props, "name")).lower() for r in of_type(args, DNS_RECORD)}
    api = sorted(
        str(get(r.props, "domain")).lower()
        for r in of_type(args, RAILWAY_DOMAIN)
        if str(get(r.props, "domain")).lower() in dns
    )
    web = sorted(
        str(get(r.props, "domain")).lower()
        for r in of_type(args, VERCEL_DOMAIN)
        if str(get(r.props, "domain")).lower() in dns
    )
    refs = sorted(
        f"https://{get(r.props, 'project_ref')}.supabase.co" for r in of_type(args, AUTH_CONFIG)
    )
    return Served(tuple(api), tuple(web), tuple(refs))


def _origin(url: str) -> str:
    parsed = urlparse(url.strip())
    return f"{parsed.scheme}://{parsed.netloc}".lower() if parsed.scheme else url.strip().lower()


def _host(url: object) -> str:
    return (urlparse(str(url)).hostname or "").lower()


def _csp_connect_src(vercel_json: Path) -> list[str] | str:
    """connect-src sources of the CSP Vercel serves on every path, or why there is none."""
    try:
        config = json.loads(vercel_json.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        return f"{vercel_json}: cannot read it ({err})"
    for block in as_list(config.get("headers")):
        if block.get("source") != "/(.*)":
            continue
        for header in as_list(block.get("headers")):
            if str(header.get("key")).lower() == "content-security-policy":
                for directive in str(header.get("value")).split(";"):
                    name, *sources = directive.split()
                    if name == "connect-src":
                        return sources
                return "the CSP has no connect-src directive"
    return "no Content-Security-Policy header for /(.*)"


@stack_rule(
    RULES,
    id="CRM-SEAM-001",
    title="The web front's CSP connects only to the hosts the stack serves",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.ASVS_14_4_3, c.SOC2_CC6_6],
    description="connect-src in the vercel.json Vercel deploys (the project's root "
    "directory) must name the API host and the Supabase project the plan serves, and "
    "nothing else: a stale host breaks the app, an extra one is trusted for no reason.",
    remediation="Regenerate it: `python -m stacks.web_headers --stack <stack>`.",
)
def csp_connect_src(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    truth = served(args)
    for project in of_type(args, VERCEL_PROJECT):
        path = REPO / str(get(project.props, "rootDirectory") or ".") / "vercel.json"
        sources = _csp_connect_src(path)
        yield Evidence(str(path.relative_to(REPO)), "CSP connect-src", sources, project.urn)
        if isinstance(sources, str):
            yield Violation(
                sources, path="connect-src", actual=None, required="a CSP", urn=project.urn
            )
            continue
        have = {_origin(s) for s in sources if s != "'self'"}
        want = truth.api_origins | set(truth.supabase)
        if have != want:
            yield Violation(
                f"{path.relative_to(REPO)} connect-src names {listing(have - want)} not served"
                f" and misses {listing(want - have)}",
                path="headers[/(.*)].Content-Security-Policy.connect-src",
                actual=sorted(have),
                required=sorted(want),
                urn=project.urn,
            )


@stack_rule(
    RULES,
    id="CRM-SEAM-002",
    title="The API allows exactly the web origin the stack serves (CORS)",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.ASVS_14_5_3, c.SOC2_CC6_6],
    description="CORS_ALLOW_ORIGINS of the API service must be the web front's origin(s) "
    "the plan serves; a stale origin breaks the app, another one lets its pages call "
    "the API with a user's token.",
    remediation="Set CORS_ALLOW_ORIGINS from cfg.dns.web_origin (stacks/hosting.py).",
)
def api_cors(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    truth = served(args)
    for variables in of_type(args, RAILWAY_VARIABLES):
        value = get(variables.props, "variables.CORS_ALLOW_ORIGINS")
        if value is None:
            continue
        have = {_origin(o) for o in str(value).split(",") if o.strip()}
        yield Evidence(variables.name, "CORS_ALLOW_ORIGINS", sorted(have), variables.urn)
        if have != truth.web_origins:
            yield Violation(
                f"{variables.name}: CORS_ALLOW_ORIGINS is {listing(have)}, the web front is "
                f"served at {listing(truth.web_origins)}",
                path="variables.CORS_ALLOW_ORIGINS",
                actual=sorted(have),
                required=sorted(truth.web_origins),
                urn=variables.urn,
            )


@stack_rule(
    RULES,
    id="CRM-SEAM-003",
    title="R2 CORS allows only the web origin the stack serves",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.ASVS_14_5_3, c.SOC2_CC6_6],
    description="Browsers upload to R2 with presigned URLs from the web front only; every "
    "allowedOrigins entry must be a web origin the plan serves.",
    remediation="Build the bucket CORS from cfg.dns.web_origin (StorageArgs.web_origin).",
)
def r2_cors(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    truth = served(args)
    for cors in of_type(args, *S3_CORS):
        for i, rule in enumerate(as_list(get(cors.props, "corsRules"))):
            have = {_origin(str(o)) for o in as_list(get(rule, "allowedOrigins"))}
            yield Evidence(cors.name, f"corsRules.{i}.allowedOrigins", sorted(have), cors.urn)
            if not have or not have <= truth.web_origins:
                yield Violation(
                    f"{cors.name}: CORS rule {i} allows {listing(have - truth.web_origins)}, "
                    "not a web origin the stack serves",
                    path=f"corsRules.{i}.allowedOrigins",
                    actual=sorted(have),
                    required=sorted(truth.web_origins),
                    urn=cors.urn,
                )


@stack_rule(
    RULES,
    id="CRM-SEAM-004",
    title="Supabase Auth's site URL and redirects are on hosts the stack serves",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.ASVS_5_1_5, c.SOC2_CC6_1],
    description="Magic links and OAuth redirect to site_url or a uri_allow_list entry; "
    "each must be on a host the plan serves, or a sign-in token lands on a host we do "
    "not control (or on a stale one, breaking sign-in).",
    remediation="Derive site_url and the redirect list from cfg.dns (stacks/hosting.py).",
)
def auth_redirects(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    truth = served(args)
    hosts = set(truth.api) | set(truth.web)
    for auth in of_type(args, AUTH_CONFIG):
        site = str(get(auth.props, "site_url") or "")
        allow = [u for u in str(get(auth.props, "uri_allow_list") or "").split(",") if u.strip()]
        yield Evidence(auth.name, "site_url", site, auth.urn)
        yield Evidence(auth.name, "uri_allow_list", allow, auth.urn)
        if _origin(site) not in truth.web_origins:
            yield Violation(
                f"{auth.name}: site_url {site} is not the web origin the stack serves",
                path="site_url",
                actual=site,
                required=sorted(truth.web_origins),
                urn=auth.urn,
            )
        stray = [u for u in allow if _host(u) not in hosts or not u.startswith("https://")]
        if stray:
            yield Violation(
                f"{auth.name}: redirect(s) {listing(stray)} are not on a host the stack serves",
                path="uri_allow_list",
                actual=allow,
                required=f"https:// URLs on {listing(hosts)}",
                urn=auth.urn,
            )


@stack_rule(
    RULES,
    id="CRM-SEAM-005",
    title="Every custom domain of an origin has a DNS record in the zone",
    severity=MEDIUM,
    enforcement=MANDATORY,
    controls=[c.CIS_4_1, c.SOC2_CC8_1],
    description="A Railway or Vercel custom domain without a DNS record never gets a "
    "certificate or traffic; one whose record points elsewhere serves someone else.",
    remediation="Create the proxied CNAME for it (EdgeArgs.hosts in stacks/program.py).",
)
def domains_have_dns(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    records = {str(get(r.props, "name")).lower(): r for r in of_type(args, DNS_RECORD)}
    for kind in (RAILWAY_DOMAIN, VERCEL_DOMAIN):
        for domain in of_type(args, kind):
            name = str(get(domain.props, "domain")).lower()
            record = records.get(name)
            yield Evidence(
                name,
                "DNS record",
                get(record.props, "content") if record else "absent",
                domain.urn,
            )
            if record is None:
                yield Violation(
                    f"{name} ({domain.name}) has no DNS record in the zone",
                    path="domain",
                    actual=name,
                    required=f"one of the zone's records {listing(records)}",
                    urn=domain.urn,
                )


@stack_rule(
    RULES,
    id="CRM-SEAM-006",
    title="Uptime monitors probe only hosts the stack serves",
    severity=MEDIUM,
    enforcement=MANDATORY,
    controls=[c.SOC2_CC7_2, c.SOC2_A1_2],
    description="A monitor on a host of our zone that the plan no longer serves is green "
    "for the wrong thing (or alerts forever); the host that replaced it goes unwatched.",
    remediation="Build monitors from cfg.dns (UptimeMonitoringArgs).",
)
def monitors_current(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    truth = served(args)
    hosts = set(truth.api) | set(truth.web)
    for monitor in of_type(args, MONITOR):
        url = get(monitor.props, "spec.url")
        if not url:
            continue
        host = _host(url)
        yield Evidence(monitor.name, "spec.url", url, monitor.urn)
        if truth.in_zone(host) and host not in hosts:
            yield Violation(
                f"{monitor.name} probes {host}, which the stack does not serve",
                path="spec.url",
                actual=url,
                required=f"a URL on {listing(hosts)}",
                urn=monitor.urn,
            )


@stack_rule(
    RULES,
    id="CRM-SEAM-007",
    title="Grafana scrapes the API's metrics on the host that serves them",
    severity=MEDIUM,
    enforcement=MANDATORY,
    controls=[c.SOC2_CC7_2],
    description="A scrape job on a host of our zone must target the API host the plan "
    "serves, at a route the API has; otherwise dashboards and alerts go silent.",
    remediation="Build the scrape job URL from cfg.dns.api_hostname (stacks/observability.py).",
)
def scrape_targets(args: StackValidationArgs) -> Iterator[Violation | Evidence]:
    from policies.routes import api_routes

    truth = served(args)
    paths = {r.path for r in api_routes() if r.method == "GET"}
    in_zone = 0
    for job in of_type(args, SCRAPE_JOB):
        url = str(get(job.props, "url"))
        host = _host(url)
        yield Evidence(job.name, "url", url, job.urn)
        if not truth.in_zone(host):
            continue
        in_zone += 1
        path = urlparse(url).path or "/"
        if host not in truth.api or path not in paths:
            yield Violation(
                f"{job.name} scrapes {url}: not a route of the API host the stack serves",
                path="url",
                actual=url,
                required=[f"https://{h}/metrics" for h in truth.api],
                urn=job.urn,
            )
    if truth.api and in_zone == 0:
        yield Violation(
            "no Grafana scrape job targets the API host",
            path="url",
            actual=None,
            required=[f"https://{h}/metrics" for h in truth.api],
        )
