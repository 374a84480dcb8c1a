//! End to end, the way a generated project ships: its Dockerfile, CI workflow and pre-commit
//! configuration pass their linters (hadolint, actionlint, pre-commit), its dependency ranges
//! resolve (`uv lock`), and the image's start-up script, run in an environment installed as
//! the image installs it (`uv sync --locked --no-dev`), migrates PostgreSQL and serves.
//!
//! There is no container engine here, so the image itself is never built: what it runs is.
//! uv and PostgreSQL come from `tools.rs`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use backendgen::target::Target;

use crate::e2e::{PgDatabase, for_target, generate, python_env, run_ok, target_name};
use crate::tools;

/// `uv` in `project`, with nothing of the caller's virtual environment.
fn uv(project: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(tools::uv());
    cmd.args(args)
        .current_dir(project)
        .env_remove("VIRTUAL_ENV")
        .env_remove("UV_PROJECT_ENVIRONMENT");
    cmd
}

/// `scripts/start.sh` as the image runs it: the project's `.venv` first on PATH, production.
fn start_script(project: &Path, database_url: Option<&str>, port: u16) -> Command {
    let mut cmd = Command::new(project.join("scripts/start.sh"));
    cmd.current_dir(project)
        .env("PATH", tools::path_with(&[&project.join(".venv/bin")]))
        .env("ENVIRONMENT", "production")
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env_remove("DATABASE_URL")
        .env_remove("VIRTUAL_ENV");
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 GET; the raw answer, or None while nothing listens.
fn get(port: u16, path: &str, request_id: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-ID: {request_id}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    Some(answer)
}

/// A server started by the script: stopped (SIGTERM, as a container stop) when dropped.
struct Server {
    child: Child,
    port: u16,
    label: String,
}

impl Server {
    fn start(label: String, project: &Path, database_url: &str) -> Server {
        let port = free_port();
        let child = start_script(project, Some(database_url), port)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("[{label}] could not run scripts/start.sh: {e}"));
        Server { child, port, label }
    }

    /// Waits for `/health/ready` to answer 200; the raw answer.
    fn ready(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if let Some(answer) = get(self.port, "/health/ready", "deploy-check-1") {
                assert!(
                    answer.starts_with("HTTP/1.1 200"),
                    "[{}] /health/ready:\n{answer}",
                    self.label
                );
                return answer;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                let output = self.stop_output();
                panic!(
                    "[{}] scripts/start.sh exited ({status}) before serving:\n{output}",
                    self.label
                );
            }
            assert!(
                Instant::now() < deadline,
                "[{}] the server did not start in time",
                self.label
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Stops the server as a container stop would, and gives what it printed.
    fn stop(mut self) -> String {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = wait_at_most(&mut self.child, Duration::from_secs(30));
        let output = self.stop_output();
        // uvicorn shuts down, then raises the signal again: the exit says SIGTERM.
        assert!(
            exit.is_some_and(|s| s.success() || s.signal() == Some(15))
                && output.contains("Application shutdown complete."),
            "[{}] the server did not stop cleanly on SIGTERM ({exit:?}):\n{output}",
            self.label
        );
        output
    }

    fn stop_output(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut text = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            let _ = out.read_to_string(&mut text);
        }
        if let Some(mut err) = self.child.stderr.take() {
            let _ = err.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_at_most(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

fn psql(url: &str, sql: &str) -> String {
    let output = run_ok(
        tools::postgres().psql(url).args(["-tA", "-c", sql]),
        &format!("psql: {sql}"),
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

fn deploys(target: Target) {
    let name = format!("deploy_{}", target_name(target));
    let project = generate(&name, &for_target(backendgen::DEFAULT_SPEC, target));
    let tools = python_env(&project);
    let lint = |program: &str, args: &[&str]| {
        run_ok(
            tools.command(&project, program).args(args),
            &format!("[{name}] {program} {}", args.join(" ")),
        );
    };
    lint("hadolint", &["Dockerfile"]);
    lint("actionlint", &["-no-color", ".github/workflows/ci.yml"]);
    lint(
        "pre-commit",
        &["validate-config", ".pre-commit-config.yaml"],
    );

    // The dependency ranges resolve, and the image's environment installs from the lock alone
    // (its bytecode compiled, as UV_COMPILE_BYTECODE does in the image).
    run_ok(
        &mut uv(&project, &["lock", "--quiet", "--python", "3.11"]),
        &format!("[{name}] uv lock"),
    );
    run_ok(
        &mut uv(
            &project,
            &[
                "sync",
                "--quiet",
                "--locked",
                "--no-dev",
                "--compile-bytecode",
                "--python",
                "3.11",
            ],
        ),
        &format!("[{name}] uv sync --locked --no-dev"),
    );
    assert!(
        !project.join(".venv/bin/pytest").exists(),
        "[{name}] the image's environment has no dev tools"
    );

    // Production without DATABASE_URL stops at once, with one readable line.
    let refused = start_script(&project, None, free_port()).output().unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "[{name}] {stderr}");
    assert!(
        stderr.contains("DATABASE_URL must be set when ENVIRONMENT=production")
            && !stderr.contains("Traceback"),
        "[{name}] {stderr}"
    );

    // Two replicas start at once on an empty database: one migrates, both serve.
    let database = PgDatabase::create("deploy");
    let mut first = Server::start(format!("{name} 1"), &project, &database.url());
    let mut second = Server::start(format!("{name} 2"), &project, &database.url());
    let answer = first.ready();
    second.ready();
    assert!(
        answer.contains(r#"{"status":"ok","checks":{"database":"ok"}}"#),
        "[{name}] {answer}"
    );
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("x-request-id: deploy-check-1"),
        "[{name}] {answer}"
    );
    assert_eq!(
        psql(&database.url(), "SELECT version_num FROM alembic_version"),
        "0001_initial"
    );
    assert_eq!(psql(&database.url(), "SELECT count(*) FROM tasks"), "0");
    second.stop();
    let output = first.stop();
    let access = output
        .lines()
        .find(|line| line.contains(r#""logger": "app.access""#))
        .unwrap_or_else(|| panic!("[{name}] no access log line:\n{output}"));
    let entry: serde_json::Value = serde_json::from_str(access)
        .unwrap_or_else(|e| panic!("[{name}] not JSON ({e}): {access}"));
    assert_eq!(entry["request_id"], "deploy-check-1", "[{name}] {access}");
    assert_eq!(entry["path"], "/health/ready", "[{name}] {access}");
}

/// In every target: the deploy files lint clean, the dependencies lock, and the start-up
/// script of the image migrates PostgreSQL (twice at once) and serves `/health/ready`.
#[test]
fn every_target_deploys() {
    for target in Target::all() {
        deploys(target);
    }
}
