"""Load benchmark of a generated project's list endpoint, for each ORM and mode.

Usage: python3 bench/list_endpoint.py [--targets sqlmodel-async,sqlmodel-sync,...]
       [--connections 10,50] [--duration 20] [--warmup 5] [--rows 10000] [--pg URL]

Python 3.11 standard library only; it needs `cargo`, `uv`, `psql` and `wrk` on PATH and a
PostgreSQL server (default postgresql://postgres@127.0.0.1:5432 with trust authentication,
or --pg / BENCH_PG). For every target (ORM x mode) it:

1. renders examples/tasks.yaml with the release build of backendgen into a temporary folder;
2. makes, or reuses, a virtual environment with the project's runtime dependencies, cached
   under target/bench/ and keyed by that dependency list;
3. creates a fresh database `bench_list_<orm>_<mode>`, runs `alembic upgrade head`, and
   seeds it by SQL: --rows tasks for the caller and as many for each of --other-users;
4. serves a JWKS of its own on loopback and signs a token for the caller with the matching
   key (bench/mint_token.py, run with the project's Python);
5. serves the project with uvicorn (one process, no reload, no access log) and, for each
   concurrency, runs wrk on loopback for --warmup then --duration seconds against
   GET /api/tasks?limit=20 with the token, reading the CPU time of the server process and
   of PostgreSQL from /proc before and after the measured run;
6. drops the database.

It prints one table: requests per second, p50 and p99 latency, CPU seconds per 1,000
requests of the server process and of PostgreSQL, new PostgreSQL sessions (pool churn),
and CPU used by anything else on the machine meanwhile (more than a second or two means
the run shared the cores with other work). A JSON copy goes to target/bench/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "target" / "bench"
SPEC = REPO / "examples" / "tasks.yaml"
ALL_TARGETS = ["sqlmodel-async", "sqlmodel-sync", "sqlalchemy-async", "sqlalchemy-sync"]
ENDPOINT = "/api/tasks?limit=20"
CALLER = "bench-user"
TICKS = os.sysconf("SC_CLK_TCK")
STARTUP_SECONDS = 30.0
# Versions printed with the results; the rest of the environment follows from them.
REPORTED_PACKAGES = [
    "fastapi",
    "starlette",
    "pydantic",
    "uvicorn",
    "uvloop",
    "httptools",
    "sqlalchemy",
    "sqlmodel",
    "asyncpg",
    "psycopg",
    "psycopg-binary",
    "pyjwt",
    "cryptography",
]


def fail(message: str) -> NoReturn:
    sys.exit(f"bench: {message}")


def run(cmd: list[str | Path], what: str, **kwargs: Any) -> str:
    """Run `cmd`, returning its stdout; on failure stop with both of its outputs."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    except FileNotFoundError:
        fail(f"{what}: {cmd[0]} is not installed")
    if done.returncode != 0:
        fail(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    stdout: str = done.stdout
    return stdout


# --- the generated project and its Python ------------------------------------------------


def build_backendgen() -> Path:
    run(["cargo", "build", "--release", "--quiet"], "cargo build --release", cwd=REPO)
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return (REPO / target_dir / "release" / "backendgen").resolve()


def generate(backendgen: Path, where: Path, orm: str, mode: str) -> Path:
    project = where / f"{orm}-{mode}"
    run(
        [
            backendgen,
            "new",
            "tasks",
            "--spec",
            SPEC,
            "--orm",
            orm,
            "--mode",
            mode,
            "--yes",
            "--output",
            project,
        ],
        f"backendgen new ({orm}, {mode})",
    )
    return project


def python_for(project: Path) -> Path:
    """The Python of a virtual environment with the project's runtime dependencies.

    Cached per dependency list, so the targets that share one (none today) share it, and
    a second run installs nothing.
    """
    with (project / "pyproject.toml").open("rb") as file:
        deps: list[str] = tomllib.load(file)["project"]["dependencies"]
    key = hashlib.sha256("\n".join(deps).encode()).hexdigest()[:16]
    root = BENCH_DIR / f"venv-{key}"
    python = root / "bin" / "python"
    if not (root / ".ready").exists():
        if shutil.which("uv") is None:
            run(
                [sys.executable, "-m", "pip", "install", "--quiet", "uv"],
                "pip install uv",
            )
        shutil.rmtree(root, ignore_errors=True)
        run(["uv", "venv", "--quiet", "--python", "3.11", root], "uv venv")
        run(
            [
                "uv",
                "pip",
                "install",
                "--quiet",
                "--compile-bytecode",
                "--python",
                python,
                *deps,
            ],
            "uv pip install",
        )
        (root / ".ready").write_text("\n".join(deps) + "\n")
    return python


def package_versions(python: Path) -> dict[str, str]:
    script = (
        "import json, sys\nfrom importlib.metadata import version, PackageNotFoundError\n"
        "out = {}\nfor name in sys.argv[1:]:\n"
        "    try:\n        out[name] = version(name)\n"
        "    except PackageNotFoundError:\n        pass\nprint(json.dumps(out))"
    )
    versions: dict[str, str] = json.loads(
        run([python, "-c", script, *REPORTED_PACKAGES], "read package versions")
    )
    return versions


# --- PostgreSQL --------------------------------------------------------------------------


def psql(pg: str, database: str, sql: str) -> str:
    return run(
        [
            "psql",
            f"{pg}/{database}",
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ],
        f"psql on {database}",
    ).strip()


def seed_sql(rows: int, other_users: int) -> str:
    """Every user gets `rows` tasks, interleaved in id and creation time, with a mix of
    empty and filled optional columns, so that the caller's page is a real index scan
    and sort among other users' rows, not the whole table."""
    users = other_users + 1
    return f"""
INSERT INTO tasks (user_id, title, description, completed, priority, due_date,
                   created_at, updated_at)
SELECT CASE WHEN g % {users} = 0 THEN '{CALLER}'
            ELSE 'other-user-' || (g % {users}) END,
       'Task number ' || g,
       CASE WHEN g % 3 = 0 THEN NULL
            ELSE repeat('Some words about the task. ', 1 + g % 5) END,
       g % 4 = 0,
       (ARRAY['low', 'medium', 'high'])[1 + g % 3],
       CASE WHEN g % 2 = 0 THEN NULL
            ELSE timestamptz '2030-01-01 00:00:00+00' + g * interval '1 minute' END,
       timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second',
       timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second'
FROM generate_series(1, {rows * users}) AS g;
"""


def pg_sessions(pg: str, database: str) -> int:
    """Connections ever opened to `database` (asked from another database, so that
    asking does not count)."""
    return int(
        psql(
            pg,
            "postgres",
            f"SELECT sessions FROM pg_stat_database WHERE datname = '{database}'",
        )
    )


# --- CPU time from /proc -----------------------------------------------------------------


def proc_stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name is in parentheses and may hold spaces; fields count from after it.
    return [
        text[: text.index(" ")],
        text[text.index("(") + 1 : text.rindex(")")],
        *text[text.rindex(")") + 2 :].split(),
    ]


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of every thread of a live process."""
    fields = proc_stat(pid)
    if fields is None:
        fail(f"process {pid} is gone")
    return (int(fields[13]) + int(fields[14])) / TICKS


def postgres_cpu(database: str) -> float:
    """CPU seconds of the backends serving `database`, plus the postmaster's own and what
    it has collected from exited backends: connections that a pool opens and closes
    mid-run cost PostgreSQL a fork and a backend start each, and count. So, unavoidably,
    do other databases' exited backends; the `other` column tells whether anything else
    ran meanwhile."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = proc_stat(int(entry.name))
        if fields is None or fields[1] != "postgres":
            continue
        try:
            title = (entry / "cmdline").read_bytes().decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError):
            continue
        parent = proc_stat(int(fields[3]))
        if parent is None or parent[1] != "postgres":
            # The postmaster: it forks a backend per connection, and the time of each
            # backend arrives in its children's time when the backend exits.
            total += sum(int(f) for f in fields[13:17])
        elif f" {database} " in title:
            total += int(fields[13]) + int(fields[14])
    return total / TICKS


def machine_busy_cpu() -> float:
    """CPU seconds all cores have spent not idle since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return (user + nice + system + irq + softirq + steal) / TICKS


def wait_for_quiet(limit: float) -> float:
    """Wait up to `limit` seconds for the machine to idle (under a fifth of a core busy over
    two seconds), so that other work does not share the cores with a run. Returns the
    seconds waited; a run that starts on a busy machine shows it in `other CPU s`."""
    started = time.monotonic()
    while True:
        before = machine_busy_cpu()
        time.sleep(2)
        if machine_busy_cpu() - before < 0.4 or time.monotonic() - started > limit:
            return time.monotonic() - started


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- serving -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def jwks_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A stand-in for Better Auth's /api/auth/jwks; the caller fills in the document."""
    document: dict[str, bytes] = {"body": b'{"keys": []}'}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = document["body"]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", document
    finally:
        server.shutdown()
        server.server_close()


def get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextmanager
def served(
    project: Path, python: Path, env: dict[str, str], log: Path
) -> Iterator[tuple[str, int]]:
    """The project under uvicorn, one process, until /health answers; yields its URL and
    the pid whose CPU time is the server's."""
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                python,
                "-m",
                "uvicorn",
                "app.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if get(f"{url}/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                fail(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- load --------------------------------------------------------------------------------


def wrk(url: str, token: str, connections: int, seconds: int, timeout: int) -> dict[str, int]:
    """One bounded wrk run, on a single thread so that it takes little of the two cores
    that the server and PostgreSQL share."""
    output = run(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            "--timeout",
            f"{timeout}s",
            "--script",
            REPO / "bench" / "wrk_summary.lua",
            "--header",
            f"Authorization: Bearer {token}",
            url,
        ],
        f"wrk -c {connections}",
    )
    match = re.search(r"^BENCH_JSON (.*)$", output, re.MULTILINE)
    if match is None:
        fail(f"wrk printed no summary:\n{output}")
    summary: dict[str, int] = json.loads(match.group(1))
    return summary


@dataclass
class Result:
    target: str
    connections: int
    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    server_cpu_per_1k: float
    postgres_cpu_per_1k: float
    wrk_cpu_seconds: float
    other_cpu_seconds: float
    new_pg_sessions: int


def measure(
    target: str,
    url: str,
    token: str,
    server_pid: int,
    pg: str,
    database: str,
    connections: int,
    args: argparse.Namespace,
) -> Result:
    waited = wait_for_quiet(args.quiet_wait)
    if waited > 3:
        print(f"  waited {waited:.0f} s for the machine to idle", file=sys.stderr)
    # Warm-up at the same concurrency: the pool grows to what this load holds open.
    wrk(url, token, connections, args.warmup, args.timeout)
    sessions = pg_sessions(pg, database)
    server, postgres, busy, load = (
        process_cpu(server_pid),
        postgres_cpu(database),
        machine_busy_cpu(),
        children_cpu(),
    )
    summary = wrk(url, token, connections, args.duration, args.timeout)
    server = process_cpu(server_pid) - server
    postgres = postgres_cpu(database) - postgres
    busy = machine_busy_cpu() - busy
    load = children_cpu() - load
    sessions = pg_sessions(pg, database) - sessions
    requests = summary["requests"]
    seconds = summary["duration_us"] / 1e6
    errors = sum(
        summary[k]
        for k in (
            "connect_errors",
            "read_errors",
            "write_errors",
            "status_errors",
            "timeouts",
        )
    )
    per_1k = 1000 / requests if requests else float("nan")
    return Result(
        target=target,
        connections=connections,
        requests=requests,
        seconds=round(seconds, 2),
        requests_per_second=round(requests / seconds, 1),
        p50_ms=summary["p50_us"] / 1000,
        p90_ms=summary["p90_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        max_ms=summary["max_us"] / 1000,
        errors=errors,
        server_cpu_per_1k=round(server * per_1k, 3),
        postgres_cpu_per_1k=round(postgres * per_1k, 3),
        wrk_cpu_seconds=round(load, 2),
        # What the machine did beyond this run's three parties: other work disturbing it.
        other_cpu_seconds=round(max(0.0, busy - server - postgres - load), 2),
        new_pg_sessions=sessions,
    )


# --- one target --------------------------------------------------------------------------


def bench_target(
    target: str,
    backendgen: Path,
    workdir: Path,
    args: argparse.Namespace,
    versions: dict[str, dict[str, str]],
) -> list[Result]:
    orm, mode = target.split("-")
    started = time.monotonic()
    project = generate(backendgen, workdir, orm, mode)
    python = python_for(project)
    versions[target] = package_versions(python)
    database = f"bench_list_{orm}_{mode}"
    psql(args.pg, "postgres", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    psql(args.pg, "postgres", f"CREATE DATABASE {database}")
    try:
        with jwks_server() as (origin, document):
            env = {
                **os.environ,
                "DATABASE_URL": f"{args.pg}/{database}",
                "BETTER_AUTH_URL": origin,
                "PYTHONDONTWRITEBYTECODE": "1",
            }
            run(
                [python, "-m", "alembic", "upgrade", "head"],
                "alembic upgrade head",
                cwd=project,
                env=env,
            )
            psql(args.pg, database, seed_sql(args.rows, args.other_users))
            if args.extra_sql:
                psql(args.pg, database, args.extra_sql)
            # A table as autovacuum leaves it (visibility map set, statistics current), made
            # now rather than whenever autovacuum wakes up, which would change the count's
            # plan (index-only scan or not) in the middle of some runs.
            psql(args.pg, database, "VACUUM (ANALYZE) tasks")
            minted = json.loads(
                run(
                    [python, REPO / "bench" / "mint_token.py", origin, CALLER],
                    "mint a token",
                )
            )
            document["body"] = json.dumps(minted["jwks"]).encode()
            token: str = minted["token"]
            log = workdir / f"{target}.log"
            with served(project, python, env, log) as (url, pid):
                check_endpoint(url, token, args.rows)
                ready = time.monotonic() - started
                print(f"{target}: ready in {ready:.0f} s", file=sys.stderr)
                results = []
                for connections in args.connections:
                    result = measure(
                        target,
                        url + ENDPOINT,
                        token,
                        pid,
                        args.pg,
                        database,
                        connections,
                        args,
                    )
                    print(f"  {format_row(result)}", file=sys.stderr)
                    results.append(result)
            server_log = log.read_text()
            if "Traceback" in server_log or "ERROR" in server_log:
                print(
                    f"{target}: the server logged errors:\n{server_log[-4000:]}",
                    file=sys.stderr,
                )
    finally:
        if not args.keep_databases:
            psql(args.pg, "postgres", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    return results


def check_endpoint(url: str, token: str, rows: int) -> None:
    """The endpoint answers the caller's first page, and refuses a caller without a token:
    otherwise the benchmark would time error pages."""
    status, body = get(url + ENDPOINT, token)
    if status != 200:
        fail(f"GET {ENDPOINT} answered {status}: {body[:500]!r}")
    page = json.loads(body)
    if page["total"] != rows or len(page["items"]) != 20:
        got = f"{len(page['items'])} of {page['total']}"
        fail(f"GET {ENDPOINT}: expected 20 of {rows} rows, got {got}")
    if get(url + ENDPOINT)[0] != 401:
        fail(f"GET {ENDPOINT} without a token was not refused")


# --- reporting ---------------------------------------------------------------------------

HEADER = (
    "| target | conns | req/s | p50 ms | p99 ms | errors | server CPU s/1k req "
    "| PG CPU s/1k req | new PG sessions | other CPU s |"
)


def format_row(r: Result) -> str:
    return (
        f"| {r.target} | {r.connections} | {r.requests_per_second:.0f} | {r.p50_ms:.1f} "
        f"| {r.p99_ms:.1f} | {r.errors} | {r.server_cpu_per_1k:.2f} "
        f"| {r.postgres_cpu_per_1k:.2f} | {r.new_pg_sessions} | {r.other_cpu_seconds:.1f} |"
    )


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.MULTILINE)
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    return {
        "cpu": model.group(1) if model else platform.processor(),
        "cores": str(os.cpu_count()),
        "kernel": platform.release(),
        "wrk": wrk_version.split("\n", 1)[0].split(" [")[0],
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--targets", default=",".join(ALL_TARGETS))
    parser.add_argument("--connections", default="10,50")
    parser.add_argument("--duration", type=int, default=20, help="seconds measured per run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds before each run")
    parser.add_argument("--timeout", type=int, default=10, help="wrk's per-request timeout")
    parser.add_argument("--rows", type=int, default=10_000, help="the caller's tasks")
    parser.add_argument("--other-users", type=int, default=4, help="each with --rows tasks")
    parser.add_argument(
        "--pg",
        default=os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432"),
    )
    parser.add_argument(
        "--quiet-wait",
        type=int,
        default=600,
        help="seconds to wait, before each run, for other work on the machine to stop",
    )
    parser.add_argument(
        "--extra-sql",
        help="SQL run after seeding, e.g. an index to try (default: none)",
    )
    parser.add_argument("--backendgen", type=Path, help="a built binary (default: build one)")
    parser.add_argument("--keep-databases", action="store_true")
    args = parser.parse_args()
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = sorted(set(args.targets) - set(ALL_TARGETS))
    if unknown:
        parser.error(f"unknown targets {unknown}; choose from {ALL_TARGETS}")
    args.connections = [int(c) for c in args.connections.split(",")]
    args.pg = args.pg.rstrip("/")
    return args


def main() -> None:
    args = parse_args()
    started = time.monotonic()
    for tool in ("cargo", "psql", "wrk"):
        if shutil.which(tool) is None:
            fail(f"{tool} is not on PATH")
    backendgen = args.backendgen.resolve() if args.backendgen else build_backendgen()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    versions: dict[str, dict[str, str]] = {}
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-list-") as tmp:
        for target in args.targets:
            results += bench_target(target, backendgen, Path(tmp), args, versions)
    elapsed = time.monotonic() - started
    postgres = psql(args.pg, "postgres", "SHOW server_version")
    print(
        f"\nGET {ENDPOINT}, {args.rows} rows for the caller among "
        f"{args.rows * (args.other_users + 1)}; {args.warmup} s warm-up, "
        f"{args.duration} s measured per row; PostgreSQL {postgres}; whole run {elapsed:.0f} s"
    )
    if args.extra_sql:
        print(f"after seeding: {args.extra_sql}")
    print()
    print(HEADER)
    print("| --- " * HEADER.count(" | ") + "| --- |")
    for result in results:
        print(format_row(result))
    report = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "argv": sys.argv[1:],
        "extra_sql": args.extra_sql,
        "machine": {**machine(), "postgres": postgres},
        "packages": versions,
        "elapsed_seconds": round(elapsed),
        "results": [asdict(r) for r in results],
    }
    out = BENCH_DIR / f"list_endpoint-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n{json.dumps(report['packages'][args.targets[0]])}\nJSON: {out}")


if __name__ == "__main__":
    main()
