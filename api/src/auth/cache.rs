//! The sign-ins recently checked, kept in memory so that a cheap read does not pay a database
//! round trip to learn, again, that its caller may make it — while revocation stays immediate.
//!
//! Correctness rests on one rule: an entry is trusted only if nothing that could change a
//! caller's rights has happened since it was read. Two things count as such a change:
//! - a notification on the `ctg_auth` channel (migration `auth_notifications`: triggers on
//!   users, sessions, memberships and committee axes), delivered by PostgreSQL at commit to
//!   every instance, whoever made the change;
//! - a change committed by this very process (`note_change` then `after_commit`, from the
//!   models that make such changes), so that the response to a sign-out is never followed on
//!   this instance by a request that still passes, however late the notification arrives.
//!
//! Either bumps an epoch, and an entry is used only under the epochs it was read in. An entry
//! read while a change commits carries the epochs seen before the read, so it is born stale
//! rather than wrongly fresh. While the listening connection is down, nothing is trusted and
//! every request reads the database, as it would without the cache.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use postgres::fallible_iterator::FallibleIterator;
use uuid::Uuid;

use super::extractor::AuthUser;

/// The channel the triggers notify.
pub const CHANNEL: &str = "ctg_auth";

/// More entries than this and the cache starts over (a bound on memory, not a tuning knob).
const MAX_ENTRIES: usize = 10_000;

/// How long the listener waits for a notification before checking its connection is alive.
const LIVENESS_INTERVAL: Duration = Duration::from_secs(2);

/// How long the listener waits before reconnecting after losing its connection.
const RECONNECT_DELAY: Duration = Duration::from_millis(500);

/// Changes committed by this process (see `after_commit`), for every cache of the process.
static LOCAL_EPOCH: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Set by a model inside a transaction that changes someone's rights.
    static CHANGED_IN_TRANSACTION: Cell<bool> = const { Cell::new(false) };
}

/// Records that the transaction running on this thread changes someone's rights.
pub fn note_change() {
    CHANGED_IN_TRANSACTION.with(|changed| changed.set(true));
}

/// Called when the transaction on this thread has ended: if it changed someone's rights (and
/// committed), every entry read before is stale from now on.
pub fn after_commit(committed: bool) {
    if CHANGED_IN_TRANSACTION.with(|changed| changed.replace(false)) && committed {
        LOCAL_EPOCH.fetch_add(1, Ordering::SeqCst);
    }
}

/// The epochs an entry was read under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Epochs {
    notified: u64,
    local: u64,
}

/// What was checked about a session, with what a later request must still check itself.
#[derive(Debug, Clone)]
pub struct CachedSession {
    pub user: AuthUser,
    pub session_expires_at: DateTime<Utc>,
    pub password_changed_at: DateTime<Utc>,
}

impl CachedSession {
    /// The caller, if a token issued at `issued_at` may still act through this session now.
    pub fn user_for(&self, issued_at: i64, now: DateTime<Utc>) -> Option<AuthUser> {
        let usable = self.session_expires_at > now
            // Tokens carry whole seconds: a token from the second of the change stays valid.
            && issued_at >= self.password_changed_at.timestamp();
        usable.then(|| self.user.clone())
    }
}

/// The cache of one application (one database).
#[derive(Debug, Default)]
pub struct AuthCache {
    entries: Mutex<HashMap<Uuid, (Epochs, CachedSession)>>,
    notified_epoch: AtomicU64,
    listening: AtomicBool,
}

impl AuthCache {
    /// The epochs to read an entry under: take them before reading the database.
    pub fn epochs(&self) -> Epochs {
        Epochs {
            notified: self.notified_epoch.load(Ordering::SeqCst),
            local: LOCAL_EPOCH.load(Ordering::SeqCst),
        }
    }

    /// The caller of `session_id` if an entry read under the current epochs says so.
    pub fn get(&self, session_id: Uuid, user_id: Uuid, issued_at: i64) -> Option<AuthUser> {
        if !self.listening.load(Ordering::SeqCst) {
            return None;
        }
        let current = self.epochs();
        let entries = self.entries.lock().ok()?;
        let (epochs, cached) = entries.get(&session_id)?;
        if *epochs != current || cached.user.id != user_id {
            return None;
        }
        cached.user_for(issued_at, Utc::now())
    }

    /// Keeps what was read under `epochs`, unless something changed since.
    pub fn insert(&self, epochs: Epochs, session: CachedSession) {
        if !self.listening.load(Ordering::SeqCst) || epochs != self.epochs() {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(session.user.session_id, (epochs, session));
    }

    /// Forgets everything: a change was notified, or notifications may have been missed.
    fn invalidate_all(&self) {
        self.notified_epoch.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }

    /// A cache kept right by a thread that listens on `database_url` for as long as the
    /// process lives.
    pub fn listening_to(database_url: &str) -> Arc<Self> {
        let cache = Arc::new(Self::default());
        cache.listen(database_url);
        cache
    }

    fn listen(self: &Arc<Self>, database_url: &str) {
        let cache = Arc::clone(self);
        let url = database_url.to_string();
        let spawned = std::thread::Builder::new()
            .name("ctg-auth-listener".into())
            .spawn(move || loop {
                if let Err(error) = cache.listen_once(&url) {
                    tracing::warn!(%error, "auth cache: not listening; every request reads the database");
                }
                cache.listening.store(false, Ordering::SeqCst);
                cache.invalidate_all();
                std::thread::sleep(RECONNECT_DELAY);
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "auth cache: cannot start its listener; the cache stays off");
        }
    }

    /// Listens until the connection fails.
    fn listen_once(&self, url: &str) -> Result<(), postgres::Error> {
        let mut client = postgres::Client::connect(url, postgres::NoTls)?;
        client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
        // Whatever changed while nobody listened is unknown: start empty.
        self.invalidate_all();
        self.listening.store(true, Ordering::SeqCst);
        tracing::info!("auth cache: listening for changes of rights");
        loop {
            let mut changed = false;
            {
                let mut notifications = client.notifications();
                let mut waiting = notifications.timeout_iter(LIVENESS_INTERVAL);
                while waiting.next()?.is_some() {
                    changed = true;
                    // Forget at once rather than after a batch: a request may be waiting.
                    self.invalidate_all();
                }
            }
            if !changed {
                // Quiet for a while: make sure the quiet is not a dead (or unreachable)
                // connection's, within a bounded time.
                client.is_valid(LIVENESS_INTERVAL)?;
            }
        }
    }
}
