//! Sessions (one per sign-in) and their refresh tokens: `sessions` and `refresh_tokens`.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema::{refresh_tokens, sessions};

/// A family of refresh tokens lives this long from sign-in, however often it is refreshed.
pub const FAMILY_LIFETIME_DAYS: i64 = 30;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions, check_for_backend(diesel::pg::Pg))]
pub struct Session {
    pub id: Uuid,
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Session {
    pub fn is_live(&self) -> bool {
        self.revoked_at.is_none() && self.expires_at > Utc::now()
    }

    /// Opens a session for `user_id` with its first refresh token (stored as `token_digest`).
    pub fn open(
        conn: &mut PgConnection,
        user_id: Uuid,
        token_digest: &str,
    ) -> QueryResult<Session> {
        let session = diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(Uuid::now_v7()),
                sessions::user_id.eq(user_id),
                sessions::expires_at.eq(Utc::now() + Duration::days(FAMILY_LIFETIME_DAYS)),
            ))
            .returning(Session::as_returning())
            .get_result(conn)?;
        add_token(conn, session.id, token_digest)?;
        Ok(session)
    }

    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Session>> {
        sessions::table
            .find(id)
            .select(Session::as_select())
            .first(conn)
            .optional()
    }

    pub fn revoke(conn: &mut PgConnection, id: Uuid, reason: &str) -> QueryResult<()> {
        crate::auth::cache::note_change();
        diesel::update(
            sessions::table
                .find(id)
                .filter(sessions::revoked_at.is_null()),
        )
        .set((
            sessions::revoked_at.eq(diesel::dsl::now),
            sessions::revoked_reason.eq(reason),
        ))
        .execute(conn)?;
        Ok(())
    }

    /// Signs the user out everywhere (password changed, user disabled or deleted).
    pub fn revoke_all_of(conn: &mut PgConnection, user_id: Uuid, reason: &str) -> QueryResult<()> {
        crate::auth::cache::note_change();
        diesel::update(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::revoked_at.is_null()),
        )
        .set((
            sessions::revoked_at.eq(diesel::dsl::now),
            sessions::revoked_reason.eq(reason),
        ))
        .execute(conn)?;
        Ok(())
    }
}

/// What presenting a refresh token finds.
pub enum Presented {
    /// Unknown token.
    Unknown,
    /// Already exchanged: presenting it again means it was copied.
    Reused { session_id: Uuid },
    /// Good for one exchange.
    Fresh { session: Session },
}

/// Looks a refresh token up by digest and locks it for the exchange.
pub fn present(conn: &mut PgConnection, token_digest: &str) -> QueryResult<Presented> {
    let found: Option<(Option<DateTime<Utc>>, Session)> = refresh_tokens::table
        .inner_join(sessions::table)
        .filter(refresh_tokens::token_hash.eq(token_digest))
        .select((refresh_tokens::used_at, Session::as_select()))
        .for_update()
        .first(conn)
        .optional()?;
    Ok(match found {
        None => Presented::Unknown,
        Some((Some(_), session)) => Presented::Reused {
            session_id: session.id,
        },
        Some((None, session)) => Presented::Fresh { session },
    })
}

/// Marks `old_digest` used and adds its successor to the same session.
pub fn rotate(
    conn: &mut PgConnection,
    session_id: Uuid,
    old_digest: &str,
    new_digest: &str,
) -> QueryResult<()> {
    diesel::update(refresh_tokens::table.find(old_digest))
        .set(refresh_tokens::used_at.eq(diesel::dsl::now))
        .execute(conn)?;
    add_token(conn, session_id, new_digest)
}

/// The session a refresh token belongs to, if it is known.
pub fn session_of(conn: &mut PgConnection, token_digest: &str) -> QueryResult<Option<Uuid>> {
    refresh_tokens::table
        .find(token_digest)
        .select(refresh_tokens::session_id)
        .first(conn)
        .optional()
}

fn add_token(conn: &mut PgConnection, session_id: Uuid, digest: &str) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(digest),
            refresh_tokens::session_id.eq(session_id),
        ))
        .execute(conn)?;
    Ok(())
}
