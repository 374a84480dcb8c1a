"""A generated project served by uvicorn on loopback, for the end-to-end scripts."""

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from throwaway_server import free_port

DEADLINE_SECONDS = 30.0


@contextmanager
def served(project: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """Migrate the project's database, serve it, and yield its base URL once /health
    answers; the server's output goes to `log`. Stops it on the way out."""
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1"]
            + ["--port", str(port), "--no-access-log"],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + DEADLINE_SECONDS
            while True:
                try:
                    if httpx.get(f"{url}/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    sys.exit(f"FAILED: the backend did not start; see {log}")
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)
