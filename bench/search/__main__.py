"""python -m bench.search — the directory search benchmark, on SQLite then PostgreSQL.

For each database: build it once (geography + 180,000 organisations and 250,000
establishments, bench/search/generate.py), time the search and the map in-process
(worker.py), then serve it with gunicorn on 127.0.0.1 and load it with wrk, 16
connections. Prints one JSON document and writes it to --out.

--platform: the platform search instead (/recherche/, /api/recherche/ over every
registered kind, worker.py platform), into bench/out/search/platform-results.json.

--scale national: 1,500,000 organisations and 2,000,000 establishments, in places of
their own (bench/out/search-national/ and the PostgreSQL database essor_bench_national,
or BENCH_NATIONAL_POSTGRES_URL) so that the 250,000 ones stay. --prepare-only builds
the databases and stops; a build that was stopped goes on where it was."""

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "bench" / "out" / "search"
PYTHON = sys.executable
REDIS_PORT = "6391"
GUNICORN_PORT = "8799"
BIN = Path(PYTHON).parent
DATABASES = {
    "sqlite": f"sqlite:///{VAR / 'search.sqlite3'}",
    "postgresql": os.environ.get(
        "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/essor_search_bench"
    ),
}
NATIONAL_VAR = ROOT / "bench" / "out" / "search-national"
# (organisations, establishments, folder, databases)
SCALES = {
    "region": (180_000, 250_000, VAR, DATABASES),
    "national": (1_500_000, 2_000_000, NATIONAL_VAR, {
        "sqlite": f"sqlite:///{NATIONAL_VAR / 'search.sqlite3'}",
        "postgresql": os.environ.get(
            "BENCH_NATIONAL_POSTGRES_URL",
            "postgres://postgres@127.0.0.1:5432/essor_bench_national",
        ),
    }),
}  # fmt: skip


def environment(database_url):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="essor.settings",
        SECRET_KEY="bench-search-not-a-secret",  # noqa: S106 - a throw-away local server
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1,testserver",
        ESSOR_DATA_DIR=str(VAR),
        ESSOR_STATIC_ROOT=str(VAR / "static"),
        LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore",
    )
    return env


def worker(action, env, *extra):
    command = [PYTHON, "-m", "bench.search.worker", action, *extra]
    result = subprocess.run(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, check=True, text=True
    )
    return result.stdout


def wait_until_up(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn ne répond pas sur {url}")


def parse_wrk(output):
    def number(pattern, default=0.0):
        match = re.search(pattern, output)
        return float(match.group(1)) if match else default

    def ms(pattern):
        match = re.search(pattern + r"\s+([\d.]+)(us|ms|s)\b", output)
        if not match:
            return None
        value, unit = float(match.group(1)), match.group(2)
        return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 1)

    return {
        "requests_per_second": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": int(number(r"(\d+) requests in")),
        "non_2xx": int(number(r"Non-2xx or 3xx responses:\s+(\d+)")),
        "socket_errors": output.split("Socket errors:")[1].splitlines()[0].strip()
        if "Socket errors:" in output
        else "none",
        "latency_p50_ms": ms(r"50%"),
        "latency_p99_ms": ms(r"99%"),
    }


def start_redis(port=REDIS_PORT):
    """A private, memory-only Redis on loopback: the cache the gunicorn workers share,
    as in production (REDIS_URL). None when redis-server is not installed."""
    if not shutil.which("redis-server"):
        return None
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1)
    return server


@contextlib.contextmanager
def redis_cache(env, port=REDIS_PORT):
    """The environment of a server whose cache is a private Redis, for the time of the
    block (the same environment, no cache server, when Redis is not installed)."""
    redis = start_redis(port)
    try:
        yield {**env, "REDIS_URL": f"redis://127.0.0.1:{port}/0"} if redis else env
    finally:
        if redis:
            redis.terminate()
            redis.wait(timeout=30)


def warm_up(port, urls):
    """Request every page once, one at a time; returns the seconds it took."""
    started = time.monotonic()
    for path in urls:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:  # noqa: S310 - loopback
            response.read()
    return round(time.monotonic() - started, 1)


def static_path(env):
    """The URL path of the site's stylesheet as pages name it (manifest's hashed name)."""
    manifest = json.loads((Path(env["ESSOR_STATIC_ROOT"]) / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/essor.css"]


def wrk(env, port, connections, seconds, urls_file):
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
         "-s", str(Path(__file__).parent / "wrk.lua"), f"http://127.0.0.1:{port}"],
        env={**env, "BENCH_URLS": str(urls_file)}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return parse_wrk(result.stdout)


def throughput(env, seconds, workers, connections, settings="essor.settings", urls=None,
               port=GUNICORN_PORT, urls_file=None, static_floor=False):  # fmt: skip
    """wrk against gunicorn serving the database of `env`, cycling through `urls` (paths;
    by default the search pages of worker.py urls). Returns wrk's figures; with
    `static_floor`, also those of the same server sending one static file (whitenoise),
    the floor of what a request costs here, under "static_file"."""
    if urls is None:
        urls = worker("urls", env).splitlines()
    # The scale's folder (main() sets VAR), not the one of the definition's time.
    urls_file = urls_file or VAR / "wrk-urls.txt"
    urls_file.write_text("\n".join(urls) + "\n")
    subprocess.run(
        [str(BIN / "essor"), "collectstatic", "--no-input", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "essor.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        env={**env, "DJANGO_SETTINGS_MODULE": settings}, cwd=ROOT,
    )  # fmt: skip
    warm = None
    try:
        # A deadline, not a wait: four workers start slowly on a busy machine.
        wait_until_up(f"http://127.0.0.1:{port}/annuaire/?q=coop", seconds=300)
        # Each page once: with the cache, this fills it; without, it makes every worker
        # read its in-memory index (in a thread, a second or two), as a server that has
        # been up for a while has.
        warm = warm_up(port, urls)
        time.sleep(5)
        figures = wrk(env, port, connections, seconds, urls_file)
        if static_floor:
            static_file = urls_file.with_name("wrk-static.txt")
            static_file.write_text(static_path(env) + "\n")
            figures["static_file"] = wrk(env, port, connections, min(seconds, 10), static_file)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return {**figures, "connections": connections, "gunicorn_workers": workers,
            "seconds": seconds, "distinct_urls": len(urls),
            "settings": settings, "warm_up_seconds": warm,
            "load_average": os.getloadavg()}  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--scale", choices=sorted(SCALES), default="region")
    parser.add_argument("--organisations", type=int)
    parser.add_argument("--establishments", type=int)
    parser.add_argument("--prepare-only", action="store_true", help="build, do not measure")
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--wrk-seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--skip-wrk", action="store_true")
    parser.add_argument(
        "--platform",
        action="store_true",
        help="only the platform search (/recherche/): p50/p95 over every registered kind",
    )
    parser.add_argument("--out")
    args = parser.parse_args()
    # The folder is read by every helper above: the scale chooses it once, here.
    global VAR  # noqa: PLW0603
    organisations, establishments, VAR, databases = SCALES[args.scale]
    args.organisations = args.organisations or organisations
    args.establishments = args.establishments or establishments
    if not args.out:
        name = "platform-results.json" if args.platform else "search-results.json"
        args.out = str(VAR / name)
    VAR.mkdir(parents=True, exist_ok=True)
    report = {}
    for name in args.databases.split(","):
        env = environment(databases[name])
        print(f"[{name}] préparation…", file=sys.stderr)
        size = [
            "--organisations",
            str(args.organisations),
            "--establishments",
            str(args.establishments),
        ]
        prepared = json.loads(worker("prepare", env, *size).strip().splitlines()[-1])
        if args.prepare_only:
            report[name] = {"prepared": prepared}
            continue
        # DEBUG off: pages name their static files through the manifest.
        subprocess.run(
            [str(BIN / "essor"), "collectstatic", "--no-input", "-v", "0"],
            env=env, cwd=ROOT, check=True,
        )  # fmt: skip
        if args.platform:
            print(f"[{name}] recherche de la plateforme…", file=sys.stderr)
            measures = json.loads(
                worker("platform", env, "--cases", str(args.cases), "--rounds", str(args.rounds))
            )
            report[name] = {"prepared": prepared, **measures}
            continue
        print(f"[{name}] mesures…", file=sys.stderr)
        measures = json.loads(
            worker("measure", env, "--cases", str(args.cases), "--rounds", str(args.rounds))
        )
        report[name] = {"prepared": prepared, **measures}
        if not args.skip_wrk:
            print(f"[{name}] débit (wrk, {args.wrk_seconds} s)…", file=sys.stderr)
            with redis_cache(env) as cached_env:
                report[name]["throughput"] = throughput(
                    cached_env, args.wrk_seconds, args.workers, 16
                )
            print(f"[{name}] débit sans cache (wrk, {args.wrk_seconds} s)…", file=sys.stderr)
            report[name]["throughput_no_cache"] = throughput(
                env, args.wrk_seconds, args.workers, 16, "bench.search.settings_nocache",
                static_floor=True,
            )  # fmt: skip
    if not args.prepare_only:
        Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
