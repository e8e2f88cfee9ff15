-- People (and machine clients) who sign in. A deleted user is pseudonymised, never removed:
-- the audit log keeps pointing at the row.
CREATE TABLE users (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    display_name text NOT NULL,
    -- argon2id PHC string; NULL once the user is deleted (nobody can sign in as them).
    password_hash text,
    partner_id uuid REFERENCES partners (id) ON DELETE RESTRICT,
    is_admin boolean NOT NULL DEFAULT false,
    active boolean NOT NULL DEFAULT true,
    -- Tokens issued before this instant are refused: changing a password signs out everywhere.
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_partner_id_idx ON users (partner_id);

-- A sign-in: the family of refresh tokens issued from one login. Revoking it signs the
-- device out, access tokens included (they carry its id).
CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    revoked_reason text
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Refresh tokens, stored as SHA-256 digests. A token is used once: its successor replaces it,
-- and presenting a used one again revokes the whole session (theft detection).
CREATE TABLE refresh_tokens (
    token_hash text PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at timestamptz
);
CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);

-- Failed sign-ins per account and per client address, shared by every instance.
CREATE TABLE login_throttle (
    subject text PRIMARY KEY,
    failures integer NOT NULL DEFAULT 0,
    window_started_at timestamptz NOT NULL DEFAULT now(),
    locked_until timestamptz
);
