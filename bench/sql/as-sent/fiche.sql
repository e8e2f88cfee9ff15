-- "Get one fiche with its indicators": the two requests a client sends for it, each
-- authenticated by the sign-in cache, warm: no statement (`-- @uncached auth.inc`: the caller's
-- check, included by bench/run only for its CTG_AUTH_CACHE=off comparison):
--   GET /api/v1/actions/{id} (actions::handlers::get_action): the fiche with its place in the
--     plan, then its pilots, partners, steps and links (Action::load);
--   GET /api/v1/actions/{id}/indicators (indicators::handlers::list_indicators): the action's
--     place, a page of its indicators joined up to the convention, their count.
\set f random(1, :all_fiches)
-- @uncached auth.inc
SELECT "actions"."id", "actions"."objective_id", "actions"."number", "actions"."title", "actions"."priority",
       "actions"."status", "actions"."progress", "actions"."context", "actions"."shared_findings",
       "actions"."expected_results", "actions"."inhabitants_role", "actions"."resources_financial",
       "actions"."resources_human", "actions"."linked_plans", "actions"."start_year", "actions"."end_year",
       "actions"."schedule_note", "actions"."created_at", "actions"."updated_at", "actions"."version",
       "objectives"."id", "objectives"."axis_id", "axes"."convention_id", "axes"."number", "objectives"."number"
  FROM ("actions" INNER JOIN ("objectives" INNER JOIN "axes" ON ("objectives"."axis_id" = "axes"."id"))
        ON ("actions"."objective_id" = "objectives"."id"))
 WHERE ("actions"."id" = bench_uuid('40000000', :f))
 LIMIT 1;
SELECT "action_pilots"."action_id", "action_pilots"."partner_id", "action_pilots"."note"
  FROM "action_pilots" WHERE ("action_pilots"."action_id" = ANY(ARRAY[bench_uuid('40000000', :f)]))
 ORDER BY "action_pilots"."action_id", "action_pilots"."position";
SELECT "action_partners"."action_id", "action_partners"."partner_id", "action_partners"."note"
  FROM "action_partners" WHERE ("action_partners"."action_id" = ANY(ARRAY[bench_uuid('40000000', :f)]))
 ORDER BY "action_partners"."action_id", "action_partners"."position";
SELECT "action_steps"."action_id", "action_steps"."text", "action_steps"."pilot_partner_id", "action_steps"."status"
  FROM "action_steps" WHERE ("action_steps"."action_id" = ANY(ARRAY[bench_uuid('40000000', :f)]))
 ORDER BY "action_steps"."action_id", "action_steps"."position";
SELECT "action_links"."action_id", "action_links"."linked_action_id"
  FROM "action_links" WHERE ("action_links"."action_id" = ANY(ARRAY[bench_uuid('40000000', :f)]))
 ORDER BY "action_links"."action_id", "action_links"."position";
-- @uncached auth.inc
SELECT "actions"."id", "actions"."number", "objectives"."number", "axes"."id", "axes"."number", "axes"."convention_id"
  FROM ("actions" INNER JOIN ("objectives" INNER JOIN "axes" ON ("objectives"."axis_id" = "axes"."id"))
        ON ("actions"."objective_id" = "objectives"."id"))
 WHERE ("actions"."id" = bench_uuid('40000000', :f))
 LIMIT 1;
SELECT "indicators"."id", "indicators"."action_id", "indicators"."position", "indicators"."type", "indicators"."label",
       "indicators"."kind", "indicators"."unit", "indicators"."baseline_value", "indicators"."baseline_period",
       "indicators"."target_value", "indicators"."target_period", "indicators"."direction", "indicators"."frequency",
       "indicators"."source", "indicators"."scale_min", "indicators"."scale_max", "indicators"."created_at",
       "indicators"."updated_at", "indicators"."version", "actions"."id", "actions"."number", "objectives"."number",
       "axes"."id", "axes"."number", "axes"."convention_id"
  FROM ("indicators" INNER JOIN ("actions" INNER JOIN ("objectives" INNER JOIN ("axes" INNER JOIN "conventions"
        ON ("axes"."convention_id" = "conventions"."id")) ON ("objectives"."axis_id" = "axes"."id"))
        ON ("actions"."objective_id" = "objectives"."id")) ON ("indicators"."action_id" = "actions"."id"))
 WHERE ("indicators"."action_id" = bench_uuid('40000000', :f))
 ORDER BY "indicators"."position", "indicators"."id"
 LIMIT 50 OFFSET 0;
SELECT COUNT(*) FROM "indicators" WHERE ("indicators"."action_id" = bench_uuid('40000000', :f));
