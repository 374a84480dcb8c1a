"""A throwaway PostgreSQL or Redis server for one test process, gone when that process is.

Usage:
  python3 throwaway_server.py postgres BIN_DIR DATA_DIR
  python3 throwaway_server.py redis REDIS_SERVER DATA_DIR

Starts the server on a free port of 127.0.0.1 with every file of it in DATA_DIR, prints
`READY <url>` on one line, then reads stdin until it closes. The test process that started
this script holds the other end of stdin, so it closes when that process ends, however it
ends: the Rust test harness runs no destructors at exit, and a Ctrl-C or a kill gives none
either. Then the server is stopped and DATA_DIR deleted.

Ctrl-C on `cargo test` reaches the whole foreground process group: this script ignores
SIGINT and the server runs in a session of its own, so both outlive the test process just
long enough for the clean-up above. Standard library only: it runs before any environment
exists. PostgreSQL refuses to run as root: as root, it runs as `nobody`, owner of DATA_DIR.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def unprivileged(data: Path) -> dict[str, Any]:
    """As root: hands DATA_DIR to `nobody`, and gives the `subprocess` arguments that run a
    program as `nobody`; otherwise none."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    os.chown(data, nobody.pw_uid, nobody.pw_gid)
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


def wait_until(ready: Callable[[], bool], server: subprocess.Popen[bytes]) -> bool:
    """Whether `ready` came true before the server exited or the time ran out."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if ready():
            return True
        if server.poll() is not None:
            return False
        time.sleep(0.1)
    return False


# How each kind stops at once: PostgreSQL's immediate shutdown is SIGQUIT.
STOP_SIGNALS = {"postgres": signal.SIGQUIT, "redis": signal.SIGTERM}


def serve_on_free_port(
    kind: str,
    args_for: Callable[[int], list[str | Path]],
    ready_for: Callable[[int], Callable[[], bool]],
    data: Path,
    as_user: dict[str, Any] | None = None,
) -> tuple[subprocess.Popen[bytes], int]:
    """Starts the server `args_for(port)` runs, in a session of its own with its output in
    DATA_DIR/server.log, and waits until `ready_for(port)` says it serves. A free port can
    be taken between the probe and the start: a few are tried."""
    log = data / "server.log"
    for _ in range(3):
        port = free_port()
        with log.open("ab") as out:
            server = subprocess.Popen(
                args_for(port),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=data,
                start_new_session=True,
                **(as_user or {}),
            )
        if wait_until(ready_for(port), server):
            return server, port
        stop(server, STOP_SIGNALS[kind])
    raise RuntimeError(f"{kind} did not start:\n{log.read_text()}")


def start_postgres(bin_dir: Path, data: Path) -> tuple[subprocess.Popen[bytes], str]:
    as_user = unprivileged(data)
    cluster = data / "cluster"
    initdb: list[str | Path] = [bin_dir / "initdb", "-D", cluster, "-U", "postgres"]
    initdb += ["--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C"]
    with (data / "server.log").open("ab") as out:
        subprocess.run(
            initdb,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=data,
            check=True,
            **as_user,
        )
    pid_file = cluster / "postmaster.pid"

    def accepts_connections(_port: int) -> Callable[[], bool]:
        def ready() -> bool:
            # The postmaster writes "ready" on the eighth line once it accepts connections.
            try:
                lines = pid_file.read_text().splitlines()
            except OSError:
                return False
            return len(lines) > 7 and lines[7].strip() == "ready"

        return ready

    settings = {
        "listen_addresses": "127.0.0.1",
        "unix_socket_directories": str(data),
        # Tests run in parallel and the generated apps keep connection pools.
        "max_connections": "300",
        # Nothing here needs to survive a crash.
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
    }

    def args_for(port: int) -> list[str | Path]:
        args: list[str | Path] = [bin_dir / "postgres", "-D", cluster, "-p", str(port)]
        for name, value in settings.items():
            args += ["-c", f"{name}={value}"]
        return args

    server, port = serve_on_free_port(
        "postgres", args_for, accepts_connections, data, as_user
    )
    return server, f"postgresql://postgres@127.0.0.1:{port}"


def start_redis(redis_server: Path, data: Path) -> tuple[subprocess.Popen[bytes], str]:
    def answers(port: int) -> Callable[[], bool]:
        def ready() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    return conn.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        return ready

    def args_for(port: int) -> list[str | Path]:
        return [
            redis_server,
            *("--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(data)),
        ]

    server, port = serve_on_free_port("redis", args_for, answers, data)
    return server, f"redis://127.0.0.1:{port}/0"


def stop(server: subprocess.Popen[bytes], how: signal.Signals) -> None:
    """Stops the server with `how`, then whatever is left of its session."""
    try:
        server.send_signal(how)
        server.wait(timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except OSError:
        pass
    server.wait()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A polite kill of this script still cleans up (the `finally` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(1))
    kind, program, data = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    server: subprocess.Popen[bytes] | None = None
    try:
        if kind == "postgres":
            server, url = start_postgres(program, data)
        elif kind == "redis":
            server, url = start_redis(program, data)
        else:
            raise SystemExit(f"unknown server kind {kind!r}")
        print(f"READY {url}", flush=True)
        sys.stdin.buffer.read()
    except Exception as error:
        log = data / "server.log"
        details = log.read_text(errors="replace") if log.exists() else ""
        print(f"{type(error).__name__}: {error}\n{details}", file=sys.stderr)
        raise SystemExit(1) from error
    finally:
        if server is not None:
            stop(server, STOP_SIGNALS[kind])
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
