-- "Get one fiche with its indicators": the one request a client sends for it, authenticated by
-- the sign-in cache, warm: no statement (`-- @uncached auth.inc`: the caller's check, included by
-- bench/run only for its CTG_AUTH_CACHE=off comparison):
--   GET /api/v1/actions/{id}?include=indicators (actions::handlers::get_action): the fiche with
--     its place in the plan and its pilots, partners, steps and links as one JSON column
--     (Action::load), then its indicators (Indicator::all_for_action).
\set f random(1, :all_fiches)
-- @uncached auth.inc
SELECT "actions"."id", "actions"."objective_id", "actions"."number", "actions"."title", "actions"."priority",
       "actions"."status", "actions"."progress", "actions"."context", "actions"."shared_findings",
       "actions"."expected_results", "actions"."inhabitants_role", "actions"."resources_financial",
       "actions"."resources_human", "actions"."linked_plans", "actions"."start_year", "actions"."end_year",
       "actions"."schedule_note", "actions"."created_at", "actions"."updated_at", "actions"."version",
       "objectives"."id", "objectives"."axis_id", "axes"."convention_id", "axes"."number", "objectives"."number",
       json_build_object('pilots', coalesce((SELECT json_agg(json_build_object('partner_id', r.partner_id,
                'note', r.note) ORDER BY r.position)
              FROM action_pilots r WHERE r.action_id = actions.id), '[]'),
           'partners', coalesce((SELECT json_agg(json_build_object('partner_id', r.partner_id,
                'note', r.note) ORDER BY r.position)
              FROM action_partners r WHERE r.action_id = actions.id), '[]'),
           'steps', coalesce((SELECT json_agg(json_build_object('text', s.text,
                'pilot_partner_id', s.pilot_partner_id, 'status', s.status) ORDER BY s.position)
              FROM action_steps s WHERE s.action_id = actions.id), '[]'),
           'links', coalesce((SELECT json_agg(l.linked_action_id ORDER BY l.position)
              FROM action_links l WHERE l.action_id = actions.id), '[]'))
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
