"""Memory stays bounded by the part size, not the dump size (streamed multipart upload)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ops.settings import MIB, StorageSettings
from tests.ops.conftest import storage_env
from tests.ops.seed import add_incompressible, seed
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# Runs the real CLI entry point and reports how far this process's RSS rose above where it
# stood once the libraries were loaded and the S3 client model was warm (Linux resets the
# VmHWM high-water mark on "5" > /proc/self/clear_refs). pg_dump is a separate process.
PROBE = """
import json, os, sys
from app import backup
from app.ops.objectstore import ObjectStore
from app.ops.settings import storage_from_env
ObjectStore(storage_from_env())
def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
start = status("VmRSS")
code = backup.main([])
print(json.dumps({"code": code, "start": start, "peak": status("VmHWM")}), file=sys.stderr)
"""


def _backup_peak(storage: StorageSettings, dsn: str) -> tuple[dict[str, object], int]:
    env = {**os.environ, **storage_env(storage), "DATABASE_URL": dsn}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    probe = json.loads(proc.stderr.strip().splitlines()[-1])
    assert probe["code"] == 0, proc.stderr
    return json.loads(proc.stdout), int(probe["peak"]) - int(probe["start"])


def test_peak_memory_does_not_grow_with_dump_size(
    postgres_server: PostgresServer, storage: StorageSettings
) -> None:
    assert storage.part_size == 5 * MIB
    small_dsn = postgres_server.create_database("crm_mem_small")
    big_dsn = postgres_server.create_database("crm_mem_big")
    try:
        seed(small_dsn, students=10, applications=10, notes=10)
        seed(big_dsn, students=10, applications=10, notes=10)
        add_incompressible(big_dsn, mib=20)

        _, small_growth = _backup_peak(storage, small_dsn)
        big, big_growth = _backup_peak(storage, big_dsn)
    finally:
        postgres_server.drop_database("crm_mem_small")
        postgres_server.drop_database("crm_mem_big")

    assert int(str(big["size"])) > 3 * storage.part_size  # > 15 MiB: several parts
    assert int(str(big["parts"])) >= 4
    size = int(str(big["size"]))
    print(
        f"dump {size / MIB:.1f} MiB in {big['parts']} parts of {storage.part_size / MIB:.0f} MiB:"
        f" RSS rose {big_growth / MIB:.1f} MiB (tiny dump: {small_growth / MIB:.1f} MiB)"
    )
    # One part in flight plus the transport copy; holding the dump would cost > `size`.
    assert big_growth < 3 * storage.part_size < size
