"""The sync baseline: FastAPI with `def` routes on psycopg 3 and its connection pool, with
SQL written by hand. The routes run on AnyIO's worker threads, as the generated sync
project's do; token verification is async (no thread needed for it).

    DATABASE_URL=postgresql://... BETTER_AUTH_URL=http://... \\
        uvicorn baseline.sync_app:app --app-dir bench
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Path, Query, Request, Response, status
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from baseline.auth import UserId
from baseline.schemas import (
    COLUMNS,
    COUNT_LIMIT,
    TaskCreate,
    TaskPage,
    TaskRead,
    is_last_page,
    next_after,
)

PAGE_SQL = (
    f"SELECT {COLUMNS} FROM tasks WHERE user_id = %s"
    " ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s"
)
COUNT_SQL = (
    "SELECT count(*) AS n FROM (SELECT 1 FROM tasks WHERE user_id = %s LIMIT %s)"
    " AS matching"
)
GET_SQL = f"SELECT {COLUMNS} FROM tasks WHERE id = %s AND user_id = %s"
INSERT_SQL = (
    "INSERT INTO tasks (user_id, title, description, completed, priority, due_date,"
    " created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    f" RETURNING {COLUMNS}"
)

# The generated sync app keeps 10 connections and opens up to 30 more (AnyIO's 40
# threads); the times come back in UTC, as the generated app gives them.
pool = ConnectionPool(
    os.environ["DATABASE_URL"],
    min_size=10,
    max_size=40,
    kwargs={"row_factory": dict_row, "options": "-c TimeZone=UTC"},
    open=False,
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool.open(wait=True)
    try:
        yield
    finally:
        pool.close()


app = FastAPI(title="Tasks API (hand-written, sync)", lifespan=lifespan)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/tasks", response_model=TaskPage)
def list_tasks(
    user_id: UserId,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> dict[str, Any]:
    with pool.connection() as connection:
        rows = connection.execute(PAGE_SQL, (user_id, limit + 1, offset)).fetchall()
        if is_last_page(len(rows), limit, offset):
            total, exact = offset + len(rows), True
        else:
            count = connection.execute(COUNT_SQL, (user_id, COUNT_LIMIT + 1)).fetchone()
            counted = count["n"] if count else 0
            total, exact = min(counted, COUNT_LIMIT), counted <= COUNT_LIMIT
    items = list(rows)
    return {
        "items": items[:limit],
        "total": total,
        "total_is_exact": exact,
        "limit": limit,
        "offset": offset,
        "next_after": next_after(items, limit),
    }


@app.get("/api/tasks/{task_id}", response_model=TaskRead)
def get_task(
    user_id: UserId, task_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> dict[str, Any]:
    with pool.connection() as connection:
        row = connection.execute(GET_SQL, (task_id, user_id)).fetchone()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Task not found")
    return row


@app.post("/api/tasks", response_model=TaskRead, status_code=status.HTTP_201_CREATED)
def create_task(
    user_id: UserId, payload: TaskCreate, request: Request, response: Response
) -> dict[str, Any]:
    now = datetime.now(UTC)
    with pool.connection() as connection:
        row = connection.execute(
            INSERT_SQL,
            (
                user_id,
                payload.title,
                payload.description,
                payload.completed,
                payload.priority.value,
                payload.due_date,
                now,
                now,
            ),
        ).fetchone()
    if row is None:
        raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR)
    response.headers["Location"] = str(request.url_for("get_task", task_id=row["id"]))
    return row
