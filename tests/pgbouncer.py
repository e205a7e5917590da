"""
A real PgBouncer (Debian's `pgbouncer` package) in transaction mode, in a
directory and on a port of its own, in front of the test database's server.

It hands each transaction the server connection that has waited longest
(server_round_robin), so a client's consecutive transactions land on
different server connections: whatever the application wrongly keeps in a
session (a prepared statement, a WITH HOLD cursor, a SET) fails here as it
would under load in production.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
# Server connections opened in advance, per database and user: enough for the
# round robin to move each transaction elsewhere.
POOL_SIZE = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PgBouncer:
    process: subprocess.Popen
    directory: Path
    port: int

    def open_servers(self, dbname: str, user: str, password: str = "") -> None:
        """Every server connection of the pool opened, for the round robin to
        go through: as many transactions held open at once."""
        clients = [
            psycopg.connect(
                host="127.0.0.1",
                port=self.port,
                dbname=dbname,
                user=user,
                password=password,
            )
            for _ in range(POOL_SIZE)
        ]
        for client in clients:
            client.execute("SELECT 1")  # a transaction begins, holding a server
        for client in clients:
            client.commit()  # the server back to the pool, not closed
            client.close()

    @property
    def log(self) -> str:
        return (self.directory / "pgbouncer.log").read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def start(*, host: str, port: int, user: str, password: str = "") -> PgBouncer:
    """PgBouncer in front of the server at host:port, for `user`, any database."""
    directory = Path(tempfile.mkdtemp(prefix="zagros-pgbouncer-"))
    listen = free_port()
    # PgBouncer refuses the startup parameter `options`, so the connection's
    # settings are made for each server connection here, as
    # docs/deployment.md makes them on the role.
    connect_query = "; ".join(
        f"SET {name} = {value}" for name, value in settings.CONNECTION_SETTINGS.items()
    )
    (directory / "pgbouncer.ini").write_text(
        f"""\
[databases]
* = host={host} port={port} connect_query='{connect_query}'

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
unix_socket_dir =
auth_type = trust
auth_file = {directory}/users.txt
admin_users = {user}
pool_mode = transaction
default_pool_size = {POOL_SIZE}
min_pool_size = {POOL_SIZE}
server_round_robin = 1
max_client_conn = 200
logfile = {directory}/pgbouncer.log
pidfile = {directory}/pgbouncer.pid
"""
    )
    (directory / "users.txt").write_text(f'"{user}" "{password}"\n')
    command = [PGBOUNCER, str(directory / "pgbouncer.ini")]
    if os.geteuid() == 0:
        # PgBouncer will not run as root: as the postgres user, which must
        # be able to read its files and write its log.
        command[1:1] = ["-u", "postgres"]
        shutil.chown(directory, user="postgres")
        directory.chmod(0o700)
        for path in directory.iterdir():
            shutil.chown(path, user="postgres")
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    bouncer = PgBouncer(process, directory, listen)
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            log = bouncer.log if (directory / "pgbouncer.log").exists() else ""
            shutil.rmtree(directory, ignore_errors=True)
            raise RuntimeError(f"pgbouncer stopped at start:\n{log}")
        try:
            socket.create_connection(("127.0.0.1", listen), timeout=1).close()
            return bouncer
        except OSError:
            if time.monotonic() > deadline:
                bouncer.stop()
                raise RuntimeError("pgbouncer did not listen") from None
            time.sleep(0.05)
