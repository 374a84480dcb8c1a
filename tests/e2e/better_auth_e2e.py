"""A generated backend, run under uvicorn, against a real Better Auth server.

Usage: python better_auth_e2e.py PROJECT_DIR

Starts the Better Auth server in tests/e2e/better-auth (node server.mjs), migrates the
project's database and serves the project with uvicorn pointed at that server. Then two
users sign up, fetch their JWTs from /api/auth/token and call /api/tasks: each sees only
their own rows, and a tampered or missing token is refused. Exits non-zero on any failure.
"""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from served import served

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "better-auth"


def start_better_auth() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        ["node", "server.mjs", "--port", "0"],
        cwd=HARNESS,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("READY "):
        process.kill()
        sys.exit(f"the Better Auth server did not start: {line!r}")
    return process, line.removeprefix("READY ")


def sign_up(auth_url: str, email: str) -> str:
    """Sign a new user up and return the JWT Better Auth issues for their session."""
    with httpx.Client(base_url=auth_url, headers={"Origin": auth_url}) as auth:
        response = auth.post(
            "/api/auth/sign-up/email",
            json={"email": email, "password": "correct horse battery", "name": email},
        )
        response.raise_for_status()
        token = auth.get("/api/auth/token")
        token.raise_for_status()
        jwt: str = token.json()["token"]
        return jwt


def check(condition: bool, message: str) -> None:
    if not condition:
        sys.exit(f"FAILED: {message}")
    print(f"ok: {message}")


def main() -> None:
    project = Path(sys.argv[1]).resolve()
    auth_process, auth_url = start_better_auth()
    env = {
        **os.environ,
        "BETTER_AUTH_URL": auth_url,
        "DATABASE_URL": f"sqlite:///{project / 'better-auth-e2e.db'}",
    }
    try:
        with served(project, env, project / "better-auth-e2e-server.log") as api:
            run_checks(auth_url, api)
        print("PASSED")
    finally:
        auth_process.terminate()
        auth_process.wait(timeout=10)


def run_checks(auth_url: str, api: str) -> None:
    alice = {"Authorization": f"Bearer {sign_up(auth_url, 'alice@example.test')}"}
    bob = {"Authorization": f"Bearer {sign_up(auth_url, 'bob@example.test')}"}
    with httpx.Client(base_url=api) as client:
        created = client.post("/api/tasks", json={"title": "Alice's"}, headers=alice)
        check(created.status_code == 201, f"alice creates a task ({created.text})")
        task: dict[str, Any] = created.json()
        client.post("/api/tasks", json={"title": "Bob's"}, headers=bob)

        mine = client.get("/api/tasks", headers=alice).json()
        check(
            [t["title"] for t in mine["items"]] == ["Alice's"],
            "alice lists only her own tasks",
        )
        theirs = client.get(f"/api/tasks/{task['id']}", headers=bob)
        check(theirs.status_code == 404, "bob cannot see alice's task")

        token = alice["Authorization"].removeprefix("Bearer ")
        head, payload, signature = token.split(".")
        flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
        tampered = {"Authorization": f"Bearer {head}.{payload}.{flipped}"}
        refused = client.get("/api/tasks", headers=tampered)
        check(refused.status_code == 401, "a tampered token is refused")
        check(
            refused.headers.get("www-authenticate", "").startswith("Bearer"),
            "the refusal says how to authenticate",
        )
        anonymous = client.get("/api/tasks")
        check(anonymous.status_code == 401, "no token is refused")


if __name__ == "__main__":
    main()
