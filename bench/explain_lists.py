"""The generated list queries on a million rows: EXPLAIN (ANALYZE, BUFFERS), then HTTP latency,
for a user with 200,000 tasks and a user with 80.

Renders examples/tasks.yaml (SQLModel, async), migrates a fresh PostgreSQL database with its
Alembic revision (so the indexes are the generated ones), seeds 1,000,000 tasks by SQL, and

1. runs the page query and the count of the default list, a filter and a sort, and the page
   of a search (not counted past its page), as the generated service writes them (compiled
   from the service itself), for both users, and prints, per query and user, the best
   execution time of three runs and the buffers read;
2. serves the generated app of each of --targets (default sqlmodel-async) with uvicorn on
   loopback, with a JWKS of its own and a token for each user, and sends, one at a time on
   one keep-alive connection, the same requests for both users, alternating between them:
   the default list, a filter, a sort, a search, a deep offset and the page at the same
   depth by cursor (`?after=`), --requests of each per user after a warm-up. It prints p50
   and p90 latency per user and the big user's over the small user's.

    python3 bench/explain_lists.py [--backendgen target/release/backendgen] [--pg URL]
        [--targets sqlmodel-async,sqlalchemy-sync] [--requests 200] [--no-explain]

Needs uv, psql and a PostgreSQL server (default postgresql://postgres@127.0.0.1:5432). The
database bench_explain is dropped at the end. Stdlib only; the project's own Python compiles
the SQL. A JSON copy of the latency figures goes to target/bench/.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from common import (
    DEFAULT_PG,
    build_backendgen,
    fail,
    fresh_database,
    generate,
    jwks_server,
    machine,
    migrate,
    mint_tokens,
    package_versions,
    parse_targets,
    postgres_version,
    psql,
    python_for,
    run,
    served,
    server_errors,
    write_report,
)

DATABASE = "bench_explain"
USERS = {"big": 200_000, "small": 80}

SEED = """
INSERT INTO tasks (created_at, updated_at, user_id, title, description, completed, priority,
                   due_date)
SELECT now() - (g || ' seconds')::interval, now(),
       CASE WHEN g % 5 = 0 THEN 'big'
            WHEN g <= 400 AND g % 5 = 1 THEN 'small'
            ELSE 'u' || (g % 9973) END,
       'task ' || md5(g::text), 'notes ' || md5((g * 7)::text), g % 3 = 0,
       (ARRAY['low', 'medium', 'high'])[1 + g % 3], now() + (g % 1000 || ' hours')::interval
FROM generate_series(1, 1000000) AS g
"""

# Run by the project's Python: the statements the generated service builds, as SQL.
COMPILE = """
import json
from sqlalchemy.dialects import postgresql
from app.config import settings
from app.schemas.task import TaskListQuery
from app.services import task as service

def sql(statement):
    compiled = statement.compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    return str(compiled).replace("%%", "%")

queries = {}
for name, query in {
    "default list": TaskListQuery(),
    "filter ?completed=true": TaskListQuery(completed=True),
    "sort ?sort=title": TaskListQuery(sort="title"),
    "search ?q=abc": TaskListQuery(q="abc"),
}.items():
    # What list_tasks does: the statements of the query's shape, then its values.
    params = {**service._params(query), "_owner": "USER"}
    page, count = service._statements(frozenset(params), query.order, None)
    params |= {
        "_limit": query.limit + 1,
        "_offset": query.offset,
        "_count_limit": settings.list_count_limit + 1,
    }
    queries[name] = sql(page.params(params))
    if query.q is None:  # a search is not counted past its page
        queries[name + ", count"] = sql(count.params(params))
print(json.dumps(queries))
"""

# The HTTP requests, by name: the same query for both users, but for the deep offset, which
# goes half-way down each user's list.
REQUESTS = {
    "default list": "limit=20",
    "filter ?completed=true": "limit=20&completed=true",
    "sort ?sort=title": "limit=20&sort=title",
    "search ?q=abc": "limit=20&q=abc",
    "deep offset (half-way)": "limit=20&offset={half}",
    "deep page by cursor (half-way)": "limit=20&after={after}",
}


def explain(pg: str, queries: dict[str, str]) -> None:
    print("| query | user | best of 3, ms | buffers | top plan node |")
    print("| --- | --- | --- | --- | --- |")
    for name, sql in queries.items():
        for user in USERS:
            best, buffers, node = float("inf"), 0, ""
            for _ in range(3):
                analyzed = psql(
                    pg,
                    DATABASE,
                    "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "
                    + sql.replace("'USER'", f"'{user}'"),
                )
                plan = json.loads(analyzed)[0]
                best = min(best, plan["Execution Time"])
                top = plan["Plan"]
                buffers = top.get("Shared Hit Blocks", 0) + top.get(
                    "Shared Read Blocks", 0
                )
                while top.get("Plans") and top["Node Type"] in {"Limit", "Aggregate"}:
                    top = top["Plans"][0]
                node = f"{top['Node Type']} {top.get('Index Name', '')}".strip()
            print(f"| {name} | {user} | {best:.3f} | {buffers} | {node} |", flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latencies(
    url: str, tokens: dict[str, str], requests: int, warmup: int
) -> dict[str, dict[str, list[float]]]:
    """Milliseconds per request, by request name and user: one request at a time, the
    users alternating, on one keep-alive connection."""
    host = url.removeprefix("http://")
    connection = http.client.HTTPConnection(host, timeout=30)
    results: dict[str, dict[str, list[float]]] = {}
    try:
        for name, query in REQUESTS.items():
            results[name] = {user: [] for user in USERS}
            paths = {
                user: "/api/tasks?"
                + query.format(
                    half=rows // 2,
                    after=cursor_at(connection, tokens[user], rows // 2)
                    if "{after}" in query
                    else "",
                )
                for user, rows in USERS.items()
            }
            for i in range(warmup + requests):
                for user in USERS:
                    path = paths[user]
                    headers = {"Authorization": f"Bearer {tokens[user]}"}
                    started = time.perf_counter()
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    body = response.read()
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status != 200:
                        fail(f"GET {path} as {user}: {response.status} {body[:300]!r}")
                    if i >= warmup:
                        results[name][user].append(elapsed)
    finally:
        connection.close()
    return results


def cursor_at(connection: http.client.HTTPConnection, token: str, offset: int) -> str:
    """The cursor (`next_after`) of the row before `offset`, for `?after=`."""
    path = f"/api/tasks?limit=1&offset={offset - 1}"
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        fail(f"GET {path}: {response.status} {body[:300]!r}")
    return urllib.parse.quote(json.loads(body)["next_after"])


def latency_table(target: str, results: dict[str, dict[str, list[float]]]) -> list[str]:
    lines = []
    for name, by_user in results.items():
        p50 = {user: statistics.median(ms) for user, ms in by_user.items()}
        p90 = {user: percentile(ms, 0.9) for user, ms in by_user.items()}
        lines.append(
            f"| {target} | {name} | {p50['big']:.1f} | {p90['big']:.1f} "
            f"| {p50['small']:.1f} | {p90['small']:.1f} "
            f"| {p50['big'] / p50['small']:.2f} | {p90['big'] / p90['small']:.2f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--backendgen", type=Path)
    parser.add_argument("--pg", default=DEFAULT_PG)
    parser.add_argument("--targets", default="sqlmodel-async")
    parser.add_argument("--requests", type=int, default=200, help="per user and query")
    parser.add_argument("--warmup", type=int, default=20, help="per user and query")
    parser.add_argument("--no-explain", action="store_true", help="HTTP latency only")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    args.pg = args.pg.rstrip("/")
    targets = parse_targets(args.targets)
    started = time.monotonic()
    binary = args.backendgen.resolve() if args.backendgen else build_backendgen()
    measured: dict[str, dict[str, dict[str, list[float]]]] = {}
    packages: dict[str, dict[str, str]] = {}
    lines = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-explain-") as tmp,
        fresh_database(args.pg, DATABASE, keep=args.keep_database) as database_url,
        jwks_server() as (origin, document),
    ):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "BETTER_AUTH_URL": origin,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        # The schema is the same for every target: SQLModel's migration makes it, and its
        # service is the one compiled for EXPLAIN.
        project = generate(binary, Path(tmp), "sqlmodel-async")
        python = python_for(project)
        migrate(project, python, env)
        print(
            "seeding 1,000,000 tasks (200,000 for `big`, 80 for `small`)...", flush=True
        )
        psql(args.pg, DATABASE, SEED)
        psql(
            args.pg, DATABASE, "VACUUM (ANALYZE) tasks"
        )  # not in the INSERT's transaction
        if not args.no_explain:
            queries = json.loads(
                run([python, "-c", COMPILE], "compile", cwd=project, env=env)
            )
            explain(args.pg, queries)
        for target in targets:
            if target != "sqlmodel-async":
                project = generate(binary, Path(tmp), target)
                python = python_for(project)
            tokens = mint_tokens(python, origin, document, *USERS)
            log = Path(tmp) / f"{target}.log"
            with served(python, "app.main:app", project, env, log) as (url, _):
                print(f"{target}: HTTP, {args.requests} requests per user and query")
                results = latencies(url, tokens, args.requests, args.warmup)
            errors = server_errors(log)
            if errors:
                print(f"{target}: the server logged errors:\n{errors}")
            lines += latency_table(target, results)
            measured[target] = results
            packages[target] = package_versions(python)
    print(
        f"\nHTTP latency, ms, one request at a time ({args.requests} per user and query "
        f"after {args.warmup}); big: 200,000 of 1,000,000 rows, small: 80\n"
    )
    print(
        "| target | request | big p50 | big p90 | small p50 | small p90 "
        "| p50 big/small | p90 big/small |"
    )
    print("| --- " * 8 + "|")
    print("\n".join(lines))
    elapsed = round(time.monotonic() - started)
    report = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "argv": sys.argv[1:],
        "machine": {**machine(), "postgres": postgres_version(args.pg)},
        "packages": packages,
        "elapsed_seconds": elapsed,
        "latency_ms": measured,
    }
    print(f"\nwhole run {elapsed} s; JSON: {write_report('lists_1m', report)}")


if __name__ == "__main__":
    main()
