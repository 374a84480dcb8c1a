"""Server CPU per request of the generated project against a hand-written baseline app.

Usage: python3 bench/cpu_per_request.py [--targets sqlmodel-async,...] [--rounds 3]
       [--duration 4] [--connections 10] [--profile] [--check-every-token]

Python 3.11 standard library only; needs `cargo`, `uv`, `psql` and `wrk` (and `py-spy` for
--profile) and a PostgreSQL server (default postgresql://postgres@127.0.0.1:5432, or --pg /
BENCH_PG). For every target (ORM x mode) it:

1. renders examples/tasks.yaml into a temporary folder and installs, or reuses, a virtual
   environment with its runtime dependencies (and psycopg-pool for the sync baseline);
2. creates the database `bench_cpu_<orm>_<mode>`, runs the project's `alembic upgrade head`
   and seeds 10,000 tasks for the caller among 50,000;
3. serves, side by side on loopback, the generated app and the baseline of its mode
   (bench/baseline/async_app.py, asyncpg; bench/baseline/sync_app.py, psycopg 3 with `def`
   routes), both with the same Python, packages, uvicorn options, database and token,
   each writing one access log line per request (the generated app its own, the baseline
   uvicorn's);
4. checks that both answer the same JSON for a list and a get, and the same fields for a
   create;
5. warms every endpoint of both up, then for --rounds rounds, alternating which app goes
   first, runs wrk for --duration seconds at --connections against each endpoint of each
   app: `GET /api/tasks?limit=20` (list), `GET /api/tasks/{id}` (get) and `POST /api/tasks`
   (create), reading the user + system CPU time of the server process (all threads) from
   /proc before and after;
6. drops the database.

It prints, per target, the median server CPU milliseconds per request of each endpoint for
the generated app and the baseline, their ratio and the range of each round's own ratio,
with PostgreSQL's CPU per request and the CPU anything else on the machine used meanwhile
(a disturbed run shows there; CPU per request moves much less than requests per second
when it is). A JSON copy goes to
target/bench/. With --profile it then records py-spy profiles of both apps under each
endpoint's load (target/bench/profile-*.txt, collapsed stacks) and prints where the server's
CPU goes, in milliseconds per request. --project serves a project rendered beforehand (and
perhaps changed by hand) instead of rendering one, and --against another such project in
the baseline's place, to weigh one change against the code as rendered.

wrk sends one token throughout, as a client does until its token expires: the generated
app checks it once and remembers its user (JWT_CACHE_SIZE, 1024 tokens by default), the
baseline checks it on every request. --check-every-token runs the generated app with
JWT_CACHE_SIZE=0, the same work as the baseline's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from common import (
    ALL_TARGETS,
    BENCH_DIR,
    CALLER,
    DEFAULT_PG,
    REPO,
    build_backendgen,
    children_cpu,
    fail,
    fresh_database,
    generate,
    jwks_server,
    machine,
    machine_busy_cpu,
    migrate,
    mint_tokens,
    package_versions,
    parse_targets,
    postgres_cpu,
    postgres_version,
    process_cpu,
    python_for,
    request,
    require_tools,
    seed,
    served,
    server_errors,
    wait_for_quiet,
    write_report,
    wrk,
    wrk_errors,
)

ENDPOINTS = ["list", "get", "create"]
APPS = ["generated", "baseline"]
CREATE_BODY = json.dumps(
    {
        "title": "A task from the benchmark",
        "description": "Some words about the task.",
        "priority": "high",
        "due_date": "2030-01-01T12:00:00Z",
    }
)


@dataclass
class Run:
    target: str
    endpoint: str
    app: str
    round: int
    requests: int
    errors: int
    requests_per_second: float
    server_cpu_ms: float
    postgres_cpu_ms: float
    other_cpu_seconds: float


@dataclass
class Server:
    name: str
    url: str
    pid: int


def load(endpoint: str, url: str, task_id: int) -> tuple[str, str, str | None]:
    """The URL, method and body of an endpoint's requests."""
    if endpoint == "list":
        return f"{url}/api/tasks?limit=20", "GET", None
    if endpoint == "get":
        return f"{url}/api/tasks/{task_id}", "GET", None
    return f"{url}/api/tasks", "POST", CREATE_BODY


def measure(
    target: str,
    server: Server,
    endpoint: str,
    round_: int,
    token: str,
    task_id: int,
    database: str,
    args: argparse.Namespace,
) -> Run:
    url, method, body = load(endpoint, server.url, task_id)
    cpu, postgres, busy, wrk_cpu = (
        process_cpu(server.pid),
        postgres_cpu(database),
        machine_busy_cpu(),
        children_cpu(),
    )
    summary = wrk(url, token, args.connections, args.duration, method=method, body=body)
    cpu = process_cpu(server.pid) - cpu
    postgres = postgres_cpu(database) - postgres
    busy = machine_busy_cpu() - busy
    wrk_cpu = children_cpu() - wrk_cpu
    requests = summary["requests"]
    if not requests:
        fail(f"{target} {server.name} {endpoint}: wrk made no request")
    return Run(
        target=target,
        endpoint=endpoint,
        app=server.name,
        round=round_,
        requests=requests,
        errors=wrk_errors(summary),
        requests_per_second=round(requests / (summary["duration_us"] / 1e6), 1),
        server_cpu_ms=round(cpu * 1000 / requests, 3),
        postgres_cpu_ms=round(postgres * 1000 / requests, 3),
        other_cpu_seconds=round(max(0.0, busy - cpu - postgres - wrk_cpu), 2),
    )


def same_answers(generated: Server, baseline: Server, token: str) -> int:
    """Both apps answer the same JSON for the caller's first page and one of its tasks,
    the same fields for a create, and 401 without a token; returns that task's id."""
    answers = []
    for server in (generated, baseline):
        status, body, _ = request(f"{server.url}/api/tasks?limit=20", token)
        if status != 200:
            fail(f"{server.name}: GET /api/tasks answered {status}: {body[:300]!r}")
        answers.append(json.loads(body))
    if answers[0] != answers[1]:
        fail(f"the list answers differ:\n{answers[0]}\n{answers[1]}")
    page = answers[0]
    if len(page["items"]) != 20 or page["total"] <= 20:
        fail(f"expected a full page of many rows, got {page}")
    task_id: int = page["items"][0]["id"]
    rows = []
    for server in (generated, baseline):
        status, body, _ = request(f"{server.url}/api/tasks/{task_id}", token)
        rows.append((status, json.loads(body)))
    if rows[0] != rows[1] or rows[0][0] != 200:
        fail(f"the get answers differ:\n{rows[0]}\n{rows[1]}")
    created = []
    for server in (generated, baseline):
        status, body, headers = request(
            f"{server.url}/api/tasks", token, "POST", CREATE_BODY.encode()
        )
        row = json.loads(body)
        location = headers.get("location", headers.get("Location", ""))
        if status != 201 or not location.endswith(f"/api/tasks/{row.get('id')}"):
            fail(f"{server.name}: POST /api/tasks answered {status} {headers}: {row}")
        for key in ("id", "created_at", "updated_at"):
            row.pop(key)
        created.append(row)
    if created[0] != created[1]:
        fail(f"the create answers differ:\n{created[0]}\n{created[1]}")
    for server in (generated, baseline):
        if request(f"{server.url}/api/tasks")[0] != 401:
            fail(f"{server.name}: GET /api/tasks without a token was not refused")
    return task_id


def bench_target(
    target: str,
    backendgen: Path,
    workdir: Path,
    args: argparse.Namespace,
    versions: dict[str, dict[str, str]],
) -> tuple[list[Run], dict[str, dict[str, dict[str, float]]]]:
    started = time.monotonic()
    mode = target.split("-")[1]
    project = args.project or generate(backendgen, workdir, target)
    python = python_for(project, ["psycopg-pool"] if mode == "sync" else [])
    versions[target] = package_versions(python)
    database = "bench_cpu_" + target.replace("-", "_")
    runs: list[Run] = []
    profiles: dict[str, dict[str, dict[str, float]]] = {}
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
        if args.check_every_token:
            env["JWT_CACHE_SIZE"] = "0"
        migrate(project, python, env)
        seed(args.pg, database, args.rows, args.other_users, None)
        token = mint_tokens(python, origin, document, CALLER)[CALLER]
        logs = {app: workdir / f"{target}-{app}.log" for app in APPS}
        with (
            served(
                python,
                "app.main:app",
                project,
                env,
                logs["generated"],
                nice=args.nice,
            ) as gen,
            served(
                python,
                "app.main:app" if args.against else f"baseline.{mode}_app:app",
                args.against or REPO / "bench",
                env,
                logs["baseline"],
                app_dir=None if args.against else REPO / "bench",
                nice=args.nice,
                # A line per request, as the generated app writes its own.
                access_log=not args.against,
            ) as base,
        ):
            servers = [Server("generated", *gen), Server("baseline", *base)]
            task_id = same_answers(*servers, token)
            print(
                f"{target}: ready in {time.monotonic() - started:.0f} s",
                file=sys.stderr,
            )
            for endpoint in ENDPOINTS:
                for server in servers:
                    url, method, body = load(endpoint, server.url, task_id)
                    wrk(
                        url,
                        token,
                        args.connections,
                        args.warmup,
                        method=method,
                        body=body,
                    )
            for round_ in range(args.rounds):
                waited = wait_for_quiet(args.quiet_wait)
                if waited > 3:
                    print(f"  waited {waited:.0f} s for the machine", file=sys.stderr)
                order = servers if round_ % 2 == 0 else servers[::-1]
                for endpoint in ENDPOINTS:
                    for server in order:
                        run = measure(
                            target,
                            server,
                            endpoint,
                            round_,
                            token,
                            task_id,
                            database,
                            args,
                        )
                        print(f"  {run}", file=sys.stderr)
                        runs.append(run)
            if args.profile:
                for server in servers:
                    for endpoint in ENDPOINTS:
                        profiles[f"{server.name} {endpoint}"] = profile(
                            target, server, endpoint, token, task_id, args
                        )
        for app, log in logs.items():
            errors = server_errors(log)
            if errors:
                print(f"{target} {app}: the server logged errors:\n{errors}")
    return runs, profiles


# --- profiles ----------------------------------------------------------------------------

# Where the time of a request goes. A sample whose innermost frame hands work between the
# event loop and a worker thread counts as a thread hand-off; any other sample counts for
# the first group (in this order) with a frame on its stack matching one of the group's
# patterns, or, failing that, for the group of its innermost frame's file. Frames read
# `function (path/to/file.py:line)`.
HANDOFF = ["threading.py", "anyio/", "concurrent/futures", "queue.py"]
GROUPS = [
    ("session open/close", ["get_session (", "Session.close (", "Session.__exit__"]),
    ("PyJWT", ["jwt/"]),
    ("auth code", ["/dependencies/auth.py", "baseline/auth.py", "fastapi/security/"]),
    ("response models in the route", ["model_validate ("]),
    ("response validation + JSON", ["serialize_response ("]),
    ("driver", ["asyncpg/", "psycopg/", "psycopg_pool/"]),
    ("SQLAlchemy/SQLModel", ["sqlalchemy/", "sqlmodel/"]),
    ("route + service code", ["app/routers/", "app/services/", "baseline/"]),
    ("request parsing", ["request_params_to_args", "request_body_to_args"]),
    ("dependency solving", ["solve_dependencies ("]),
]
LEAF_GROUPS = [
    ("middleware + routing", ["app/middleware.py", "starlette/", "fastapi/"]),
    ("uvicorn + event loop", ["uvicorn/", "asyncio/", "uvloop/", "h11/"]),
]
GROUP_NAMES = [
    "thread hand-off",
    *(name for name, _ in GROUPS),
    *(name for name, _ in LEAF_GROUPS),
    "other",
]


def group_of(stack: str) -> str:
    leaf = stack.rpartition(";")[2]
    if any(pattern in leaf for pattern in HANDOFF):
        return "thread hand-off"
    for name, patterns in GROUPS:
        if any(pattern in stack for pattern in patterns):
            return name
    for name, patterns in LEAF_GROUPS:
        if any(pattern in leaf for pattern in patterns):
            return name
    return "other"


def summarize(collapsed: Path) -> dict[str, float]:
    """The share of the samples (0 to 1) in each group."""
    counts: dict[str, int] = {}
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        # A frame name can hold a newline (py-spy writes it as is): not a sample line.
        if stack and count.isdigit():
            group = group_of(stack)
            counts[group] = counts.get(group, 0) + int(count)
    total = sum(counts.values())
    return {name: n / total for name, n in counts.items()} if total else {}


def profile(
    target: str,
    server: Server,
    endpoint: str,
    token: str,
    task_id: int,
    args: argparse.Namespace,
) -> dict[str, float]:
    url, method, body = load(endpoint, server.url, task_id)
    out = BENCH_DIR / f"profile-{target}-{server.name}-{endpoint}.txt"
    spy = subprocess.Popen(
        [
            "py-spy",
            "record",
            "--pid",
            str(server.pid),
            "--rate",
            "200",
            "--duration",
            str(args.duration + 2),
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
            # Only the thread holding the GIL, when one does: Python's CPU time. Without
            # it py-spy also counts threads that wait (for the GIL, a lock or a socket).
            "--gil",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1)
    wrk(url, token, args.connections, args.duration, method=method, body=body)
    if spy.wait(timeout=60) != 0 or not out.exists():
        fail(f"py-spy failed on {server.name} ({endpoint})")
    return summarize(out)


# --- reporting ---------------------------------------------------------------------------


def medians(runs: list[Run]) -> dict[tuple[str, str, str], dict[str, float]]:
    cells: dict[tuple[str, str, str], list[Run]] = {}
    for run in runs:
        cells.setdefault((run.target, run.endpoint, run.app), []).append(run)
    return {
        key: {
            "server_cpu_ms": statistics.median(r.server_cpu_ms for r in cell),
            "postgres_cpu_ms": statistics.median(r.postgres_cpu_ms for r in cell),
            "requests_per_second": statistics.median(
                r.requests_per_second for r in cell
            ),
            "other_cpu_seconds": max(r.other_cpu_seconds for r in cell),
            "errors": sum(r.errors for r in cell),
        }
        for key, cell in cells.items()
    }


HEADER = (
    "| target | endpoint | generated CPU ms/req | baseline CPU ms/req | ratio "
    "| round ratios (min-max) | generated PG ms/req | baseline PG ms/req | req/s gen / base | errors "
    "| other CPU s (max) |"
)


def round_ratios(runs: list[Run], target: str, endpoint: str) -> list[float]:
    """Each round's generated CPU per request over the baseline's: the two ran back to
    back, so what drifts over the whole run (the machine's other work) weighs less."""
    by_round: dict[int, dict[str, float]] = {}
    for run in runs:
        if run.target == target and run.endpoint == endpoint:
            by_round.setdefault(run.round, {})[run.app] = run.server_cpu_ms
    return sorted(
        apps["generated"] / apps["baseline"]
        for apps in by_round.values()
        if len(apps) == 2 and apps["baseline"]
    )


def table(runs: list[Run], targets: list[str]) -> list[str]:
    cells = medians(runs)
    lines = [HEADER, "| --- " * HEADER.count(" | ") + "| --- |"]
    for target in targets:
        for endpoint in ENDPOINTS:
            gen = cells[(target, endpoint, "generated")]
            base = cells[(target, endpoint, "baseline")]
            ratio = gen["server_cpu_ms"] / base["server_cpu_ms"]
            paired = round_ratios(runs, target, endpoint)
            lines.append(
                f"| {target} | {endpoint} | {gen['server_cpu_ms']:.2f} "
                f"| {base['server_cpu_ms']:.2f} | {ratio:.2f} "
                f"| {paired[0]:.2f}-{paired[-1]:.2f} "
                f"| {gen['postgres_cpu_ms']:.2f} | {base['postgres_cpu_ms']:.2f} "
                f"| {gen['requests_per_second']:.0f} / {base['requests_per_second']:.0f} "
                f"| {gen['errors'] + base['errors']:.0f} "
                f"| {max(gen['other_cpu_seconds'], base['other_cpu_seconds']):.1f} |"
            )
    return lines


def profile_table(
    profiles: dict[str, dict[str, dict[str, float]]], runs: list[Run]
) -> list[str]:
    """Per target and endpoint, each group's share of the samples times the median CPU
    per request: milliseconds of server CPU per request, generated and baseline. (The
    samples are of the thread holding the GIL: CPU spent without it, in the kernel or in
    C code that releases it, is spread over the groups.)"""
    cells = medians(runs)
    lines = []
    for target, by_run in profiles.items():
        for endpoint in ENDPOINTS:
            cpu = {app: cells[(target, endpoint, app)]["server_cpu_ms"] for app in APPS}
            shares = {app: by_run[f"{app} {endpoint}"] for app in APPS}
            lines += [
                f"\n{target}, {endpoint}: server CPU ms/req by where the samples are\n",
                "| group | generated | baseline | difference |",
                "| --- | --- | --- | --- |",
            ]
            for name in GROUP_NAMES:
                gen, base = (shares[app].get(name, 0.0) * cpu[app] for app in APPS)
                if gen >= 0.005 or base >= 0.005:
                    lines.append(
                        f"| {name} | {gen:.2f} | {base:.2f} | {gen - base:+.2f} |"
                    )
            lines.append(
                f"| all | {cpu['generated']:.2f} | {cpu['baseline']:.2f} "
                f"| {cpu['generated'] - cpu['baseline']:+.2f} |"
            )
    return lines


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--targets", default=",".join(ALL_TARGETS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=4, help="seconds per run")
    parser.add_argument(
        "--warmup", type=int, default=2, help="seconds per endpoint and app"
    )
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--rows", type=int, default=10_000, help="the caller's tasks")
    parser.add_argument(
        "--other-users", type=int, default=4, help="each with --rows tasks"
    )
    parser.add_argument("--pg", default=DEFAULT_PG)
    parser.add_argument(
        "--quiet-wait",
        type=int,
        default=5,
        help="seconds to wait, before each round, for other work on the machine to stop",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also record py-spy profiles of both apps under each endpoint's load",
    )
    parser.add_argument(
        "--project",
        type=Path,
        help="a rendered project to serve instead of rendering one (one target only), "
        "e.g. to measure a change made by hand",
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="a rendered project to serve in the baseline's place (one target only): "
        "compares two versions of the generated code with each other",
    )
    parser.add_argument(
        "--backendgen", type=Path, help="a built binary (default: build one)"
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness of both servers, e.g. -10 (as root) on a machine shared with "
        "other work, so that they are not preempted mid-request",
    )
    parser.add_argument(
        "--check-every-token",
        action="store_true",
        help="run the generated app with JWT_CACHE_SIZE=0, so that it checks every "
        "request's token as the baseline does, instead of remembering verified ones",
    )
    parser.add_argument("--keep-databases", action="store_true")
    args = parser.parse_args()
    args.targets = parse_targets(args.targets)
    if args.project is not None:
        if len(args.targets) != 1:
            parser.error("--project serves one target: name it with --targets")
        args.project = args.project.resolve()
    if args.against is not None:
        if len(args.targets) != 1:
            parser.error("--against serves one target: name it with --targets")
        args.against = args.against.resolve()
    args.pg = args.pg.rstrip("/")
    return args


def main() -> None:
    args = parse_args()
    started = time.monotonic()
    require_tools("cargo", "psql", "wrk", *(["py-spy"] if args.profile else []))
    backendgen = args.backendgen.resolve() if args.backendgen else build_backendgen()
    versions: dict[str, dict[str, str]] = {}
    runs: list[Run] = []
    profiles: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
        for target in args.targets:
            target_runs, profiles[target] = bench_target(
                target, backendgen, Path(tmp), args, versions
            )
            runs += target_runs
    elapsed = time.monotonic() - started
    postgres = postgres_version(args.pg)
    print(
        f"\nServer CPU per request (user + system, all threads of the uvicorn process), "
        f"median of {args.rounds} interleaved {args.duration} s runs at "
        f"{args.connections} connections; 10,000 of 50,000 rows for the caller; "
        f"PostgreSQL {postgres}; whole run {elapsed:.0f} s; the generated app "
        + (
            "checks every request's token, as the baseline does\n"
            if args.check_every_token
            else "remembers verified tokens (its default), the baseline checks each\n"
        )
    )
    print("\n".join(table(runs, args.targets)))
    if args.profile:
        print("\n".join(profile_table(profiles, runs)))
    report = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "argv": sys.argv[1:],
        "machine": {**machine(), "postgres": postgres},
        "packages": versions,
        "elapsed_seconds": round(elapsed),
        "medians": [
            {"target": t, "endpoint": e, "app": a, **cell}
            for (t, e, a), cell in medians(runs).items()
        ],
        "runs": [asdict(r) for r in runs],
        "profiles": profiles,
    }
    out = write_report("cpu_per_request", report)
    print(f"\n{json.dumps(report['packages'][args.targets[0]])}\nJSON: {out}")


if __name__ == "__main__":
    main()
