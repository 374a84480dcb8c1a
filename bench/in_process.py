"""CPU per request of the generated routes, called in process: no HTTP server, no wrk.

Usage: python3 bench/in_process.py [--targets sqlmodel-async,...] [--requests 3000]
       [--repeats 7] [--endpoints list,get,create] [--profile | --calls]
       python3 bench/in_process.py --targets sqlmodel-async --project NEW --against OLD

Python 3.11 standard library only; needs what cpu_per_request.py needs but wrk (and py-spy
for --profile). For each target it renders examples/tasks.yaml (or takes --project, and
--against a second project to compare with), migrates a fresh database
`bench_inproc_<orm>_<mode>` with the project's revision and seeds 10,000 tasks for the caller
among 50,000. Then, in the project's own Python, it calls the ASGI app directly, one request
after another, for `GET /api/tasks?limit=20` (list), `GET /api/tasks/{id}` (get) and
`POST /api/tasks` (create), with the token verifier replaced by a stub that answers the
caller: what the middleware, routing, dependencies, route, service, SQLAlchemy and the
driver cost, without uvicorn, HTTP parsing or the JWT check (the same in any app). It prints
the best of --repeats runs of --requests calls, in milliseconds of the process's CPU
(`time.process_time`) per request; A and B alternate when comparing.

With --calls it counts instead the Python calls per request (cProfile over --requests
calls; TOP=N writes the N costliest functions to target/bench/calls-*.txt): the same
from run to run, so a change's effect on them shows however busy the machine is.

It finds where a route's own code spends (--profile: py-spy over the loop, collapsed stacks
in target/bench/in-process-*.txt). It is not steadier than cpu_per_request.py: on a shared
machine an A/B of the same two projects has given ratios from 0.55 to 1.46 between runs
(creates add rows as they go), so weigh a small change with cProfile's call counts and
cpu_per_request.py rather than one run of this. Nor is it a substitute: requests run
one at a time, so a round trip to the database costs more CPU here than under concurrent
load, where the event loop wakes up for several at once. Weigh a change that saves round
trips with cpu_per_request.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

from common import (
    BENCH_DIR,
    CALLER,
    build_backendgen,
    fail,
    fresh_database,
    generate,
    migrate,
    parse_targets,
    psql,
    python_for,
    require_tools,
    seed,
)

# Run by the project's Python, in the project's folder: the loop over the ASGI app.
DRIVER = """
import asyncio, cProfile, io, json, os, pstats, sys, time

from app.dependencies.auth import AuthUser
from app.main import create_app

CALLER, TASK_ID = sys.argv[1], int(sys.argv[2])
REQUESTS, REPEATS = int(sys.argv[3]), int(sys.argv[4])
ONLY = sys.argv[5].split(",")
# "calls": count Python calls per request with cProfile instead of timing.
CALLS = sys.argv[6] == "calls"
BODY = json.dumps({"title": "Written in process", "priority": "high"}).encode()


class StubVerifier:
    async def verify(self, token: str) -> AuthUser:
        return AuthUser(id=CALLER)


def scope(method: str, path: str, body: bytes) -> dict:
    raw_path, _, query = path.partition("?")
    headers = [(b"host", b"bench"), (b"authorization", b"Bearer stub")]
    if body:
        headers += [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())]
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": method, "scheme": "http", "path": raw_path,
        "raw_path": raw_path.encode(), "query_string": query.encode(), "root_path": "",
        "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }


async def main() -> None:
    app = create_app()
    app.state.token_verifier = StubVerifier()
    endpoints = {
        "list": ("GET", "/api/tasks?limit=20", b"", 200),
        "get": ("GET", f"/api/tasks/{TASK_ID}", b"", 200),
        "create": ("POST", "/api/tasks", BODY, 201),
    }
    results = {}
    for name, (method, path, body, expected) in endpoints.items():
        if name not in ONLY:
            continue
        statuses = []

        async def receive() -> dict:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        async def call() -> None:
            await app(dict(scope(method, path, body), state={}), receive, send)

        for _ in range(REQUESTS // 10):
            await call()
        if statuses[-1] != expected:
            raise SystemExit(f"{name}: answered {statuses[-1]}, not {expected}")
        if CALLS:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(REQUESTS):
                await call()
            profile.disable()
            stats = pstats.Stats(profile, stream=io.StringIO())
            results[name] = round(stats.total_calls / REQUESTS)
            print(f"## {name}", file=sys.stderr)
            stats.stream = sys.stderr
            stats.sort_stats("tottime").print_stats(int(os.environ.get("TOP", "0")))
            continue
        best = float("inf")
        for _ in range(REPEATS):
            started = time.process_time()
            for _ in range(REQUESTS):
                await call()
            best = min(best, (time.process_time() - started) / REQUESTS * 1000)
        if set(statuses) != {expected}:
            raise SystemExit(f"{name}: answered {sorted(set(statuses))}")
        results[name] = best
    print(json.dumps(results))


asyncio.run(main())
"""


def measure(
    project: Path,
    env: dict[str, str],
    task_id: str,
    args: argparse.Namespace,
    label: str,
) -> dict[str, float]:
    command: list[str | Path] = [
        python_for(project),
        "-W",
        "ignore",
        "-c",
        DRIVER,
        CALLER,
        task_id,
        str(args.requests),
        str(args.repeats),
        args.endpoints,
        "calls" if args.calls else "time",
    ]
    if args.profile:
        out = BENCH_DIR / f"in-process-{label}.txt"
        command = [
            "py-spy", "record", "--rate", "500", "--format", "raw", "--gil",
            "--output", str(out), "--", *command,
        ]  # fmt: skip
    done = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        fail(f"the in-process loop failed in {project}:\n{done.stderr[-3000:]}")
    if args.calls:
        # The profile's table of functions, as long as TOP asks (e.g. TOP=30).
        (BENCH_DIR / f"calls-{label}.txt").write_text(done.stderr)
    # py-spy writes its own lines to stdout after the loop's
    found = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(found[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--targets", default="sqlmodel-async,sqlalchemy-sync")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2, help="A/B alternations")
    parser.add_argument("--endpoints", default="list,get,create")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--calls",
        action="store_true",
        help="Python calls per request (cProfile), not CPU time: steady run to run",
    )
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--project", type=Path)
    parser.add_argument("--against", type=Path)
    parser.add_argument("--backendgen", type=Path)
    args = parser.parse_args()
    require_tools("psql", "uv", *(["py-spy"] if args.profile else []))
    targets = parse_targets(args.targets)
    if args.project and len(targets) != 1:
        parser.error("--project measures one target: name it with --targets")
    backendgen = None if args.project else (args.backendgen or build_backendgen())
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-inproc-") as workdir:
        for target in targets:
            orm, mode = target.split("-")
            project = args.project or generate(backendgen, Path(workdir), target)
            projects = {"project": project.resolve()}
            if args.against:
                projects["against"] = args.against.resolve()
            with fresh_database(args.pg, f"bench_inproc_{orm}_{mode}") as url:
                driver = "asyncpg" if mode == "async" else "psycopg"
                env = {
                    **os.environ,
                    "DATABASE_URL": url.replace(
                        "postgresql://", f"postgresql+{driver}://"
                    ),
                    "BETTER_AUTH_URL": "http://127.0.0.1:9",
                    "LOG_LEVEL": "WARNING",
                }
                migrate(project, python_for(project), env)
                database = url.rsplit("/", 1)[1]
                seed(args.pg, database, 10_000, 4, None)
                task_id = psql(
                    args.pg,
                    database,
                    f"SELECT id FROM tasks WHERE user_id = '{CALLER}' LIMIT 1",
                )
                runs: dict[str, list[dict[str, float]]] = {
                    name: [] for name in projects
                }
                for round_ in range(args.rounds if args.against else 1):
                    order = list(projects.items())
                    for name, path in order if round_ % 2 == 0 else order[::-1]:
                        label = f"{target}-{name}-{round_}"
                        runs[name].append(measure(path, env, task_id, args, label))
            report(target, runs, "Python calls" if args.calls else "CPU ms")


def report(target: str, runs: dict[str, list[dict[str, float]]], unit: str) -> None:
    best = {
        name: {endpoint: min(run[endpoint] for run in found) for endpoint in found[0]}
        for name, found in runs.items()
    }
    print(f"\n{target}: {unit} per request, in process (best of all runs)\n")
    names = list(best)
    header = " | ".join(names) + (" | ratio" if len(names) == 2 else "")
    print(f"| endpoint | {header} |")
    print("| --- |" + " --- |" * (len(names) + (len(names) == 2)))
    for endpoint in best[names[0]]:
        cells = [f"{best[name][endpoint]:.3f}".removesuffix(".000") for name in names]
        if len(names) == 2:
            cells.append(f"{best[names[0]][endpoint] / best[names[1]][endpoint]:.2f}")
        print(f"| {endpoint} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
