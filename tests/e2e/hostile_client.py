"""A generated backend, served by uvicorn, against a hostile client and a contract tester.

Usage: python hostile_client.py PROJECT_DIR DATABASE_URL [--roles a,b] [--schemathesis N]

Run with the project's own virtual environment, from anywhere. It serves a JWKS of its own
on 127.0.0.1, migrates DATABASE_URL, serves the project with uvicorn on 127.0.0.1, and signs
tokens as "alice" holding every role in --roles. Then, for every resource (in the order of
its spec, so parents exist before children):

1. hostile bodies: for each field a client writes, values that must be refused or stored
   and served back (lone surrogates, NUL, deep or huge JSON, NaN, oversized text), through
   POST and PATCH; repeated and endless sort keys; a body over the size limit sent
   anonymously; an oversized token. No answer may be a 500, and afterwards every list and
   get still answers 200.
2. planted rows: every row's columns are overwritten by SQL with values the API would
   refuse but the column holds (longer than max_length, outside min/max, not matching a
   pattern, JSON nested deeper than allowed). Lists and gets must still answer 200 and
   return the stored values.
3. with --schemathesis N: `st run` with every check (settings: schemathesis.toml and
   schemathesis_hooks.py, for `?after=` cursors), a fixed seed and N examples per
   operation, as the signed-in caller; any finding fails.

Exits non-zero on the first failure, with what was sent and what came back.
"""

import argparse
import asyncio
import base64
import importlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from served import served

KID = "hostile-client-key"


def fail(message: str) -> None:
    sys.exit(f"FAILED: {message}")


@contextmanager
def jwks_server(key: Ed25519PrivateKey) -> Iterator[str]:
    """Serves the public key as Better Auth does, at <origin>/api/auth/jwks."""
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    document = json.dumps(
        {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": x, "kid": KID, "alg": "EdDSA"}]}
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def token(key: Ed25519PrivateKey, origin: str, sub: str, roles: str, **extra: Any) -> str:
    now = int(time.time())
    claims = {
        "sub": sub,
        "role": roles,
        "iat": now,
        "exp": now + 3600,
        "iss": origin,
        "aud": origin,
        **extra,
    }
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": KID})


@contextmanager
def backend(project: Path, env: dict[str, str]) -> Iterator[str]:
    """The project served, failing the run if the server logged any traceback."""
    log = project / "hostile-client-server.log"
    with served(project, env, log) as url:
        yield url
    server_log = log.read_text()
    if "Traceback" in server_log:
        print(server_log[-6000:], file=sys.stderr)
        fail("the server logged a traceback (see above)")


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


# Hostile values for one field, by the JSON type the schema gives it. A 422 is the answer
# for most; any stored value must then be served back.
HOSTILE: dict[str, list[Any]] = {
    "string": [
        "a\ud800b",
        "\udfff",
        "a\x00b",
        "x" * 300_000,
        "\u202e\ufeff\U0001f600",
        "https://" + "a" * 2075,
        "https://" + "%41" * 690,
    ],
    "object": [
        nested(300),
        nested(33),
        {"\ud800": 1},
        {"key": "a\ud800"},
        {"key": "a\x00"},
        {"key": float("nan")},
        {"key": float("inf")},
        {"key": "x" * 600_000},
        {"key": 10**300},
    ],
    "integer": [2**63, -(2**63) - 1, 10**40, 1.5, "1"],
    "number": [float("nan"), 1e400, "1e400", 10**40],
    "boolean": ["yes", 2],
}


def json_type(schema: dict[str, Any], components: dict[str, Any]) -> str:
    if "$ref" in schema:
        return json_type(components[schema["$ref"].rsplit("/", 1)[1]], components)
    for key in ("anyOf", "oneOf"):
        for option in schema.get(key, []):
            found = json_type(option, components)
            if found != "null":
                return found
    kind = schema.get("type", "string")
    return kind if isinstance(kind, str) else "string"


def send(client: httpx.Client, method: str, url: str, body: Any, **kw: Any) -> httpx.Response:
    # ensure_ascii (the default) escapes lone surrogates; allow_nan sends NaN and Infinity.
    content = json.dumps(body)
    response = client.request(
        method, url, content=content, headers={"Content-Type": "application/json"}, **kw
    )
    if response.status_code >= 500:
        fail(
            f"{method} {url} with {content[:300]!r} answered {response.status_code}: {response.text[:500]}"
        )
    return response


def still_served(client: httpx.Client, collection: str, row_id: int) -> dict[str, Any]:
    listed = client.get(collection, params={"limit": 1})
    if listed.status_code != 200:
        fail(f"GET {collection} answered {listed.status_code}: {listed.text[:500]}")
    item = client.get(f"{collection}/{row_id}")
    if item.status_code != 200:
        fail(f"GET {collection}/{row_id} answered {item.status_code}: {item.text[:500]}")
    found: dict[str, Any] = item.json()
    return found


def resources(project: Path) -> list[tuple[str, str, str]]:
    """(module name, plural, route) of each resource, in the spec's order."""
    sys.path.insert(0, str(project))
    from app.main import app  # noqa: PLC0415 (the project is only importable here)

    paths = app.openapi()["paths"]
    found = []
    for module in sorted((project / "app" / "routers").glob("*.py")):
        text = module.read_text()
        if 'prefix="' not in text:
            # Not a resource's router (`__init__`, the events feed).
            continue
        prefix = text.split('prefix="', 1)[1].split('"', 1)[0]
        if prefix in paths:
            found.append((module.stem, prefix))
    # The spec's order: parents are declared above their children.
    spec = (project / "backendgen.yaml").read_text().split("\nresources:\n", 1)[1]
    order = [
        line.strip().rstrip(":")
        for line in spec.splitlines()
        if line.startswith("  ") and not line.startswith("   ") and line.endswith(":")
    ]
    found.sort(key=lambda item: order.index(item[0]))
    return [(name, prefix.rsplit("/", 1)[1], prefix) for name, prefix in found]


def create_rows(project: Path, client: httpx.Client) -> dict[str, int]:
    """One row per resource made by alice from the project's own test data."""
    ids: dict[str, int] = {}
    for name, plural, route in resources(project):
        tests = importlib.import_module(f"app.tests.test_{plural.replace('-', '_')}")
        make = getattr(tests, f"new_{name}")
        body = make(owner="alice") if "owner" in make.__code__.co_varnames else make()
        created = send(client, "POST", route, body)
        if created.status_code != 201:
            fail(f"POST {route} with {body} answered {created.status_code}: {created.text}")
        ids[route] = created.json()["id"]
    return ids


def hostile_bodies(
    project: Path, url: str, client: httpx.Client, anonymous: httpx.Client, ids: dict[str, int]
) -> None:
    from app.main import app  # noqa: PLC0415

    document = app.openapi()
    components = document["components"]["schemas"]
    count = 0
    for route, row_id in ids.items():
        post = document["paths"][route].get("post")
        if post is None:
            continue
        create_schema = post["requestBody"]["content"]["application/json"]["schema"]
        create_name = create_schema["$ref"].rsplit("/", 1)[1]
        properties = components[create_name]["properties"]
        valid = client.get(f"{route}/{row_id}").json()
        for field, schema in properties.items():
            for value in HOSTILE.get(json_type(schema, components), []):
                body = {key: valid[key] for key in properties if key in valid}
                body[field] = value
                send(client, "POST", route, body)
                send(client, "PATCH", f"{route}/{row_id}", {field: value})
                count += 2
        still_served(client, route, row_id)
        for sort in ("id," * 5_000, "-id,id"):
            response = client.get(route, params={"sort": sort})
            if response.status_code >= 500:
                fail(f"GET {route}?sort={sort[:20]}... answered {response.status_code}")
        for cursor in hostile_cursors():
            response = client.get(route, params={"after": cursor})
            if response.status_code != 422:  # noqa: PLR2004
                fail(f"GET {route}?after={cursor[:40]}... answered {response.status_code}")
        # Over the 1 MiB limit, anonymous, streamed without a Content-Length.
        big = anonymous.post(route, content=iter([b'{"a": "' + b"x" * 65_536] * 40 + [b'"}']))
        if big.status_code != 413:
            fail(f"an anonymous 2.6 MB body to {route} answered {big.status_code}")
    print(f"hostile bodies: {count} requests, no 500, every row still served")


def hostile_cursors() -> list[str]:
    """`?after=` values no server wrote: each must be a 422."""

    def encoded(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode().rstrip("=")

    return [
        encoded("[" * 3000 + "]" * 3000),  # nesting past the JSON parser's recursion limit
        encoded('["-created_at", ["\\u0000", 1]]'),  # NUL
        encoded('["-created_at", ["\\ud800", 1]]'),  # a lone surrogate
        encoded('["-created_at", ["2030-01-01T00:00:00Z", 99999999999999999999999]]'),
        encoded('["-created_at", ["0001-01-01T00:00:00+14:00", 1]]'),  # before UTC's range
        encoded('["-created_at", [NaN, 1]]'),
        encoded('{"a": 1}'),
        encoded("\udcff"),  # not UTF-8
        "A",  # not base64
    ]


def plant_rows(project: Path, database_url: str, client: httpx.Client, ids: dict[str, int]) -> None:
    """Overwrite every row by SQL with what the API would refuse; it must still be served."""

    from app.database import engine  # noqa: PLC0415 (DATABASE_URL is set by now)
    from app.models import metadata  # noqa: PLC0415

    updates = []
    for table in metadata.sorted_tables:
        values: dict[str, Any] = {}
        for column in table.columns:
            if (
                column.primary_key
                or column.foreign_keys
                or column.name in {"user_id", "created_at", "updated_at"}
            ):
                continue
            kind = column.type
            if isinstance(kind, sa.TypeDecorator):
                kind = kind.impl_instance
            if isinstance(kind, sa.Enum | sa.Boolean | sa.Date | sa.DateTime | sa.Time | sa.Uuid):
                continue
            if isinstance(kind, sa.Text):
                values[column.name] = "!" * 200_000
            elif isinstance(kind, sa.String):
                # Fits the column; breaks patterns, formats and minimum lengths.
                values[column.name] = "!" * (kind.length or 10)
            elif isinstance(kind, sa.BigInteger):
                values[column.name] = 2**63 - 1
            elif isinstance(kind, sa.Integer):
                values[column.name] = -(2**31)
            elif isinstance(kind, sa.Float):
                values[column.name] = -1e300
            elif isinstance(kind, sa.Numeric):
                whole = (kind.precision or 10) - (kind.scale or 2)
                values[column.name] = -(10**whole) + 1
            elif isinstance(kind, sa.JSON):
                values[column.name] = {"deep": nested(60), "list": list(range(100))}
        if values:
            # The first row: the one create_rows made (unique columns allow one such row).
            first = sa.select(sa.func.min(table.c.id)).scalar_subquery()
            updates.append(table.update().where(table.c.id == first).values(**values))

    if not isinstance(engine, sa.Engine):

        async def run() -> None:
            async with engine.begin() as connection:
                for update in updates:
                    await connection.execute(update)
            await engine.dispose()

        asyncio.run(run())
    else:
        with engine.begin() as connection:
            for update in updates:
                connection.execute(update)
        engine.dispose()
    planted = len(updates)
    for route, row_id in ids.items():
        row = still_served(client, route, row_id)
        text = json.dumps(row)
        if (
            "!!!!" not in text
            and "-1e+300" not in text
            and "leaf" not in text
            and "9223372036854775807" not in text
            and "-2147483648" not in text
        ):
            fail(f"GET {route}/{row_id} does not show the planted values: {text[:300]}")
    print(f"planted rows: {planted} tables overwritten by SQL, every row still served")


def burst(url: str, headers: dict[str, str], routes: list[str], requests: int) -> None:
    """`requests` reads arriving at once (more than a sync app's threads and connections):
    every one answers 200, in bounded time."""

    async def run() -> list[int]:
        limits = httpx.Limits(max_connections=requests)
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60, limits=limits) as c:
            answers = await asyncio.gather(
                *(c.get(routes[n % len(routes)]) for n in range(requests))
            )
        return [answer.status_code for answer in answers]

    started = time.monotonic()
    statuses = asyncio.run(run())
    took = time.monotonic() - started
    wrong = [status for status in statuses if status != 200]
    if wrong:
        fail(f"{len(wrong)} of {requests} concurrent reads failed: {sorted(set(wrong))}")
    if took > 30:
        fail(f"{requests} concurrent reads took {took:.0f} s")
    print(f"burst: {requests} concurrent reads, all 200, in {took:.1f} s")


def schemathesis(project: Path, url: str, bearer: str, examples: int, seed: int) -> None:
    st = Path(sys.executable).parent / "st"
    here = Path(__file__).resolve().parent
    command = [
        str(st),
        "--config-file",
        str(here / "schemathesis.toml"),
        "run",
        f"{url}/openapi.json",
        "--header",
        f"Authorization: Bearer {bearer}",
        "--max-examples",
        str(examples),
        "--seed",
        str(seed),
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--request-timeout",
        "10",
        "--no-color",
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks", "PYTHONPATH": str(here)}
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=1200
    )
    output = result.stdout + result.stderr
    (project / "schemathesis.log").write_text(output)
    if result.returncode != 0:
        print(output[-12000:], file=sys.stderr)
        fail("schemathesis found problems (see above)")
    print("schemathesis: no findings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("project", type=Path)
    parser.add_argument("database_url")
    parser.add_argument("--roles", default="user")
    parser.add_argument("--schemathesis", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    project: Path = args.project.resolve()
    key = Ed25519PrivateKey.generate()
    with jwks_server(key) as origin:
        env = {
            **os.environ,
            "DATABASE_URL": args.database_url,
            "BETTER_AUTH_URL": origin,
            "MAX_BODY_BYTES": "1048576",
        }
        os.environ.update(env)
        with backend(project, env) as url:
            bearer = token(key, origin, "alice", args.roles)
            headers = {"Authorization": f"Bearer {bearer}"}
            with (
                httpx.Client(base_url=url, headers=headers, timeout=60) as client,
                httpx.Client(base_url=url, timeout=60) as anonymous,
            ):
                huge = token(key, origin, "alice", args.roles, padding="x" * 9000)
                answer = anonymous.get("/health", headers={"Authorization": f"Bearer {huge}"})
                if answer.status_code != 200:
                    fail("/health looked at the token")
                ids = create_rows(project, client)
                for route in ids:
                    answer = anonymous.get(route, headers={"Authorization": f"Bearer {huge}"})
                    if answer.status_code not in {200, 401}:
                        fail(f"an oversized token on {route} answered {answer.status_code}")
                burst(url, headers, list(ids), 200)
                hostile_bodies(project, url, client, anonymous, ids)
                plant_rows(project, args.database_url, client, ids)
                if args.schemathesis:
                    schemathesis(project, url, bearer, args.schemathesis, args.seed)
    print("PASSED")


if __name__ == "__main__":
    main()
