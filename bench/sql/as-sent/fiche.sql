-- "Get one fiche with its indicators": the one request a client sends for it, authenticated by
-- the sign-in cache, warm: no statement (`-- @uncached auth.inc`: the caller's check, included by
-- bench/run only for its CTG_AUTH_CACHE=off comparison):
--   GET /api/v1/actions/{id}?include=indicators (actions::handlers::get_action): the fiche with
--     its place in the plan and its pilots, partners, steps and links as one JSON column
--     (Action::load), then its indicators (Indicator::all_for_action).
\set f random(1, :all_fiches)
-- @uncached auth.inc
-- @include fiche-row.inc
  FROM ("actions" INNER JOIN ("objectives" INNER JOIN "axes" ON ("objectives"."axis_id" = "axes"."id"))
        ON ("actions"."objective_id" = "objectives"."id"))
 WHERE ("actions"."id" = bench_uuid('40000000', :f))
 LIMIT 1;
SELECT "indicators"."id", "indicators"."action_id", "indicators"."position", "indicators"."type", "indicators"."label",
       "indicators"."kind", "indicators"."unit", "indicators"."baseline_value", "indicators"."baseline_period",
       "indicators"."target_value", "indicators"."target_period", "indicators"."direction", "indicators"."frequency",
       "indicators"."source", "indicators"."scale_min", "indicators"."scale_max", "indicators"."created_at",
       "indicators"."updated_at", "indicators"."version"
  FROM "indicators"
 WHERE ("indicators"."action_id" = bench_uuid('40000000', :f))
 ORDER BY "indicators"."position", "indicators"."id";
