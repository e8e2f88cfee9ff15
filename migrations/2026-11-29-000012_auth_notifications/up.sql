-- Every instance keeps recently checked sign-ins in memory (api/src/auth/cache.rs) and forgets
-- them when PostgreSQL says that what they were checked against changed: a user disabled,
-- renamed or given another password, a session revoked, a membership added, changed or
-- removed, a committee given other axes. NOTIFY is delivered at commit, to every listening
-- instance, whichever instance (or person at a psql prompt) made the change; the payload is
-- the user concerned, or '*' when the change may concern many.
-- (Each table's field is read in its own branch: PL/pgSQL resolves OLD.user_id even inside a
-- CASE arm that does not apply.)
CREATE FUNCTION ctg_notify_auth() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'committee_axes' THEN
        PERFORM pg_notify('ctg_auth', '*');
    ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('ctg_auth', OLD.id::text);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('ctg_auth', OLD.user_id::text);
    ELSE
        PERFORM pg_notify('ctg_auth', NEW.user_id::text);
        IF TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id THEN
            PERFORM pg_notify('ctg_auth', OLD.user_id::text);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

-- A new user or session has nothing cached yet: only changes and removals matter there.
CREATE TRIGGER users_notify_auth AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION ctg_notify_auth();
CREATE TRIGGER sessions_notify_auth AFTER UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION ctg_notify_auth();
CREATE TRIGGER memberships_notify_auth AFTER INSERT OR UPDATE OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION ctg_notify_auth();
CREATE TRIGGER committee_axes_notify_auth AFTER INSERT OR UPDATE OR DELETE ON committee_axes
    FOR EACH STATEMENT EXECUTE FUNCTION ctg_notify_auth();
