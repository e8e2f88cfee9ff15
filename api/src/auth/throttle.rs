//! Sign-in throttling, per account and per client address, kept in PostgreSQL so that every
//! instance of the service sees the same counts.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;

use crate::db::schema::login_throttle;

/// Failures counted within this window…
const WINDOW_MINUTES: i64 = 15;
/// …lock an account after this many…
const ACCOUNT_LIMIT: i32 = 5;
/// …and an address after this many (several people may share one address)…
const ADDRESS_LIMIT: i32 = 20;
/// …for this long.
const LOCK_MINUTES: i64 = 15;

/// What a failed or attempted sign-in is counted against.
#[derive(Debug, Clone)]
pub enum Subject {
    Account(String),
    Address(String),
}

impl Subject {
    fn key(&self) -> String {
        match self {
            Self::Account(email) => format!("account:{}", email.to_lowercase()),
            Self::Address(address) => format!("address:{address}"),
        }
    }

    fn limit(&self) -> i32 {
        match self {
            Self::Account(_) => ACCOUNT_LIMIT,
            Self::Address(_) => ADDRESS_LIMIT,
        }
    }
}

/// Seconds until the longest lock among `subjects` ends, if any is locked.
pub fn locked_for(conn: &mut PgConnection, subjects: &[Subject]) -> QueryResult<Option<u64>> {
    let keys: Vec<String> = subjects.iter().map(Subject::key).collect();
    let until: Option<DateTime<Utc>> = login_throttle::table
        .filter(login_throttle::subject.eq_any(&keys))
        .filter(login_throttle::locked_until.gt(diesel::dsl::now))
        .select(diesel::dsl::max(login_throttle::locked_until))
        .first::<Option<DateTime<Utc>>>(conn)?;
    Ok(until.map(|until| (until - Utc::now()).num_seconds().max(1) as u64))
}

/// Counts a failure against each subject, locking those that reach their limit.
pub fn record_failure(conn: &mut PgConnection, subjects: &[Subject]) -> QueryResult<()> {
    let window_start = Utc::now() - Duration::minutes(WINDOW_MINUTES);
    for subject in subjects {
        let key = subject.key();
        // A failure outside the window starts a new count.
        let failures: i32 = diesel::insert_into(login_throttle::table)
            .values((
                login_throttle::subject.eq(&key),
                login_throttle::failures.eq(1),
            ))
            .on_conflict(login_throttle::subject)
            .do_update()
            .set((
                login_throttle::failures.eq(diesel::dsl::sql::<diesel::sql_types::Integer>(
                    "CASE WHEN login_throttle.window_started_at < ",
                )
                .bind::<diesel::sql_types::Timestamptz, _>(window_start)
                .sql(" THEN 1 ELSE login_throttle.failures + 1 END")),
                login_throttle::window_started_at.eq(diesel::dsl::sql::<
                    diesel::sql_types::Timestamptz,
                >(
                    "CASE WHEN login_throttle.window_started_at < ",
                )
                .bind::<diesel::sql_types::Timestamptz, _>(window_start)
                .sql(" THEN now() ELSE login_throttle.window_started_at END")),
                login_throttle::locked_until.eq(excluded(login_throttle::locked_until)),
            ))
            .returning(login_throttle::failures)
            .get_result(conn)?;
        if failures >= subject.limit() {
            diesel::update(login_throttle::table.find(&key))
                .set((
                    login_throttle::locked_until.eq(Utc::now() + Duration::minutes(LOCK_MINUTES)),
                    login_throttle::failures.eq(0),
                    login_throttle::window_started_at.eq(diesel::dsl::now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// A successful sign-in clears the account's count (not the address': others may be guessing
/// from it).
pub fn record_success(conn: &mut PgConnection, email: &str) -> QueryResult<()> {
    diesel::delete(login_throttle::table.find(Subject::Account(email.to_string()).key()))
        .execute(conn)?;
    Ok(())
}
