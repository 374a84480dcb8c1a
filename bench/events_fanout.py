"""Live events under load: 200 sockets, 2,000 changes, delivery latency and memory.

For each mode it renders examples/tasks.yaml with `events: true`, migrates a fresh
PostgreSQL database, and serves the project:
- `in-process`: one uvicorn process, no Redis;
- `redis`: two uvicorn processes sharing Redis (database 12 of --redis, flushed before
  and after); sockets are split between them, changes go to the first.
It opens 200 sockets (two per user, 100 users), then makes 2,000 creates at a steady 50 a
second (each user in turn; below what one process serves, so that requests do not queue),
and records when each event reaches each of its owner's two sockets.
Latency is from the moment the create was sent to each socket's receipt (what a user sees
between a change on one device and its arrival on another), and from the moment its
response arrived (the event is published after the response; below zero when the socket
was served first). Memory is the servers' resident set (VmRSS)
before the sockets, with them, and after the changes. Loopback only; stops by itself.

    python3 bench/events_fanout.py [--modes in-process,redis] [--sockets 200] [--changes 2000]
"""

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    BENCH_DIR,
    DEFAULT_PG,
    SPEC,
    build_backendgen,
    fail,
    fresh_database,
    jwks_server,
    migrate,
    mint_tokens,
    python_for,
    run,
    served,
)

DRIVER = r'''
import asyncio, json, sys, time
import httpx
from websockets.asyncio.client import connect

async def main():
    config = json.loads(sys.stdin.read())
    urls, tokens, changes = config["urls"], config["tokens"], config["changes"]
    users = list(tokens)
    sockets_per_user = config["sockets"] // len(users)
    received = {}
    ready = 0
    async def listen(url, user, n):
        nonlocal ready
        async with connect(url.replace("http", "ws") + "/api/events", max_queue=None) as ws:
            await ws.send(json.dumps({"type": "auth", "token": tokens[user]}))
            assert json.loads(await ws.recv())["type"] == "ready"
            ready += 1
            async for text in ws:
                m = json.loads(text)
                if m.get("type") == "created":
                    received.setdefault(m["id"], []).append(time.perf_counter())
    tasks = [asyncio.create_task(listen(urls[(i + n) % len(urls)], u, n))
             for i, u in enumerate(users) for n in range(sockets_per_user)]
    while ready < len(tasks):
        await asyncio.sleep(0.05)
    print(json.dumps({"phase": "connected"}), flush=True)
    await asyncio.sleep(float(config["settle"]))
    answered = {}
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=urls[0], timeout=30) as client:
        rate = float(config["rate"])
        async def create(k):
            # Paced: create k starts at k / rate seconds, below what the server can take,
            # so that the latency is the delivery's, not a queue of requests.
            await asyncio.sleep(max(0.0, started + k / rate - time.perf_counter()))
            user = users[k % len(users)]
            sent_at = time.perf_counter()
            r = await client.post("/api/tasks", json={"title": f"t{k}"},
                                  headers={"Authorization": f"Bearer {tokens[user]}"})
            answered[r.json()["id"]] = (sent_at, time.perf_counter())
        await asyncio.gather(*(create(k) for k in range(changes)))
    elapsed = time.perf_counter() - started
    expected = changes * sockets_per_user
    deadline = time.perf_counter() + 30
    while sum(len(v) for v in received.values()) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    latencies = [t - answered[i][0] for i, ts in received.items() if i in answered for t in ts]
    after_response = [t - answered[i][1] for i, ts in received.items() if i in answered for t in ts]
    for t in tasks:
        t.cancel()
    print(json.dumps({"phase": "done", "latencies": latencies, "after_response": after_response,
                      "expected": expected,
                      "seconds": elapsed}), flush=True)

asyncio.run(main())
'''


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modes", default="in-process,redis")
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--changes", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50.0, help="creates a second")
    parser.add_argument("--pg", default=DEFAULT_PG)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--nice", type=int, default=0, help="servers' and driver's niceness (negative: root)")
    args = parser.parse_args()
    backendgen = build_backendgen()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    spec = BENCH_DIR / "tasks-events.yaml"
    spec.write_text(SPEC.read_text().replace("    owned: true", "    events: true\n    owned: true"))
    rows = []
    with tempfile.TemporaryDirectory(dir=BENCH_DIR) as where:
        project = Path(where) / "tasks"
        run([backendgen, "new", "tasks", "--spec", spec, "--yes", "--output", project], "new")
        python = python_for(project, ["websockets"])
        users = [f"user{n}" for n in range(args.sockets // 2)]
        for mode in args.modes.split(","):
            redis_url = f"{args.redis}/12"
            if mode == "redis":
                run([python, "-c", f"import redis; redis.Redis.from_url('{redis_url}').flushdb()"], "flush")
            with fresh_database(args.pg, "bench_events") as database_url, jwks_server() as (origin, document):
                env = {"DATABASE_URL": database_url, "BETTER_AUTH_URL": origin, "PATH": "/usr/bin:/bin"}
                if mode == "redis":
                    env["REDIS_URL"] = redis_url
                migrate(project, python, env)
                tokens = mint_tokens(python, origin, document, *users)
                instances = 2 if mode == "redis" else 1
                logs = [Path(where) / f"{mode}-{n}.log" for n in range(instances)]
                with served(python, "app.main:app", project, env, logs[0], nice=args.nice) as (url_a, pid_a):
                    servers = [(url_a, pid_a)]
                    if instances == 2:
                        context = served(python, "app.main:app", project, env, logs[1], nice=args.nice)
                        servers.append(context.__enter__())
                    try:
                        before = sum(rss_mb(pid) for _, pid in servers)
                        config = {"urls": [u for u, _ in servers], "tokens": tokens,
                                  "changes": args.changes, "sockets": args.sockets, "settle": 1.0,
                                  "rate": args.rate}
                        process = asyncio.run(drive(python, config, servers, args.nice))
                    finally:
                        if instances == 2:
                            context.__exit__(None, None, None)
                latencies = process["latencies"]
                if len(latencies) < process["expected"]:
                    fail(f"{mode}: {len(latencies)} of {process['expected']} deliveries arrived")
                after = process["after_response"]
                rows.append(
                    (mode, instances, args.sockets, args.changes, len(latencies),
                     statistics.median(latencies) * 1000, percentile(latencies, 0.99) * 1000,
                     max(latencies) * 1000, statistics.median(after) * 1000,
                     percentile(after, 0.99) * 1000, args.changes / process["seconds"],
                     before, process["rss_sockets"], process["rss_after"])
                )
            if mode == "redis":
                run([python, "-c", f"import redis; redis.Redis.from_url('{redis_url}').flushdb()"], "flush")
    print("| mode | instances | sockets | changes | deliveries | from request p50 ms | p99 | max | after response p50 ms | p99 | creates/s | RSS MB before | with sockets | after |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print("| {} | {} | {} | {} | {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.0f} | {:.0f} | {:.0f} | {:.0f} |".format(*row))


async def drive(
    python: Path, config: dict[str, Any], servers: list[tuple[str, int]], nice: int
) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        str(python), "-c", DRIVER,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**26,
        preexec_fn=(lambda: os.nice(nice)) if nice else None,  # noqa: PLW1509
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps(config).encode())
    process.stdin.close()
    result: dict[str, Any] = {}
    async for line in process.stdout:
        message = json.loads(line)
        if message["phase"] == "connected":
            result["rss_sockets"] = sum(rss_mb(pid) for _, pid in servers)
        else:
            result.update(message)
            result["rss_after"] = sum(rss_mb(pid) for _, pid in servers)
    await process.wait()
    if "latencies" not in result:
        fail("the load driver failed")
    return result


if __name__ == "__main__":
    start = time.monotonic()
    main()
    print(f"({time.monotonic() - start:.0f} s)")
