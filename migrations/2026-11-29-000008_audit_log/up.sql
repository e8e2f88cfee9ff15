-- Every write, appended in the transaction that made it. Rows are never changed nor removed:
-- the triggers below refuse it, whoever asks.
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    -- Users are pseudonymised, never deleted, so the actor stays resolvable.
    actor_id uuid REFERENCES users (id) ON DELETE RESTRICT,
    -- No foreign key: the log outlives what it describes.
    convention_id uuid,
    entity_type text NOT NULL,
    entity_id uuid,
    operation text NOT NULL,
    changes jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_convention_id_at_idx ON audit_log (convention_id, at);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor_id_idx ON audit_log (actor_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
