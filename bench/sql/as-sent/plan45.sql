-- GET /api/v1/conventions/{id}/plan (plan::handlers::get_plan, plan::model::build) for a
-- 45-fiche convention: the convention, its axes, objectives, fiches, their pilots, their
-- indicators, each indicator's latest measurement (one index step per indicator, a lateral join
-- over the ids) and the 3 latest notes of each fiche. The API binds the ids read by the earlier queries; here they are computed (see
-- bench/data.sql). The caller comes from the sign-in cache (`-- @uncached auth.inc`: only under
-- CTG_AUTH_CACHE=off).
\set c random(1, :small_conventions)
\set first_fiche (:c - 1) * 45 + 1
\set last_fiche :c * 45
\set first_indicator (:c - 1) * 225 + 1
\set last_indicator :c * 225
-- @uncached auth.inc
SELECT "conventions"."id", "conventions"."name", "conventions"."territory", "conventions"."start_year",
       "conventions"."end_year", "conventions"."status", "conventions"."created_at", "conventions"."updated_at",
       "conventions"."version"
  FROM "conventions" WHERE ("conventions"."id" = bench_uuid('10000000', :c))
 LIMIT 1;
SELECT "axes"."id", "axes"."convention_id", "axes"."number", "axes"."title", "axes"."description",
       "axes"."created_at", "axes"."updated_at", "axes"."version"
  FROM "axes" WHERE ("axes"."convention_id" = bench_uuid('10000000', :c))
 ORDER BY "axes"."number", "axes"."id";
SELECT "objectives"."id", "objectives"."axis_id", "objectives"."number", "objectives"."title", "objectives"."description"
  FROM ("objectives" INNER JOIN "axes" ON ("objectives"."axis_id" = "axes"."id"))
 WHERE ("axes"."convention_id" = bench_uuid('10000000', :c))
 ORDER BY "objectives"."number", "objectives"."id";
SELECT "actions"."id", "actions"."objective_id", "actions"."number", "actions"."title", "actions"."priority",
       "actions"."status", "actions"."progress", "actions"."start_year", "actions"."end_year", "actions"."schedule_note"
  FROM ("actions" INNER JOIN ("objectives" INNER JOIN "axes" ON ("objectives"."axis_id" = "axes"."id"))
        ON ("actions"."objective_id" = "objectives"."id"))
 WHERE ("axes"."convention_id" = bench_uuid('10000000', :c))
 ORDER BY "actions"."number", "actions"."id";
SELECT "action_pilots"."action_id", "action_pilots"."partner_id", "action_pilots"."note"
  FROM "action_pilots"
 WHERE ("action_pilots"."action_id" = ANY(ARRAY(SELECT bench_uuid('40000000', g) FROM generate_series(CAST(:first_fiche AS int), CAST(:last_fiche AS int)) AS g)))
 ORDER BY "action_pilots"."action_id", "action_pilots"."position";
SELECT "indicators"."id", "indicators"."action_id", "indicators"."type", "indicators"."label", "indicators"."kind",
       "indicators"."unit", "indicators"."baseline_value", "indicators"."target_value", "indicators"."direction",
       "indicators"."frequency", "indicators"."scale_min", "indicators"."scale_max"
  FROM "indicators"
 WHERE ("indicators"."action_id" = ANY(ARRAY(SELECT bench_uuid('40000000', g) FROM generate_series(CAST(:first_fiche AS int), CAST(:last_fiche AS int)) AS g)))
 ORDER BY "indicators"."action_id", "indicators"."position", "indicators"."id";
SELECT i.id AS indicator_id, m.period, m.value
  FROM unnest(ARRAY(SELECT bench_uuid('50000000', g) FROM generate_series(CAST(:first_indicator AS int), CAST(:last_indicator AS int)) AS g)) AS i(id)
 CROSS JOIN LATERAL (
       SELECT period, value FROM measurements
        WHERE indicator_id = i.id ORDER BY period_start DESC LIMIT 1) m;
SELECT n.action_id, n.id, n.date, n.text, n.author_id, u.display_name AS author_name
  FROM (SELECT notes.*, row_number() OVER (
            PARTITION BY action_id ORDER BY date DESC, created_at DESC, id DESC) AS rank
          FROM notes
         WHERE action_id = ANY(ARRAY(SELECT bench_uuid('40000000', g) FROM generate_series(CAST(:first_fiche AS int), CAST(:last_fiche AS int)) AS g))) n
  JOIN users u ON u.id = n.author_id
 WHERE n.rank <= 3
 ORDER BY n.action_id, n.rank;
