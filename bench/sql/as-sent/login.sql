-- POST /api/v1/auth/login (auth::handlers::login), the database's part: a first transaction
-- checks the throttle and reads the user by e-mail; then (argon2id verification of the password,
-- ~all of the API's time, not here) a second one clears the account's failures and opens a
-- session with its first refresh token (no SELECT 1 at checkout). No auth.inc: the request
-- carries no token.
\set k :k + 1
\set n :k * :nclients + :client_id
BEGIN;
SELECT max("login_throttle"."locked_until") FROM "login_throttle"
 WHERE (("login_throttle"."subject" = ANY(ARRAY['account:' || CAST(:login_email AS text), 'address:127.0.0.1']))
        AND ("login_throttle"."locked_until" > CURRENT_TIMESTAMP))
 LIMIT 1;
SELECT "users"."id", "users"."email", "users"."display_name", "users"."password_hash", "users"."partner_id",
       "users"."is_admin", "users"."active", "users"."password_changed_at", "users"."deleted_at", "users"."created_at",
       "users"."updated_at", "users"."version"
  FROM "users" WHERE ((lower("users"."email") = lower(CAST(:login_email AS text))) AND ("users"."deleted_at" IS NULL))
 LIMIT 1;
COMMIT;
BEGIN;
DELETE FROM "login_throttle" WHERE ("login_throttle"."subject" = 'account:' || CAST(:login_email AS text));
INSERT INTO "sessions" ("id", "user_id", "expires_at")
VALUES (bench_uuid('92000000', :n), :user_id, CURRENT_TIMESTAMP + interval '30 days')
RETURNING "sessions"."id", "sessions"."user_id", "sessions"."expires_at", "sessions"."revoked_at";
INSERT INTO "refresh_tokens" ("token_hash", "session_id")
VALUES (md5('bench-' || :n) || md5('token-' || :n), bench_uuid('92000000', :n));
COMMIT;
