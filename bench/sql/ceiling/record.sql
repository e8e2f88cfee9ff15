-- Ceiling of "record one measurement": the caller, then one transaction: the indicator with what
-- the value is checked against (kind, scale, frequency, convention's years, pilots), locked as
-- the API locks it; then the measurement and its audit entry in one statement. Slots as in
-- as-sent/record.sql (they share slot_base).
\set k :k + 1
\set n :slot_base + :k * :nclients + :client_id
\set f :n % :small_fiches + 1
\set month 72 + :n / :small_fiches
\set year 2015 + :month / 12
\set mm :month % 12 + 1
\set i (:f - 1) * 5 + 5
-- @include auth.inc
BEGIN;
SELECT i.id, i.action_id, i.kind, i.frequency, i.scale_min, i.scale_max, x.id, x.convention_id,
       c.start_year, c.end_year,
       ARRAY(SELECT p.partner_id FROM action_pilots p WHERE p.action_id = i.action_id) AS pilots
  FROM indicators i
  JOIN actions a ON a.id = i.action_id
  JOIN objectives o ON o.id = a.objective_id
  JOIN axes x ON x.id = o.axis_id
  JOIN conventions c ON c.id = x.convention_id
 WHERE i.id = bench_uuid('50000000', :i)
   FOR SHARE;
WITH m AS (
    INSERT INTO measurements (id, indicator_id, period, period_start, value, recorded_by)
    VALUES (bench_uuid('62000000', :n), bench_uuid('50000000', :i),
            CAST(:year AS int) || '-' || lpad(CAST(:mm AS int)::text, 2, '0'), make_date(:year, :mm, 1),
            to_jsonb(300 + :n % 200), :user_id)
    RETURNING *
), audit AS (
    INSERT INTO audit_log (actor_id, convention_id, entity_type, entity_id, operation, changes)
    SELECT :user_id, bench_uuid('10000000', (:f - 1) / 45 + 1), 'measurement', m.id, 'create',
           CAST('{"id": {"new": "01a2290d-617b-735e-b059-91e00903b280", "old": null}, "value": {"new": 3, "old": null}, "period": {"new": "2021-01", "old": null}, "action_id": {"new": "40000000-0000-7000-8000-000000000001", "old": null}, "recorded_at": {"new": "2026-11-29T20:44:32.505745Z", "old": null}, "recorded_by": {"new": "01a2290c-59d3-743c-aaf8-3005c7c22f64", "old": null}, "indicator_id": {"new": "50000000-0000-7000-8000-000000000005", "old": null}, "convention_id": {"new": "10000000-0000-7000-8000-000000000001", "old": null}}' AS jsonb)
      FROM m
)
SELECT * FROM m;
COMMIT;
