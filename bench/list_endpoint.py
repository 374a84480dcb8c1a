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
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from common import (
    ALL_TARGETS,
    CALLER,
    DEFAULT_PG,
    build_backendgen,
    children_cpu,
    fail,
    fresh_database,
    generate,
    get,
    jwks_server,
    machine,
    machine_busy_cpu,
    migrate,
    mint_tokens,
    package_versions,
    parse_targets,
    pg_sessions,
    postgres_cpu,
    postgres_version,
    process_cpu,
    python_for,
    require_tools,
    seed,
    served,
    server_errors,
    wait_for_quiet,
    write_report,
    wrk,
    wrk_errors,
)

ENDPOINT = "/api/tasks?limit=20"


# --- load --------------------------------------------------------------------------------


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
    errors = wrk_errors(summary)
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
    started = time.monotonic()
    project = generate(backendgen, workdir, target)
    python = python_for(project)
    versions[target] = package_versions(python)
    database = "bench_list_" + target.replace("-", "_")
    with (
        fresh_database(args.pg, database, keep=args.keep_databases) as database_url,
        jwks_server() as (origin, document),
    ):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "BETTER_AUTH_URL": origin,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        migrate(project, python, env)
        seed(args.pg, database, args.rows, args.other_users, args.extra_sql)
        token = mint_tokens(python, origin, document, CALLER)[CALLER]
        log = workdir / f"{target}.log"
        with served(python, "app.main:app", project, env, log) as (url, pid):
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
        errors = server_errors(log)
        if errors:
            print(f"{target}: the server logged errors:\n{errors}", file=sys.stderr)
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


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--targets", default=",".join(ALL_TARGETS))
    parser.add_argument("--connections", default="10,50")
    parser.add_argument(
        "--duration", type=int, default=20, help="seconds measured per run"
    )
    parser.add_argument("--warmup", type=int, default=5, help="seconds before each run")
    parser.add_argument(
        "--timeout", type=int, default=10, help="wrk's per-request timeout"
    )
    parser.add_argument("--rows", type=int, default=10_000, help="the caller's tasks")
    parser.add_argument(
        "--other-users", type=int, default=4, help="each with --rows tasks"
    )
    parser.add_argument("--pg", default=DEFAULT_PG)
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
    parser.add_argument(
        "--backendgen", type=Path, help="a built binary (default: build one)"
    )
    parser.add_argument("--keep-databases", action="store_true")
    args = parser.parse_args()
    args.targets = parse_targets(args.targets)
    args.connections = [int(c) for c in args.connections.split(",")]
    args.pg = args.pg.rstrip("/")
    return args


def main() -> None:
    args = parse_args()
    started = time.monotonic()
    require_tools("cargo", "psql", "wrk")
    backendgen = args.backendgen.resolve() if args.backendgen else build_backendgen()
    versions: dict[str, dict[str, str]] = {}
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-list-") as tmp:
        for target in args.targets:
            results += bench_target(target, backendgen, Path(tmp), args, versions)
    elapsed = time.monotonic() - started
    postgres = postgres_version(args.pg)
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
    out = write_report("list_endpoint", report)
    print(f"\n{json.dumps(report['packages'][args.targets[0]])}\nJSON: {out}")


if __name__ == "__main__":
    main()
