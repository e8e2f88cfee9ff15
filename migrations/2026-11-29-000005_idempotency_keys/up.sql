-- Responses to POSTs sent with an Idempotency-Key, stored in the same transaction as the write
-- they answer: a retry replays the first answer instead of writing twice.
CREATE TABLE idempotency_keys (
    -- Who sent the key and where ("POST /api/v1/objectives/…/actions"): a key is only
    -- meaningful for the client and route that chose it.
    scope text NOT NULL,
    key text NOT NULL,
    -- SHA-256 of the request body: the same key with another body is refused.
    request_hash text NOT NULL,
    status smallint NOT NULL,
    location text,
    etag text,
    body jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
