"""Events across instances: two uvicorn servers of one project on one PostgreSQL database
and a real Redis, a worker, and a webhook receiver.

Usage: python events_across_instances.py PROJECT_DIR DATABASE_URL REDIS_URL

Run with the project's own virtual environment. The project is the tasks spec with
`events: true`. Checks, in order:
1. a browser page of a foreign origin is refused at the handshake (403);
2. a task created through instance A reaches a socket on instance B, and its update and
   delete follow, in order; another user's socket on A sees none of it;
3. webhooks queued while no worker runs are delivered once one starts, each signed as
   Standard Webhooks says, and retried after the receiver answers 500 (the receiver fails
   every message's first attempt);
4. a hook job for each change is run by the worker (its log line);
and before all that, with Redis unreachable, a create still answers 201, `/health/ready`
answers 503 naming Redis, and the failure to publish is logged.
Only the Redis database of REDIS_URL is flushed, before and after. Exits non-zero on the
first failure.
"""

import asyncio
import base64
import hashlib
import hmac
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
import redis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from httpx_ws import WebSocketUpgradeError, aconnect_ws

from hostile_client import jwks_server, token
from served import served

SECRET_KEY = b"e2e-webhook-secret-of-32-bytes!!"
SECRET = "whsec_" + base64.b64encode(SECRET_KEY).decode()
DEADLINE_SECONDS = 20.0


def fail(message: str) -> None:
    sys.exit(f"FAILED: {message}")


class Receiver:
    """Webhook deliveries, with every message's first attempt answered 500."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[dict[str, str], bytes, int]] = []
        self.lock = threading.Lock()

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            seen = any(h["webhook-id"] == headers.get("webhook-id") for h, _, _ in self.deliveries)
            status = 204 if seen else 500
            self.deliveries.append((headers, body, status))
            return status


@contextmanager
def receiving(receiver: Receiver) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {k.lower(): v for k, v in self.headers.items()}
            self.send_response(receiver.handle(headers, body))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhooks"
    finally:
        server.shutdown()


def verify(headers: dict[str, str], body: bytes) -> dict[str, Any]:
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    digest = hmac.new(SECRET_KEY, content, hashlib.sha256).digest()
    if headers["webhook-signature"] != f"v1,{base64.b64encode(digest).decode()}":
        fail(f"a webhook's signature does not verify: {headers}")
    value: dict[str, Any] = json.loads(body)
    return value


async def feed_checks(a: str, b: str, alice: str, bob: str) -> int:
    """Steps 1 and 2; the id of the task."""
    try:
        async with aconnect_ws(f"{b}/api/events", headers={"Origin": "https://evil.example.test"}):
            fail("a foreign origin's handshake was accepted")
    except WebSocketUpgradeError as refused:
        if refused.response.status_code != 403:
            fail(f"a foreign origin's handshake answered {refused.response.status_code}")

    async with (
        aconnect_ws(f"{b}/api/events") as on_b,
        aconnect_ws(f"{a}/api/events") as bobs,
        httpx.AsyncClient(base_url=a) as client,
    ):
        for socket, jwt in ((on_b, alice), (bobs, bob)):
            await socket.send_json({"type": "auth", "token": jwt})
            if await socket.receive_json(timeout=5) != {"type": "ready"}:
                fail("no ready message")
        headers = {"Authorization": f"Bearer {alice}"}
        response = await client.post("/api/tasks", json={"title": "Across"}, headers=headers)
        if response.status_code != 201:
            fail(f"create answered {response.status_code}: {response.text}")
        row = response.json()
        item = f"/api/tasks/{row['id']}"
        updated = (await client.patch(item, json={"completed": True}, headers=headers)).json()
        if (await client.delete(item, headers=headers)).status_code != 204:
            fail("delete failed")
        expected = [
            {"type": "created", "resource": "tasks", "id": row["id"], "data": row},
            {"type": "updated", "resource": "tasks", "id": row["id"], "data": updated},
            {"type": "deleted", "resource": "tasks", "id": row["id"]},
        ]
        for message in expected:
            got = await socket_message(on_b)
            if got != message:
                fail(f"the socket on B got {got}, expected {message}")
        try:
            got = await bobs.receive_json(timeout=1)
        except TimeoutError:
            pass
        else:
            fail(f"another user's socket got {got}")
    print("feed: A's changes reached B's socket, in order; the other user saw none")
    row_id: int = row["id"]
    return row_id


async def socket_message(socket: Any) -> Any:
    while True:
        message = await socket.receive_json(timeout=10)
        if message.get("type") != "ping":
            return message


def main() -> None:
    project, database_url, redis_url = Path(sys.argv[1]).resolve(), sys.argv[2], sys.argv[3]
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    key = Ed25519PrivateKey.generate()
    receiver = Receiver()
    logs = project / "e2e-logs"
    logs.mkdir(exist_ok=True)
    try:
        with jwks_server(key) as origin, receiving(receiver) as hook_url:
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "BETTER_AUTH_URL": origin,
                "REDIS_URL": redis_url,
                "REDIS_PREFIX": f"e2e-{os.getpid()}",
                "WEBHOOK_URLS": hook_url,
                "WEBHOOK_SECRET": SECRET,
                "WEBHOOK_BACKOFF_SECONDS": "0.2",
                "CORS_ORIGINS": "https://app.example.test",
            }
            alice = token(key, origin, "alice", "user")
            bob = token(key, origin, "bob", "user")
            # Redis away (nothing listens on port 1): changes still succeed, readiness says so.
            # (Its webhooks would run in process then: not to the receiver checked below.)
            away = {
                **env,
                "REDIS_URL": "redis://127.0.0.1:1/0",
                "REDIS_TIMEOUT_SECONDS": "0.5",
                "WEBHOOK_URLS": "",
            }
            with served(project, away, logs / "away.log") as c:
                headers = {"Authorization": f"Bearer {alice}"}
                response = httpx.post(f"{c}/api/tasks", json={"title": "Away"}, headers=headers)
                if response.status_code != 201:
                    fail(f"with Redis away a create answered {response.status_code}")
                response = httpx.get(f"{c}/health/ready")
                if response.status_code != 503 or response.json()["checks"].get("redis") != "failed":
                    fail(f"with Redis away /health/ready answered {response.status_code} {response.text}")
                if "Cannot publish" not in (logs / "away.log").read_text():
                    fail("the failure to publish was not logged")
            print("redis away: the create succeeded, /health/ready reports redis failed, the failure is logged")
            with served(project, env, logs / "a.log") as a, served(project, env, logs / "b.log") as b:
                row_id = asyncio.run(feed_checks(a, b, alice, bob))
                time.sleep(1.0)
                if receiver.deliveries:
                    fail("webhooks were delivered with no worker running")
                print("webhooks: none delivered while no worker runs")
                with (logs / "worker.log").open("w") as output:
                    worker = subprocess.Popen(
                        [sys.executable, "-m", "app.worker"],
                        cwd=project,
                        env=env,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                    )
                    try:
                        deadline = time.monotonic() + DEADLINE_SECONDS
                        while time.monotonic() < deadline:
                            with receiver.lock:
                                done = sum(1 for _, _, s in receiver.deliveries if s == 204)
                            if done == 3:
                                break
                            time.sleep(0.1)
                        else:
                            fail(f"the worker delivered {done} of 3 webhooks; see {logs}")
                        time.sleep(0.5)  # the hooks run alongside
                    finally:
                        worker.terminate()
                        worker.wait(timeout=10)
                worker_log = (logs / "worker.log").read_text()
    finally:
        store.flushdb()
    types = []
    for headers, body, status in receiver.deliveries:
        payload = verify(headers, body)
        if payload["data"].get("id") != row_id:
            fail(f"a webhook is about another row: {payload}")
        if status == 204:
            types.append(payload["type"])
    if sorted(types) != ["task.created", "task.deleted", "task.updated"]:
        fail(f"webhook types {types}")
    if len(receiver.deliveries) != 6:
        fail(f"{len(receiver.deliveries)} attempts, expected 3 failed and 3 retried")
    print("webhooks: queued, delivered by the worker after it started, signed, retried after 500")
    for change in ("created", "updated", "deleted"):
        if f"Task {row_id} {change}" not in worker_log:
            fail(f"the worker did not run the {change} hook; see {logs / 'worker.log'}")
    print("hooks: run by the worker")
    print("PASSED")


if __name__ == "__main__":
    main()
