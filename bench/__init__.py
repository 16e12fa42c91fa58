"""The benchmarks (python -m bench <name>); what several of them share."""

import os
from pathlib import Path


def server_cpu():
    """A function giving the CPU time (ms) the PostgreSQL process serving this connection
    has used, read from /proc when the server runs on this machine (None otherwise): on
    a busy machine, wall times measure the queue for a core, CPU times the work. Parallel
    workers are other processes: their time is not in it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def read():
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / tick  # utime + stime

    try:
        read()
    except OSError:
        return None
    return read
