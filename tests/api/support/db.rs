//! A database per test, cloned from a template migrated once per migration set. Safe under
//! cargo-nextest's process-per-test: the template's creation is guarded by an advisory lock.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

/// Arbitrary, constant: every test process contends on the same lock.
const TEMPLATE_LOCK: i64 = 7_302_117;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// A database that exists for one test and is dropped with it.
pub struct TestDb {
    name: String,
    admin_url: String,
    url: String,
}

impl TestDb {
    /// A fresh, fully migrated database.
    pub fn new() -> Self {
        let admin_url = admin_url();
        let template = ensure_template(&admin_url);
        Self::create(&admin_url, Some(&template))
    }

    /// A fresh database with no tables at all (for migration tests).
    pub fn empty() -> Self {
        Self::create(&admin_url(), None)
    }

    fn create(admin_url: &str, template: Option<&str>) -> Self {
        let name = format!("ctg_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = connect(admin_url);
        let template = template
            .map(|t| format!(" TEMPLATE {t}"))
            .unwrap_or_default();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}{template}"))
            .expect("create the test database");
        Self {
            url: with_database(admin_url, &name),
            name,
            admin_url: admin_url.to_string(),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn conn(&self) -> PgConnection {
        connect(&self.url)
    }

    /// The single `bigint` an SQL query returns, aliased `n` (`SELECT count(*) AS n ...`).
    pub fn count(&self, sql: &str) -> i64 {
        diesel::sql_query(sql)
            .get_result::<Count>(&mut self.conn())
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .n
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn admin_url() -> String {
    std::env::var("DATABASE_URL").expect(
        "DATABASE_URL must name a PostgreSQL server where tests may create databases: \
         run the tests with scripts/test, which starts one",
    )
}

fn connect(url: &str) -> PgConnection {
    PgConnection::establish(url).unwrap_or_else(|e| panic!("connect to the test server: {e}"))
}

/// `url` pointing at database `name` instead.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let base = base
        .rsplit_once('/')
        .map(|(server, _)| server)
        .unwrap_or(base);
    format!("{base}/{name}{query}")
}

/// The name of a database migrated with exactly the current migrations, created if missing.
fn ensure_template(admin_url: &str) -> String {
    let template = format!("ctg_template_{:016x}", migrations_fingerprint());
    let mut admin = connect(admin_url);
    admin
        .batch_execute(&format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})"))
        .expect("lock");
    let exists = diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
        .bind::<Text, _>(&template)
        .get_result::<Count>(&mut admin)
        .expect("look for the template")
        .n
        > 0;
    if !exists {
        // Migrate under another name and rename at the end: a crash midway never leaves a
        // half-migrated template behind.
        let building = format!("{template}_building");
        // Two statements: a multi-statement string runs as one transaction, which
        // DROP/CREATE DATABASE refuse.
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
            .expect("drop a half-built template");
        admin
            .batch_execute(&format!("CREATE DATABASE {building}"))
            .expect("create the template");
        {
            let mut conn = connect(&with_database(admin_url, &building));
            ctg::db::migrations::run_pending(&mut conn).expect("migrate the template");
        }
        admin
            .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {template}"))
            .expect("publish the template");
    }
    admin
        .batch_execute(&format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})"))
        .expect("unlock");
    template
}

fn migrations_fingerprint() -> u64 {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in files {
        file.hash(&mut hasher);
        std::fs::read(&file)
            .expect("read migration")
            .hash(&mut hasher);
    }
    hasher.finish()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read migrations").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Holds an exclusive lock on a table from another connection until dropped, so that requests
/// touching the table wait as they would behind a long migration or a stuck transaction.
pub struct TableLock {
    release: Option<mpsc::Sender<()>>,
    holder: Option<JoinHandle<()>>,
}

impl TableLock {
    /// Locks `tables` (comma-separated) and returns once they are locked.
    pub fn take(db: &TestDb, tables: &'static str) -> Self {
        let mut conn = db.conn();
        let (locked, is_locked) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let holder = std::thread::spawn(move || {
            conn.batch_execute(&format!(
                "BEGIN; LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE"
            ))
            .expect("lock the table");
            locked.send(()).unwrap();
            let _ = released.recv_timeout(Duration::from_secs(60));
            conn.batch_execute("ROLLBACK").expect("release the lock");
        });
        is_locked.recv().expect("the lock is taken");
        Self {
            release: Some(release),
            holder: Some(holder),
        }
    }
}

impl Drop for TableLock {
    fn drop(&mut self) {
        drop(self.release.take());
        if let Some(holder) = self.holder.take() {
            let _ = holder.join();
        }
    }
}
