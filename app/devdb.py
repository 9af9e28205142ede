"""A throwaway PostgreSQL cluster on 127.0.0.1, run as an unprivileged user.

Used by `python -m app.local` and by the test suite (through tests/support/postgres.py).

initdb refuses to run as root ("cannot be run as root"), so the cluster belongs to uid/gid
65534 (nobody). About 1.5 s from nothing to a query.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

NOBODY = 65534


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def pg_bin_dir() -> Path:
    """The newest PostgreSQL server binaries on this machine."""
    explicit = os.environ.get("PG_BIN")
    if explicit:
        return Path(explicit)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major, reverse=True)
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server binaries not found: install Debian's postgresql package "
            "(make test does it via .ci/ensure-system-packages) or set PG_BIN"
        )
    return Path(candidates[0]).parent


def _major(path: str) -> int:
    try:
        return int(Path(path).parts[-3])
    except ValueError:
        return 0


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    socket_dir: Path
    bin_dir: Path
    password: str | None = None  # set when the cluster checks passwords over TCP

    def dsn(self, dbname: str = "postgres", user: str | None = None) -> str:
        login = user or self.user
        if self.password and login == self.user:
            login = f"{login}:{self.password}"
        return f"postgresql://{login}@{self.host}:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its DSN."""
        self.psql("postgres", f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        self.psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def psql(self, dbname: str, sql: str) -> str:
        out = subprocess.run(
            [
                str(self.bin_dir / "psql"),
                "-X",
                "-q",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                self.dsn(dbname),
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout


def _as_nobody(cmd: list[str], home: Path) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return [
        "setpriv",
        f"--reuid={NOBODY}",
        f"--regid={NOBODY}",
        "--clear-groups",
        "env",
        f"HOME={home}",
        *cmd,
    ]


@contextmanager
def running_postgres(
    settings: dict[str, str] | None = None,
    superuser: str = "postgres",
    *,
    password: str | None = None,
) -> Iterator[PostgresServer]:
    """Start a fresh cluster, yield it, then stop it and remove its files.

    `superuser` names the bootstrap superuser (Supabase's is supabase_admin, which leaves the
    name `postgres` free for the non-superuser role that runs migrations there). With
    `password`, TCP logins must present a password (scram-sha-256), as on a real host, and
    the superuser's is `password` (the database rotation test); otherwise all are trusted."""
    bin_dir = pg_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="crm-pg-"))
    if os.geteuid() == 0:
        os.chown(root, NOBODY, NOBODY)
    data = root / "data"
    port = free_port()
    auth = ["--auth=trust"]
    if password:
        pwfile = root / "pwfile"
        pwfile.write_text(password + "\n")
        if os.geteuid() == 0:
            os.chown(pwfile, NOBODY, NOBODY)
        auth = ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}"]
    subprocess.run(
        _as_nobody(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                superuser,
                *auth,
                "-E",
                "UTF8",
                "--no-sync",
            ],
            root,
        ),
        check=True,
        capture_output=True,
    )
    options = {
        "listen_addresses": "127.0.0.1",
        "port": str(port),
        "unix_socket_directories": str(root),
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "300",
    }
    options.update(settings or {})
    opt_str = " ".join(f"-c {k}={v}" for k, v in options.items())
    subprocess.run(
        _as_nobody(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-t",
                "60",
                "-l",
                str(root / "server.log"),
                "-o",
                opt_str,
                "start",
            ],
            root,
        ),
        check=True,
        capture_output=True,
    )
    server = PostgresServer("127.0.0.1", port, superuser, root, bin_dir, password)
    try:
        yield server
    finally:
        subprocess.run(
            _as_nobody(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], root
            ),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)
