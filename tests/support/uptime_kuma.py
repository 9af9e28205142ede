"""A real Uptime Kuma server on 127.0.0.1 for the monitor provider's tests.

The npm install (about 3.5 min: sqlite3 compiles from source) is cached OUTSIDE the repo in
~/.cache/careers-crm/uptime-kuma/<version>/ so only the first run pays for it. The package
misplaces seven db/patch-*.sql files that its migrations read from db/old_migrations/
(the 2.0.0-dev.0 npm package ships them in db/ only); the installer copies them there
before marking the cache ready.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.ports import free_port

KUMA_VERSION = "2.0.0-dev.0"
CACHE_ROOT = Path(
    os.environ.get("CRM_KUMA_CACHE", Path.home() / ".cache" / "careers-crm" / "uptime-kuma")
)
READY_MARK = ".careers-crm-ready"


class NodeMissing(RuntimeError):
    """Node.js or npm is absent: the Uptime Kuma tests cannot run on this machine."""


@dataclass(frozen=True)
class KumaServer:
    url: str
    data_dir: Path
    log_path: Path


def package_dir(root: Path = CACHE_ROOT) -> Path:
    return root / KUMA_VERSION / "node_modules" / "uptime-kuma"


def ensure_installed(root: Path = CACHE_ROOT) -> Path:
    """Install Uptime Kuma into the cache once (file-locked against parallel workers)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise NodeMissing("node/npm not found on PATH: Uptime Kuma cannot be installed")
    target = package_dir(root)
    if (target / READY_MARK).exists():
        return target
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / READY_MARK).exists():
            return target
        staging = root / f"{KUMA_VERSION}.tmp"
        if staging.exists() and not _sqlite_loads(staging):
            shutil.rmtree(staging)  # an install interrupted part-way: start over
        if not staging.exists():
            staging.mkdir(parents=True)
            (staging / "package.json").write_text('{"name": "kuma-cache", "private": true}\n')
            subprocess.run(
                [
                    "npm",
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                    f"uptime-kuma@{KUMA_VERSION}",
                ],
                cwd=staging,
                check=True,
                capture_output=True,
                timeout=900,
            )
        if not _sqlite_loads(staging):
            raise RuntimeError(
                f"npm installed Uptime Kuma in {staging} but its sqlite3 "
                "module does not load (needs a C compiler: build-essential)"
            )
        _copy_misplaced_patches(staging / "node_modules" / "uptime-kuma")
        final = root / KUMA_VERSION
        if final.exists():
            shutil.rmtree(final)
        staging.rename(final)
        (target / READY_MARK).write_text(KUMA_VERSION + "\n")
    return target


def _sqlite_loads(staging: Path) -> bool:
    """The one native module (compiled from source at install) loads under this Node."""
    pkg = staging / "node_modules" / "uptime-kuma"
    if not (pkg / "package.json").exists():
        return False
    probe = subprocess.run(
        ["node", "-e", "require('@louislam/sqlite3')"], cwd=pkg, capture_output=True, timeout=60
    )
    return probe.returncode == 0


def _copy_misplaced_patches(pkg: Path) -> None:
    old = pkg / "db" / "old_migrations"
    for patch in sorted((pkg / "db").glob("patch-*.sql")):
        if not (old / patch.name).exists():
            shutil.copy2(patch, old / patch.name)


@contextmanager
def running_kuma(pkg: Path) -> Iterator[KumaServer]:
    """Start Uptime Kuma with a fresh SQLite data dir, wait until it answers, stop it after."""
    data = Path(tempfile.mkdtemp(prefix="crm-kuma-"))
    port = free_port()
    log_path = data / "server.log"
    env = {**os.environ, "UPTIME_KUMA_DB_TYPE": "sqlite", "NODE_ENV": "production"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                "node",
                "server/server.js",
                f"--data-dir={data}",
                "--host=127.0.0.1",
                f"--port={port}",
            ],
            cwd=pkg,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, proc, log_path)
        yield KumaServer(url=url, data_dir=data, log_path=log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(data, ignore_errors=True)


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Uptime Kuma exited early: {log_path.read_text()[-2000:]}")
        try:
            if httpx.get(url + "/api/entry-page", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"Uptime Kuma did not answer at {url} within 60 s")


ADMIN_USER = "admin"
ADMIN_PASSWORD = "fake-kuma-admin-pw-1"  # obviously fake; the server lives for one session


@contextmanager
def kuma_for_tests() -> Iterator[KumaServer]:
    """Install (once, cached) and start Uptime Kuma, or skip LOUDLY when Node is absent."""
    import pytest

    try:
        pkg = ensure_installed()
    except NodeMissing as exc:
        pytest.skip(f"UPTIME KUMA TESTS SKIPPED: {exc}. Install Node.js 18+ and npm to run them.")
    with running_kuma(pkg) as server:
        yield server
