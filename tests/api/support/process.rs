//! The built `ctg` binary run as a real process, for what only a process shows: its logs, the
//! demo set-up, several instances sharing one database.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::TEST_JWT_SECRET;

/// How long a server may take to print that it serves (it migrates first, and the demo loads).
const START_PATIENCE: Duration = Duration::from_secs(120);

/// A running `ctg serve`, stopped (SIGTERM, then killed) when dropped.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

/// Collects a stream's lines, announcing each on `lines`.
fn collect(
    stream: impl Read + Send + 'static,
    into: Arc<Mutex<Vec<String>>>,
    lines: Option<mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            into.lock().unwrap().push(line.clone());
            if let Some(lines) = &lines {
                let _ = lines.send(line);
            }
        }
    });
}

impl ServerProcess {
    /// `ctg serve ARGS` on `database_url`, on a port of its choosing, with the tests' token key
    /// and `env` on top (an empty value unsets the variable); returns once it prints the address
    /// it serves on.
    pub fn start(database_url: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ctg"));
        command
            .arg("serve")
            .args(args)
            .env("DATABASE_URL", database_url)
            .env("CTG_BIND", "127.0.0.1:0")
            .env("CTG_WORKERS", "2")
            .env("CTG_JWT_SECRET", TEST_JWT_SECRET)
            .env("CTG_LOG_FORMAT", "text")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            if value.is_empty() {
                command.env_remove(name);
            } else {
                command.env(name, value);
            }
        }
        let mut child = command.spawn().expect("start ctg serve");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (lines, received) = mpsc::channel();
        collect(
            child.stdout.take().unwrap(),
            Arc::clone(&stdout),
            Some(lines),
        );
        collect(child.stderr.take().unwrap(), Arc::clone(&stderr), None);
        let mut server = Self {
            child,
            base: String::new(),
            stdout,
            stderr,
        };
        let started = Instant::now();
        loop {
            let left = START_PATIENCE.saturating_sub(started.elapsed());
            match received.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix("ctg serving on ") {
                        server.base = rest.split_whitespace().next().unwrap().to_string();
                        return server;
                    }
                }
                Err(_) => panic!(
                    "ctg serve printed no address after {:?}:\n{}",
                    started.elapsed(),
                    server.output()
                ),
            }
        }
    }

    /// What it printed on standard output so far, line by line.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    /// What it logged (standard error) so far, line by line.
    pub fn log_lines(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    /// Everything it printed so far.
    pub fn output(&self) -> String {
        let mut all = self.stdout_lines();
        all.extend(self.log_lines());
        all.join("\n")
    }

    /// Stops it as an orchestrator would (SIGTERM), waits for it to exit and returns whether it
    /// exited successfully.
    pub fn terminate(&mut self) -> bool {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(40);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the reader threads drain what was printed last.
                std::thread::sleep(Duration::from_millis(100));
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        false
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
