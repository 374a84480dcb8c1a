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

START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def unprivileged(data: Path) -> Callable[[], None] | None:
    """As root: hands DATA_DIR to `nobody` and gives the function that becomes `nobody`."""
    if os.geteuid() != 0:
        return None
    nobody = pwd.getpwnam("nobody")
    os.chown(data, nobody.pw_uid, nobody.pw_gid)

    def become_nobody() -> None:
        os.setgroups([])
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)

    return become_nobody


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


def start_postgres(bin_dir: Path, data: Path) -> tuple[subprocess.Popen[bytes], str]:
    demote = unprivileged(data)
    cluster = data / "cluster"
    log = data / "server.log"
    with log.open("ab") as out:
        subprocess.run(
            [bin_dir / "initdb", "-D", cluster, "-U", "postgres", "--auth=trust"]
            + ["--no-sync", "--encoding=UTF8", "--locale=C"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=data,
            preexec_fn=demote,
            check=True,
        )
    pid_file = cluster / "postmaster.pid"

    def ready() -> bool:
        # The postmaster writes "ready" on the eighth line once it accepts connections.
        try:
            lines = pid_file.read_text().splitlines()
        except OSError:
            return False
        return len(lines) > 7 and lines[7].strip() == "ready"

    # A free port can be taken between the probe and the start: try a few.
    for _ in range(3):
        port = free_port()
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
        args: list[str | Path] = [bin_dir / "postgres", "-D", cluster, "-p", str(port)]
        for name, value in settings.items():
            args += ["-c", f"{name}={value}"]
        with log.open("ab") as out:
            server = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=data,
                preexec_fn=demote,
                start_new_session=True,
            )
        if wait_until(ready, server):
            return server, f"postgresql://postgres@127.0.0.1:{port}"
        stop(server, signal.SIGQUIT)
    raise RuntimeError(f"PostgreSQL did not start:\n{log.read_text()}")


def start_redis(redis_server: Path, data: Path) -> tuple[subprocess.Popen[bytes], str]:
    log = data / "server.log"

    def answers(port: int) -> Callable[[], bool]:
        def ready() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    return conn.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        return ready

    for _ in range(3):
        port = free_port()
        with log.open("ab") as out:
            server = subprocess.Popen(
                [redis_server, "--port", str(port), "--bind", "127.0.0.1"]
                + ["--save", "", "--appendonly", "no", "--dir", str(data)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=data,
                start_new_session=True,
            )
        if wait_until(answers(port), server):
            return server, f"redis://127.0.0.1:{port}/0"
        stop(server, signal.SIGTERM)
    raise RuntimeError(f"Redis did not start:\n{log.read_text()}")


def stop(server: subprocess.Popen[bytes], how: signal.Signals) -> None:
    """Stops the server (PostgreSQL: SIGQUIT, its immediate shutdown), then its session."""
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
    how = signal.SIGQUIT if kind == "postgres" else signal.SIGTERM
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
            stop(server, how)
        shutil.rmtree(data, ignore_errors=True)

if __name__ == "__main__":
    main()
