"""The generated list queries on a million rows: EXPLAIN (ANALYZE, BUFFERS) for a user with
200,000 tasks and a user with 80.

Renders examples/tasks.yaml (SQLModel, async), migrates a fresh PostgreSQL database with its
Alembic revision (so the indexes are the generated ones), seeds 1,000,000 tasks by SQL, and
runs the page query and the count of the default list, a filter, a sort and a search, as the
generated service writes them (compiled from the service itself), for both users. Prints, per
query and user, the best execution time of three runs and the buffers read.

    python3 bench/explain_lists.py [--backendgen target/release/backendgen] [--pg URL]

Needs uv, psql and a PostgreSQL server (default postgresql://postgres@127.0.0.1:5432). The
database bench_explain is dropped at the end. Stdlib only; the project's own Python compiles
the SQL.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "bench_explain"

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
from sqlmodel import col, func, select
from app.config import settings
from app.models.task import Task
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
    conditions = [*service._conditions(query), col(Task.user_id) == "USER"]
    page = (
        select(Task).where(*conditions).order_by(*service._order(query.sort))
        .limit(query.limit).offset(query.offset)
    )
    matching = (
        select(col(Task.id)).where(*conditions)
        .limit(settings.list_count_limit + 1).subquery()
    )
    queries[name] = sql(page)
    queries[name + ", count"] = sql(select(func.count()).select_from(matching))
print(json.dumps(queries))
"""


def run(*command: str, **options: object) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, **options).stdout


def psql(pg: str, sql: str, database: str = "postgres") -> str:
    return run("psql", f"{pg}/{database}", "-v", "ON_ERROR_STOP=1", "-qAtc", sql)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backendgen", type=Path)
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432"))
    args = parser.parse_args()
    binary = args.backendgen
    if binary is None:
        run("cargo", "build", "--release", "--quiet", cwd=ROOT)
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        binary = target / "release" / "backendgen"
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "tasks"
        run(str(binary), "new", "tasks", "--yes", "--output", str(project))
        venv = Path(tmp) / "venv"
        run("uv", "venv", "--quiet", "--python", "3.11", str(venv))
        python = str(venv / "bin" / "python")
        dependencies = run(
            python, "-c",
            "import tomllib; print('\\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))",
            cwd=project,
        ).split()
        run("uv", "pip", "install", "--quiet", "--python", python, *dependencies)
        psql(args.pg, f"DROP DATABASE IF EXISTS {DATABASE}")
        psql(args.pg, f"CREATE DATABASE {DATABASE}")
        try:
            env = {**os.environ, "DATABASE_URL": f"{args.pg}/{DATABASE}"}
            run(str(venv / "bin" / "alembic"), "upgrade", "head", cwd=project, env=env)
            print("seeding 1,000,000 tasks (200,000 for `big`, 80 for `small`)...", flush=True)
            psql(args.pg, SEED, DATABASE)
            psql(args.pg, "VACUUM (ANALYZE) tasks", DATABASE)  # not in the INSERT's transaction
            queries = json.loads(run(python, "-c", COMPILE, cwd=project, env=env))
            print("| query | user | best of 3, ms | buffers | top plan node |")
            print("| --- | --- | --- | --- | --- |")
            for name, sql in queries.items():
                for user in ("big", "small"):
                    best, buffers, node = float("inf"), 0, ""
                    for _ in range(3):
                        plan = json.loads(psql(
                            args.pg,
                            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql.replace("'USER'", f"'{user}'"),
                            DATABASE,
                        ))[0]
                        best = min(best, plan["Execution Time"])
                        top = plan["Plan"]
                        buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
                        while top.get("Plans") and top["Node Type"] in {"Limit", "Aggregate"}:
                            top = top["Plans"][0]
                        node = f"{top['Node Type']} {top.get('Index Name', '')}".strip()
                    print(f"| {name} | {user} | {best:.3f} | {buffers} | {node} |", flush=True)
        finally:
            psql(args.pg, f"DROP DATABASE IF EXISTS {DATABASE}")


if __name__ == "__main__":
    sys.exit(main())
