"""A real Prometheus (Debian package) on 127.0.0.1 scraping what a test starts."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.support.ports import free_port


class PrometheusMissing(RuntimeError):
    pass


@contextmanager
def running_prometheus(scrape_configs: list[dict[str, Any]]) -> Iterator[str]:
    """Start Prometheus with these scrape jobs; yield its base URL; stop and clean up after."""
    binary = shutil.which("prometheus")
    if binary is None:
        raise PrometheusMissing(
            "prometheus not found: install Debian's prometheus (make test does it via "
            ".ci/ensure-system-packages)"
        )
    root = Path(tempfile.mkdtemp(prefix="crm-prom-"))
    config = root / "prometheus.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "scrape_configs": scrape_configs,
            }
        )
    )
    port = free_port()
    log = open(root / "prometheus.log", "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={root / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError((root / "prometheus.log").read_text()[-2000:])
            try:
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("Prometheus did not become ready in 30 s")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def wait_for_targets(url: str, jobs: set[str], samples: int = 3, timeout: float = 30) -> None:
    """Block until every job's target is up and has been scraped `samples` times."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = httpx.get(
            f"{url}/api/v1/query", params={"query": "count_over_time(up[1m]) and up == 1"}
        ).json()
        counts = {r["metric"]["job"]: float(r["value"][1]) for r in result["data"]["result"]}
        if all(counts.get(job, 0) >= samples for job in jobs):
            return
        time.sleep(0.2)
    targets = httpx.get(f"{url}/api/v1/targets").json()["data"]["activeTargets"]
    raise TimeoutError(f"targets not up: {[(t['labels'], t.get('lastError')) for t in targets]}")
