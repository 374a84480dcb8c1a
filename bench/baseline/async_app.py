"""The async baseline: FastAPI on asyncpg, with SQL written by hand.

asyncpg rather than SQLAlchemy Core: for three fixed statements an engineer who wants a
fast async service talks to the driver directly (its pool, its prepared statements), as
the sync baseline does with psycopg; what remains is FastAPI, Pydantic and the driver,
the floor the generated code is measured against.

    DATABASE_URL=postgresql://... BETTER_AUTH_URL=http://... \\
        uvicorn baseline.async_app:app --app-dir bench
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated

import asyncpg
from fastapi import FastAPI, HTTPException, Path, Query, Request, Response, status

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
    f"SELECT {COLUMNS} FROM tasks WHERE user_id = $1"
    " ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
)
COUNT_SQL = (
    "SELECT count(*) FROM (SELECT 1 FROM tasks WHERE user_id = $1 LIMIT $2) AS matching"
)
GET_SQL = f"SELECT {COLUMNS} FROM tasks WHERE id = $1 AND user_id = $2"
INSERT_SQL = (
    "INSERT INTO tasks (user_id, title, description, completed, priority, due_date,"
    " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
    f" RETURNING {COLUMNS}"
)


class Database:
    pool: asyncpg.Pool


db = Database()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The generated async app keeps up to 20 connections (+10 in bursts).
    async with asyncpg.create_pool(
        os.environ["DATABASE_URL"], min_size=5, max_size=20
    ) as pool:
        db.pool = pool
        yield


app = FastAPI(title="Tasks API (hand-written)", lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/tasks", response_model=TaskPage)
async def list_tasks(
    user_id: UserId,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> dict[str, object]:
    async with db.pool.acquire() as connection:
        rows = await connection.fetch(PAGE_SQL, user_id, limit + 1, offset)
        if is_last_page(len(rows), limit, offset):
            total, exact = offset + len(rows), True
        else:
            counted = await connection.fetchval(COUNT_SQL, user_id, COUNT_LIMIT + 1)
            total, exact = min(counted, COUNT_LIMIT), counted <= COUNT_LIMIT
    items = [dict(row) for row in rows]
    return {
        "items": items[:limit],
        "total": total,
        "total_is_exact": exact,
        "limit": limit,
        "offset": offset,
        "next_after": next_after(items, limit),
    }


@app.get("/api/tasks/{task_id}", response_model=TaskRead)
async def get_task(
    user_id: UserId, task_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> dict[str, object]:
    row = await db.pool.fetchrow(GET_SQL, task_id, user_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Task not found")
    return dict(row)


@app.post("/api/tasks", response_model=TaskRead, status_code=status.HTTP_201_CREATED)
async def create_task(
    user_id: UserId, payload: TaskCreate, request: Request, response: Response
) -> dict[str, object]:
    row = await db.pool.fetchrow(
        INSERT_SQL,
        user_id,
        payload.title,
        payload.description,
        payload.completed,
        payload.priority.value,
        payload.due_date,
        datetime.now(UTC),
    )
    response.headers["Location"] = str(request.url_for("get_task", task_id=row["id"]))
    return dict(row)
