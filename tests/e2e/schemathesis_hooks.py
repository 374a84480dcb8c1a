"""Schemathesis hooks for hostile_client.py (loaded through SCHEMATHESIS_HOOKS).

`?after=` takes a cursor the server wrote (a page's `next_after`): the document can say
only that it is URL-safe base64 text, so most strings that fit it are not cursors, and
the server rightly answers 422. Generated values are dropped, so that "a schema-valid
request was refused" means what it says; cursors that came from a response (the stateful
phase follows `next_after`) are kept. The generated projects' own tests send forged
cursors, and hostile_client.py sends hostile ones.
"""

import base64
import binascii
import json
from typing import Any

import schemathesis


def _is_cursor(text: object) -> bool:
    if not isinstance(text, str):
        return False
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error, RecursionError):
        return False
    return isinstance(data, list) and len(data) == 2  # noqa: PLR2004 (order, keys)


@schemathesis.hook
def map_query(ctx: Any, query: dict[str, Any] | None) -> dict[str, Any] | None:  # noqa: ARG001
    if query and "after" in query and not _is_cursor(query["after"]):
        del query["after"]
    return query
