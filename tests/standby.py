"""A real hot standby of the test run's PostgreSQL server, for the replica router's tests
(issue 20.6): `pg_basebackup -R` of the server into a temporary folder, started on a free
port, streaming the primary's WAL, stopped and deleted after.

What it needs from the server, which CI's `.ci/run` sets up: a replication connection
from 127.0.0.1 (a `host replication …` line in pg_hba.conf), `wal_level` replica, and
the server's `pg_basebackup` and `pg_ctl` (same major version). PostgreSQL refuses to run
as root: run as root (CI), the standby runs as the `postgres` user.
"""

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

# Settings a hot standby must hold at least as high as its primary.
AT_LEAST_PRIMARY = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


class StandbyError(RuntimeError):
    pass


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tool(name, major):
    """The server's major version of a PostgreSQL program: Debian's versioned folder
    first, then the PATH."""
    for candidate in (f"/usr/lib/postgresql/{major}/bin/{name}", shutil.which(name)):
        if candidate and Path(candidate).exists():
            version = subprocess.run(
                [candidate, "--version"], capture_output=True, text=True, check=True
            ).stdout
            if re.search(rf"\) {major}[.\s]", version):  # "pg_ctl (PostgreSQL) 15.20 (…)"
                return candidate
    raise StandbyError(f"{name} {major} introuvable (la version du serveur).")


class HotStandby:
    def __init__(self, primary):
        """`primary`: a settings_dict of Django's PostgreSQL connection to the server."""
        self.primary = primary
        self.port = _free_port()
        self.folder = None
        self.user = "postgres" if os.geteuid() == 0 else None

    def _primary_connection(self, dbname="postgres"):
        p = self.primary
        return psycopg.connect(
            host=p["HOST"] or "127.0.0.1", port=p["PORT"] or 5432, user=p["USER"],
            password=p["PASSWORD"] or None, dbname=dbname, autocommit=True,
        )  # fmt: skip

    def _run(self, command):
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if done.returncode:
            raise StandbyError(f"{' '.join(command)}: {done.stderr.strip() or done.stdout}")

    def start(self):
        with self._primary_connection() as conn:
            major = int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000
            floors = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in AT_LEAST_PRIMARY}
        basebackup, self.pg_ctl = _tool("pg_basebackup", major), _tool("pg_ctl", major)
        self.folder = Path(tempfile.mkdtemp(prefix="essor-standby-"))
        if self.user:
            owner = pwd.getpwnam(self.user)
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        data = self.folder / "data"
        p = self.primary
        self._run([
            basebackup, "-h", p["HOST"] or "127.0.0.1", "-p", str(p["PORT"] or 5432),
            "-U", p["USER"], "-D", str(data), "-R", "-X", "stream", "-c", "fast", "--no-sync",
        ])  # fmt: skip
        # The copy has the primary's data, not always its configuration (Debian keeps it
        # in /etc): the standby gets its own, added last so that it wins.
        settings = {
            "port": self.port,
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.folder),
            "hot_standby": "on",
            "hba_file": str(data / "essor_hba.conf"),
            "ident_file": str(data / "essor_ident.conf"),
            "external_pid_file": "",
            "shared_buffers": "32MB",
            "fsync": "off",
            **floors,
        }
        self._write(
            data / "essor_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        )
        self._write(data / "essor_ident.conf", "")
        if not (data / "postgresql.conf").exists():
            self._write(data / "postgresql.conf", "")
        lines = "".join(f"{name} = '{value}'\n" for name, value in settings.items())
        self._write(data / "postgresql.auto.conf", lines, append=True)
        self._run([
            self.pg_ctl, "-D", str(data), "-l", str(self.folder / "standby.log"), "-w", "-t", "120",
            "start",
        ])  # fmt: skip
        return self

    def _write(self, path, text, append=False):
        with open(path, "a" if append else "w") as file:
            file.write(text)
        if self.user:
            owner = pwd.getpwnam(self.user)
            os.chown(path, owner.pw_uid, owner.pw_gid)

    def settings_dict(self):
        """The primary's Django settings pointed at the standby."""
        return {**self.primary, "HOST": "127.0.0.1", "PORT": self.port}

    def catch_up(self, timeout=60):
        """Wait until the standby has replayed everything the primary has written."""
        with self._primary_connection() as conn:
            target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.primary["USER"], dbname="postgres",
            autocommit=True,
        ) as conn:  # fmt: skip
            deadline = time.monotonic() + timeout
            while True:
                done = conn.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
                ).fetchone()[0]
                if done:
                    return
                if time.monotonic() > deadline:
                    raise StandbyError(f"La réplique n'a pas rejoué {target} en {timeout} s.")
                time.sleep(0.05)

    def stop(self):
        if self.folder is None:
            return
        try:
            if (self.folder / "data" / "postmaster.pid").exists():
                self._run([self.pg_ctl, "-D", str(self.folder / "data"), "-m", "immediate", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
