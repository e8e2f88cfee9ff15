-- Ceiling of "login", the database's part: the throttle and the user in one statement; then
-- (argon2id, not here) clearing the account's failures and opening the session with its first
-- refresh token in one statement.
\set k :k + 1
\set n :k * :nclients + :client_id
SELECT (SELECT max(t.locked_until) FROM login_throttle t
         WHERE t.subject = ANY(ARRAY['account:' || CAST(:login_email AS text), 'address:127.0.0.1'])
           AND t.locked_until > CURRENT_TIMESTAMP) AS locked_until,
       u.id, u.email, u.display_name, u.password_hash, u.partner_id, u.is_admin, u.active,
       u.password_changed_at, u.deleted_at, u.created_at, u.updated_at, u.version
  FROM (SELECT 1) AS one
  LEFT JOIN users u ON lower(u.email) = lower(CAST(:login_email AS text)) AND u.deleted_at IS NULL;
WITH cleared AS (
    DELETE FROM login_throttle WHERE subject = 'account:' || CAST(:login_email AS text)
), s AS (
    INSERT INTO sessions (id, user_id, expires_at)
    VALUES (bench_uuid('93000000', :n), :user_id, CURRENT_TIMESTAMP + interval '30 days')
    RETURNING id, user_id, expires_at, revoked_at
), t AS (
    INSERT INTO refresh_tokens (token_hash, session_id)
    SELECT md5('ceiling-' || :n) || md5('token-' || :n), s.id FROM s
)
SELECT * FROM s;
