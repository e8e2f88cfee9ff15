-- Ceiling of "a page of 20 fiches of a convention": the caller, then the page with the total and
-- each fiche's pilots, partners, steps and links, in one statement.
\set c random(1, :small_conventions)
\set offset 20 * random(0, 2)
-- @include auth.inc
SELECT a.id, a.objective_id, a.number, a.title, a.priority, a.status, a.progress, a.context, a.shared_findings,
       a.expected_results, a.inhabitants_role, a.resources_financial, a.resources_human, a.linked_plans,
       a.start_year, a.end_year, a.schedule_note, a.created_at, a.updated_at, a.version,
       o.axis_id, x.convention_id, x.number AS axis_number, o.number AS objective_number,
       count(*) OVER () AS total,
       (SELECT json_agg(json_build_object('partner_id', p.partner_id, 'note', p.note) ORDER BY p.position)
          FROM action_pilots p WHERE p.action_id = a.id) AS pilots,
       (SELECT json_agg(json_build_object('partner_id', p.partner_id, 'note', p.note) ORDER BY p.position)
          FROM action_partners p WHERE p.action_id = a.id) AS partners,
       (SELECT json_agg(json_build_object('text', s.text, 'pilot_partner_id', s.pilot_partner_id, 'status', s.status)
                        ORDER BY s.position)
          FROM action_steps s WHERE s.action_id = a.id) AS steps,
       (SELECT array_agg(l.linked_action_id ORDER BY l.position) FROM action_links l WHERE l.action_id = a.id) AS links
  FROM actions a
  JOIN objectives o ON o.id = a.objective_id
  JOIN axes x ON x.id = o.axis_id
 WHERE x.convention_id = bench_uuid('10000000', :c)
 ORDER BY x.number, o.number, a.number, a.id
 LIMIT 20 OFFSET :offset;
