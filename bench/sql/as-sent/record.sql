-- POST /api/v1/indicators/{id}/measurements (measurements::handlers::create_measurement), without
-- Idempotency-Key: one transaction: the indicator up to its convention, shared-locked, its
-- action's pilots, the insert, the audit entry. Slots as in bench/wrk/record.lua, months from
-- 2021-01 (the API's run takes 2015-01 to 2020-12): slot_base + k * nclients + client_id. The
-- caller comes from the sign-in cache (`-- @uncached auth.inc`: only under CTG_AUTH_CACHE=off).
\set k :k + 1
\set n :slot_base + :k * :nclients + :client_id
\set f :n % :small_fiches + 1
\set month 72 + :n / :small_fiches
\set year 2015 + :month / 12
\set mm :month % 12 + 1
\set i (:f - 1) * 5 + 5
-- @uncached auth.inc
BEGIN;
SELECT "indicators"."id", "indicators"."action_id", "indicators"."kind", "indicators"."frequency",
       "indicators"."scale_min", "indicators"."scale_max", "axes"."id", "axes"."convention_id",
       "conventions"."start_year", "conventions"."end_year"
  FROM ("indicators" INNER JOIN ("actions" INNER JOIN ("objectives" INNER JOIN ("axes" INNER JOIN "conventions"
        ON ("axes"."convention_id" = "conventions"."id")) ON ("objectives"."axis_id" = "axes"."id"))
        ON ("actions"."objective_id" = "objectives"."id")) ON ("indicators"."action_id" = "actions"."id"))
 WHERE ("indicators"."id" = bench_uuid('50000000', :i))
 LIMIT 1 FOR SHARE;
SELECT "action_pilots"."action_id", "action_pilots"."partner_id"
  FROM "action_pilots" WHERE ("action_pilots"."action_id" = ANY(ARRAY[bench_uuid('40000000', :f)]));
INSERT INTO "measurements" ("id", "indicator_id", "period", "period_start", "value", "comment", "source", "recorded_by")
VALUES (bench_uuid('61000000', :n), bench_uuid('50000000', :i),
        CAST(:year AS int) || '-' || lpad(CAST(:mm AS int)::text, 2, '0'), make_date(:year, :mm, 1),
        to_jsonb(300 + :n % 200), DEFAULT, DEFAULT, :user_id)
RETURNING "measurements"."id", "measurements"."indicator_id", "measurements"."period", "measurements"."period_start",
          "measurements"."value", "measurements"."comment", "measurements"."source", "measurements"."recorded_by",
          "measurements"."recorded_at", "measurements"."created_at", "measurements"."updated_at", "measurements"."version";
INSERT INTO "audit_log" ("actor_id", "convention_id", "entity_type", "entity_id", "operation", "changes")
VALUES (:user_id, bench_uuid('10000000', (:f - 1) / 45 + 1), 'measurement', bench_uuid('61000000', :n), 'create',
        CAST('{"id": {"new": "01a2290d-617b-735e-b059-91e00903b280", "old": null}, "value": {"new": 3, "old": null}, "period": {"new": "2021-01", "old": null}, "action_id": {"new": "40000000-0000-7000-8000-000000000001", "old": null}, "recorded_at": {"new": "2026-11-29T20:44:32.505745Z", "old": null}, "recorded_by": {"new": "01a2290c-59d3-743c-aaf8-3005c7c22f64", "old": null}, "indicator_id": {"new": "50000000-0000-7000-8000-000000000005", "old": null}, "convention_id": {"new": "10000000-0000-7000-8000-000000000001", "old": null}}' AS jsonb));
COMMIT;
