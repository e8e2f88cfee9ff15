-- GET /api/v1/indicators/{id}/measurements?from=2025-11&limit=12 (measurements::handlers::list_measurements):
-- one transaction: the indicator up to its convention, the page, the count. The caller comes from
-- the sign-in cache (`-- @uncached auth.inc`: only under CTG_AUTH_CACHE=off).
\set f random(1, :all_fiches)
\set i (:f - 1) * 5 + 4
-- @uncached auth.inc
SELECT "indicators"."id", "indicators"."action_id", "indicators"."kind", "indicators"."frequency",
       "indicators"."scale_min", "indicators"."scale_max", "axes"."id", "axes"."convention_id",
       "conventions"."start_year", "conventions"."end_year"
  FROM ("indicators" INNER JOIN ("actions" INNER JOIN ("objectives" INNER JOIN ("axes" INNER JOIN "conventions"
        ON ("axes"."convention_id" = "conventions"."id")) ON ("objectives"."axis_id" = "axes"."id"))
        ON ("actions"."objective_id" = "objectives"."id")) ON ("indicators"."action_id" = "actions"."id"))
 WHERE ("indicators"."id" = bench_uuid('50000000', :i))
 LIMIT 1;
SELECT "measurements"."id", "measurements"."indicator_id", "measurements"."period", "measurements"."period_start",
       "measurements"."value", "measurements"."comment", "measurements"."source", "measurements"."recorded_by",
       "measurements"."recorded_at", "measurements"."created_at", "measurements"."updated_at", "measurements"."version"
  FROM "measurements"
 WHERE (("measurements"."indicator_id" = bench_uuid('50000000', :i)) AND ("measurements"."period_start" >= DATE '2025-11-01'))
 ORDER BY "measurements"."period_start", "measurements"."id"
 LIMIT 12 OFFSET 0;
SELECT COUNT(*) FROM "measurements"
 WHERE (("measurements"."indicator_id" = bench_uuid('50000000', :i)) AND ("measurements"."period_start" >= DATE '2025-11-01'));
