"""What the benchmarks in bench/ share: building backendgen and rendering a project, the
cached virtual environments, PostgreSQL, CPU time from /proc, a JWKS and tokens, serving an
app with uvicorn, and driving it with wrk.

Python 3.11 standard library only. The scripts beside it import it as `common` (Python puts
a script's own folder first on the import path).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import platform
import re
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
import tomllib
import urllib.parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "target" / "bench"
SPEC = REPO / "examples" / "tasks.yaml"
ALL_TARGETS = ["sqlmodel-async", "sqlmodel-sync", "sqlalchemy-async", "sqlalchemy-sync"]
DEFAULT_PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
CALLER = "bench-user"
TICKS = os.sysconf("SC_CLK_TCK")
STARTUP_SECONDS = 30.0
# Versions printed with the results; the rest of the environment follows from them.
REPORTED_PACKAGES = [
    "fastapi",
    "starlette",
    "pydantic",
    "uvicorn",
    "uvloop",
    "httptools",
    "sqlalchemy",
    "sqlmodel",
    "asyncpg",
    "psycopg",
    "psycopg-binary",
    "psycopg-pool",
    "pyjwt",
    "cryptography",
]


def fail(message: str) -> NoReturn:
    sys.exit(f"bench: {message}")


def run(cmd: list[str | Path], what: str, **kwargs: Any) -> str:
    """Run `cmd`, returning its stdout; on failure stop with both of its outputs."""
    try:
        done = subprocess.run(
            cmd, check=False, capture_output=True, text=True, **kwargs
        )
    except FileNotFoundError:
        fail(f"{what}: {cmd[0]} is not installed")
    if done.returncode != 0:
        fail(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    stdout: str = done.stdout
    return stdout


def require_tools(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            fail(f"{tool} is not on PATH")


def parse_targets(text: str) -> list[str]:
    targets = [t.strip() for t in text.split(",") if t.strip()]
    unknown = sorted(set(targets) - set(ALL_TARGETS))
    if unknown:
        fail(f"unknown targets {unknown}; choose from {ALL_TARGETS}")
    return targets


# --- the generated project and its Python ------------------------------------------------


def build_backendgen() -> Path:
    run(["cargo", "build", "--release", "--quiet"], "cargo build --release", cwd=REPO)
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return (REPO / target_dir / "release" / "backendgen").resolve()


def generate(backendgen: Path, where: Path, target: str) -> Path:
    """Render examples/tasks.yaml for `target` (`<orm>-<mode>`) into `where/<target>`."""
    orm, mode = target.split("-")
    project = where / target
    run(
        [
            backendgen,
            "new",
            "tasks",
            "--spec",
            SPEC,
            "--orm",
            orm,
            "--mode",
            mode,
            "--yes",
            "--output",
            project,
        ],
        f"backendgen new ({orm}, {mode})",
    )
    return project


def python_for(project: Path, extras: Iterable[str] = ()) -> Path:
    """The Python of a virtual environment with the project's runtime dependencies, plus
    `extras` (what a baseline app needs beyond them).

    Cached under target/bench/, keyed by that list of packages, so that a second run
    installs nothing.
    """
    with (project / "pyproject.toml").open("rb") as file:
        deps: list[str] = tomllib.load(file)["project"]["dependencies"]
    deps = [*deps, *extras]
    key = hashlib.sha256("\n".join(deps).encode()).hexdigest()[:16]
    root = BENCH_DIR / f"venv-{key}"
    python = root / "bin" / "python"
    if not (root / ".ready").exists():
        if shutil.which("uv") is None:
            run(
                [sys.executable, "-m", "pip", "install", "--quiet", "uv"],
                "pip install uv",
            )
        shutil.rmtree(root, ignore_errors=True)
        run(["uv", "venv", "--quiet", "--python", "3.11", root], "uv venv")
        run(
            [
                "uv",
                "pip",
                "install",
                "--quiet",
                "--compile-bytecode",
                "--python",
                python,
                *deps,
            ],
            "uv pip install",
        )
        (root / ".ready").write_text("\n".join(deps) + "\n")
    return python


def package_versions(python: Path) -> dict[str, str]:
    script = (
        "import json, sys\nfrom importlib.metadata import version, PackageNotFoundError\n"
        "out = {}\nfor name in sys.argv[1:]:\n"
        "    try:\n        out[name] = version(name)\n"
        "    except PackageNotFoundError:\n        pass\nprint(json.dumps(out))"
    )
    versions: dict[str, str] = json.loads(
        run([python, "-c", script, *REPORTED_PACKAGES], "read package versions")
    )
    return versions


def migrate(project: Path, python: Path, env: dict[str, str]) -> None:
    """The project's own Alembic revisions: the schema (and indexes) it generates."""
    run(
        [python, "-m", "alembic", "upgrade", "head"],
        "alembic upgrade head",
        cwd=project,
        env=env,
    )


# --- PostgreSQL --------------------------------------------------------------------------


def psql(pg: str, database: str, sql: str) -> str:
    return run(
        [
            "psql",
            f"{pg}/{database}",
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ],
        f"psql on {database}",
    ).strip()


@contextmanager
def fresh_database(pg: str, name: str, keep: bool = False) -> Iterator[str]:
    """A new, empty database `name` (dropped first if a run left it), dropped at the end
    unless `keep`; yields its URL."""
    if not name.startswith("bench_"):
        fail(f"benchmark databases are named bench_*, not {name}")
    psql(pg, "postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(pg, "postgres", f"CREATE DATABASE {name}")
    try:
        yield f"{pg}/{name}"
    finally:
        if not keep:
            psql(pg, "postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def seed_sql(rows: int, other_users: int) -> str:
    """Every user gets `rows` tasks, interleaved in id and creation time, with a mix of
    empty and filled optional columns, so that the caller's page is a real index scan
    and sort among other users' rows, not the whole table."""
    users = other_users + 1
    return f"""
INSERT INTO tasks (user_id, title, description, completed, priority, due_date,
                   created_at, updated_at)
SELECT CASE WHEN g % {users} = 0 THEN '{CALLER}'
            ELSE 'other-user-' || (g % {users}) END,
       'Task number ' || g,
       CASE WHEN g % 3 = 0 THEN NULL
            ELSE repeat('Some words about the task. ', 1 + g % 5) END,
       g % 4 = 0,
       (ARRAY['low', 'medium', 'high'])[1 + g % 3],
       CASE WHEN g % 2 = 0 THEN NULL
            ELSE timestamptz '2030-01-01 00:00:00+00' + g * interval '1 minute' END,
       timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second',
       timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second'
FROM generate_series(1, {rows * users}) AS g;
"""


def seed(
    pg: str, database: str, rows: int, other_users: int, extra_sql: str | None
) -> None:
    """Seed with `seed_sql`, run `extra_sql` if any, and vacuum."""
    psql(pg, database, seed_sql(rows, other_users))
    if extra_sql:
        psql(pg, database, extra_sql)
    # A table as autovacuum leaves it (visibility map set, statistics current), made now
    # rather than whenever autovacuum wakes up, which would change the count's plan
    # (index-only scan or not) in the middle of some runs.
    psql(pg, database, "VACUUM (ANALYZE) tasks")


def pg_sessions(pg: str, database: str) -> int:
    """Connections ever opened to `database` (asked from another database, so that
    asking does not count)."""
    return int(
        psql(
            pg,
            "postgres",
            f"SELECT sessions FROM pg_stat_database WHERE datname = '{database}'",
        )
    )


def postgres_version(pg: str) -> str:
    return psql(pg, "postgres", "SHOW server_version")


# --- CPU time from /proc -----------------------------------------------------------------


def proc_stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name is in parentheses and may hold spaces; fields count from after it.
    return [
        text[: text.index(" ")],
        text[text.index("(") + 1 : text.rindex(")")],
        *text[text.rindex(")") + 2 :].split(),
    ]


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of every thread of a live process."""
    fields = proc_stat(pid)
    if fields is None:
        fail(f"process {pid} is gone")
    return (int(fields[13]) + int(fields[14])) / TICKS


def postgres_cpu(database: str) -> float:
    """CPU seconds of the backends serving `database`, plus the postmaster's own and what
    it has collected from exited backends: connections that a pool opens and closes
    mid-run cost PostgreSQL a fork and a backend start each, and count. So, unavoidably,
    do other databases' exited backends; the `other` column tells whether anything else
    ran meanwhile."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = proc_stat(int(entry.name))
        if fields is None or fields[1] != "postgres":
            continue
        try:
            title = (entry / "cmdline").read_bytes().decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError):
            continue
        parent = proc_stat(int(fields[3]))
        if parent is None or parent[1] != "postgres":
            # The postmaster: it forks a backend per connection, and the time of each
            # backend arrives in its children's time when the backend exits.
            total += sum(int(f) for f in fields[13:17])
        elif f" {database} " in title:
            total += int(fields[13]) + int(fields[14])
    return total / TICKS


def machine_busy_cpu() -> float:
    """CPU seconds all cores have spent not idle since boot."""
    values = [
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return (user + nice + system + irq + softirq + steal) / TICKS


def wait_for_quiet(limit: float) -> float:
    """Wait up to `limit` seconds for the machine to idle (under a fifth of a core busy over
    two seconds), so that other work does not share the cores with a run. Returns the
    seconds waited; a run that starts on a busy machine shows it in `other CPU s`."""
    started = time.monotonic()
    while True:
        before = machine_busy_cpu()
        time.sleep(2)
        if machine_busy_cpu() - before < 0.4 or time.monotonic() - started > limit:
            return time.monotonic() - started


def children_cpu() -> float:
    """CPU seconds of this script's finished children (wrk)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- tokens and serving ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def jwks_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A stand-in for Better Auth's /api/auth/jwks; the caller fills in the document."""
    document: dict[str, bytes] = {"body": b'{"keys": []}'}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = document["body"]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", document
    finally:
        server.shutdown()
        server.server_close()


def mint_tokens(
    python: Path, origin: str, document: dict[str, bytes], *subjects: str
) -> dict[str, str]:
    """Tokens for `subjects`, signed by one fresh key that the JWKS server now serves
    (bench/mint_token.py, run with a project's Python, which has PyJWT)."""
    minted = json.loads(
        run(
            [python, REPO / "bench" / "mint_token.py", origin, *subjects], "mint tokens"
        )
    )
    document["body"] = json.dumps(minted["jwks"]).encode()
    tokens: dict[str, str] = minted["tokens"]
    return tokens


def request(
    url: str,
    token: str | None = None,
    method: str = "GET",
    body: bytes | None = None,
) -> tuple[int, bytes, dict[str, str]]:
    """One request on a new connection: status, body and headers."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def get(url: str, token: str | None = None) -> tuple[int, bytes]:
    status, body, _ = request(url, token)
    return status, body


@contextmanager
def served(
    python: Path,
    app: str,
    cwd: Path,
    env: dict[str, str],
    log: Path,
    app_dir: Path | None = None,
    nice: int = 0,
    access_log: bool = False,
) -> Iterator[tuple[str, int]]:
    """`app` (`module:attribute`) under uvicorn, one process, until /health answers;
    yields its URL and the pid whose CPU time is the server's. A negative `nice` (root
    only) lets the server run ahead of other work on a shared machine. `access_log`
    keeps uvicorn's own access log, a line per request, for an app that writes none
    itself (a generated app writes its own)."""
    port = free_port()
    extra = ["--app-dir", str(app_dir)] if app_dir is not None else []
    if access_log:
        extra += ["--access-log", "--log-level", "info"]
    else:
        extra += ["--no-access-log", "--log-level", "warning"]
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                python,
                "-m",
                "uvicorn",
                app,
                *extra,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            preexec_fn=(lambda: os.nice(nice)) if nice else None,  # noqa: PLW1509
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if get(f"{url}/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                fail(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_errors(log: Path) -> str | None:
    text = log.read_text()
    return text[-4000:] if "Traceback" in text or "ERROR" in text else None


# --- load --------------------------------------------------------------------------------


def wrk(
    url: str,
    token: str,
    connections: int,
    seconds: int,
    timeout: int = 10,
    method: str = "GET",
    body: str | None = None,
) -> dict[str, int]:
    """One bounded wrk run, on a single thread so that it takes little of the two cores
    that the server and PostgreSQL share. A POST sends `body` as JSON with every request
    (wrk_summary.lua reads both from the environment)."""
    env = {**os.environ, "BENCH_METHOD": method}
    if body is not None:
        env["BENCH_BODY"] = body
    output = run(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            "--timeout",
            f"{timeout}s",
            "--script",
            REPO / "bench" / "wrk_summary.lua",
            "--header",
            f"Authorization: Bearer {token}",
            url,
        ],
        f"wrk -c {connections}",
        env=env,
    )
    match = re.search(r"^BENCH_JSON (.*)$", output, re.MULTILINE)
    if match is None:
        fail(f"wrk printed no summary:\n{output}")
    summary: dict[str, int] = json.loads(match.group(1))
    return summary


def wrk_errors(summary: dict[str, int]) -> int:
    keys = (
        "connect_errors",
        "read_errors",
        "write_errors",
        "status_errors",
        "timeouts",
    )
    return sum(summary[k] for k in keys)


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.MULTILINE)
    wrk_version = subprocess.run(
        ["wrk", "-v"], check=False, capture_output=True, text=True
    ).stdout
    return {
        "cpu": model.group(1) if model else platform.processor(),
        "cores": str(os.cpu_count()),
        "kernel": platform.release(),
        "wrk": wrk_version.split("\n", 1)[0].split(" [")[0],
    }


def write_report(name: str, report: dict[str, Any]) -> Path:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    out = BENCH_DIR / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    return out
