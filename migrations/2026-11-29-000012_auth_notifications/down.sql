DROP TRIGGER committee_axes_notify_auth ON committee_axes;
DROP TRIGGER memberships_notify_auth ON memberships;
DROP TRIGGER sessions_notify_auth ON sessions;
DROP TRIGGER users_notify_auth ON users;
DROP FUNCTION ctg_notify_auth();
