"""Drive a generated project's database through a scenario, for the tests of spec changes.

Run from the project's folder, with its virtual environment and DATABASE_URL set:

    python evolve_driver.py steps.json results.json

`steps.json` is a list of steps, each a mapping with `do` and its arguments:

- `{"do": "upgrade", "to": "head"}` and `{"do": "downgrade", "to": "-1"}`: Alembic, in process,
  through the project's own alembic.ini and env.py;
- `{"do": "check"}`: `alembic check` (the models and the database agree);
- `{"do": "sql", "statements": [...]}`: statements run in one transaction;
- `{"do": "query", "name": "rows", "sql": "..."}`: the rows, as lists, under `name`;
- `{"do": "fingerprint", "name": "schema"}`: every table's columns, keys, constraints and
  indexes as the database reflects them, under `name`.

A step with `"expect_error": "words"` must fail with a message holding those words. The
results are written to `results.json` as one JSON object (Alembic prints to stdout).
"""

import asyncio
import json
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

sys.path.insert(0, str(Path.cwd()))

from app.config import settings


def with_connection(work: Callable[[Connection], Any]) -> Any:
    """Run `work` on a connection in a transaction, through the app's driver."""
    url = settings.database_url
    if sa.engine.make_url(url).get_dialect().is_async:
        # Sync projects do not install greenlet, which the asyncio extension needs.
        from sqlalchemy.ext.asyncio import create_async_engine

        async def run() -> Any:
            engine = create_async_engine(url)
            try:
                async with engine.begin() as connection:
                    return await connection.run_sync(work)
            finally:
                await engine.dispose()

        return asyncio.run(run())
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            return work(connection)
    finally:
        engine.dispose()


def plain(value: Any) -> Any:
    """A value as JSON holds it (decimals and times as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def fingerprint(connection: Connection) -> dict[str, Any]:
    inspector = sa.inspect(connection)
    tables: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        if table == "alembic_version":
            continue
        columns = [
            {
                "name": c["name"],
                "type": str(c["type"]),
                "nullable": c["nullable"],
                "default": c.get("default"),
            }
            for c in inspector.get_columns(table)
        ]
        indexes = [
            {
                "name": i["name"],
                "columns": i["column_names"],
                "unique": bool(i["unique"]),
                "using": i.get("dialect_options", {}).get("postgresql_using"),
                "ops": i.get("dialect_options", {}).get("postgresql_ops"),
            }
            for i in inspector.get_indexes(table)
            if not i.get("duplicates_constraint")
        ]
        uniques = [
            {"name": u["name"], "columns": u["column_names"]}
            for u in inspector.get_unique_constraints(table)
        ]
        keys = [
            {
                "name": k["name"],
                "columns": k["constrained_columns"],
                "table": k["referred_table"],
                "referred": k["referred_columns"],
                "ondelete": (k.get("options") or {}).get("ondelete"),
            }
            for k in inspector.get_foreign_keys(table)
        ]
        primary = inspector.get_pk_constraint(table)
        tables[table] = {
            "columns": sorted(columns, key=lambda c: c["name"]),
            "primary_key": [primary.get("name"), primary["constrained_columns"]],
            "indexes": sorted(indexes, key=lambda i: i["name"]),
            "uniques": sorted(uniques, key=lambda u: u["name"]),
            "foreign_keys": sorted(keys, key=lambda k: k["name"] or ""),
        }
    return tables


def run_step(config: Config, step: dict[str, Any], results: dict[str, Any]) -> None:
    match step["do"]:
        case "upgrade":
            command.upgrade(config, step.get("to", "head"))
        case "downgrade":
            command.downgrade(config, step.get("to", "-1"))
        case "check":
            command.check(config)
        case "sql":

            def execute(connection: Connection) -> None:
                for statement in step["statements"]:
                    connection.execute(sa.text(statement))

            with_connection(execute)
        case "query":

            def query(connection: Connection) -> list[list[Any]]:
                rows = connection.execute(sa.text(step["sql"])).all()
                return [[plain(v) for v in row] for row in rows]

            results[step["name"]] = with_connection(query)
        case "fingerprint":
            results[step["name"]] = with_connection(fingerprint)
        case other:
            msg = f"unknown step {other}"
            raise ValueError(msg)


def main() -> None:
    steps = json.loads(Path(sys.argv[1]).read_text())
    config = Config("alembic.ini")
    results: dict[str, Any] = {}
    for step in steps:
        expected = step.get("expect_error")
        if expected is None:
            run_step(config, step, results)
            continue
        try:
            run_step(config, step, results)
        except Exception as error:
            if expected not in str(error):
                raise
            results.setdefault("errors", []).append(str(error))
        else:
            msg = f"{step} did not fail"
            raise AssertionError(msg)
    Path(sys.argv[2]).write_text(json.dumps(results, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
