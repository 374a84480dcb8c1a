"""The bodies of `/api/tasks`, as the generated project's schemas give them."""

import base64
import json
from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool

# Counting stops past this many rows (the generated default, LIST_COUNT_LIMIT).
COUNT_LIMIT = 10_000


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=65536)
    completed: StrictBool = False
    priority: Priority = Priority.MEDIUM
    due_date: AwareDatetime | None = None


class TaskRead(BaseModel):
    id: int
    title: str
    description: str | None
    completed: bool
    priority: Priority
    due_date: datetime | None
    created_at: datetime
    updated_at: datetime


class TaskPage(BaseModel):
    items: list[TaskRead]
    total: int
    total_is_exact: bool
    limit: int
    offset: int
    next_after: str | None


COLUMNS = (
    "id, title, description, completed, priority, due_date, created_at, updated_at"
)


def is_last_page(rows: int, limit: int, offset: int) -> bool:
    """No row past the page (one more is read), and not past the end: no need to count."""
    return rows <= limit and (rows > 0 or offset == 0)


def next_after(rows: list[dict[str, object]], limit: int) -> str | None:
    """The generated list's cursor after the page's last row, when a row follows it."""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    created_at = last["created_at"]
    assert isinstance(created_at, datetime)
    keys = [created_at.isoformat().replace("+00:00", "Z"), last["id"]]
    text = json.dumps(["-created_at", keys], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
