-- GET /api/v1/conventions/{id}/actions?limit=20&offset=… (actions::handlers::list_convention_actions):
-- one statement: the page of fiches with the total on each row and their pilots, partners, steps
-- and links as one JSON column (the convention is read only when the page is empty). The caller
-- comes from the sign-in cache (`-- @uncached auth.inc`: only under CTG_AUTH_CACHE=off).
\set c random(1, :small_conventions)
\set offset 20 * random(0, 2)
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
              FROM action_links l WHERE l.action_id = actions.id), '[]')),
       count(*) OVER ()
  FROM ("actions" INNER JOIN ("objectives" INNER JOIN "axes" ON ("objectives"."axis_id" = "axes"."id"))
        ON ("actions"."objective_id" = "objectives"."id"))
 WHERE ("axes"."convention_id" = bench_uuid('10000000', :c))
 ORDER BY "axes"."number", "objectives"."number", "actions"."number", "actions"."id"
 LIMIT 20 OFFSET :offset;
