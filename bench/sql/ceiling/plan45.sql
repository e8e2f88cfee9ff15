-- Ceiling of "the whole plan tree of a 45-fiche convention": the caller, then four statements:
-- the convention, its axes with their objectives, its fiches with their pilots and their 3
-- latest notes (with their authors' names), its indicators each with its latest measurement (one
-- index probe per indicator rather than reading all of their measurements).
\set c random(1, :small_conventions)
-- @include auth.inc
SELECT id, name, territory, start_year, end_year, status, created_at, updated_at, version
  FROM conventions WHERE id = bench_uuid('10000000', :c);
SELECT x.id, x.number, x.title, x.description, o.id, o.number, o.title, o.description
  FROM axes x LEFT JOIN objectives o ON o.axis_id = x.id
 WHERE x.convention_id = bench_uuid('10000000', :c)
 ORDER BY x.number, x.id, o.number, o.id;
SELECT a.id, a.objective_id, a.number, a.title, a.priority, a.status, a.progress, a.start_year, a.end_year,
       a.schedule_note,
       (SELECT json_agg(json_build_object('partner_id', p.partner_id, 'note', p.note) ORDER BY p.position)
          FROM action_pilots p WHERE p.action_id = a.id) AS pilots,
       (SELECT json_agg(json_build_object('id', n.id, 'date', n.date, 'text', n.text, 'author_id', n.author_id,
                                          'author_name', u.display_name)
                        ORDER BY n.date DESC, n.created_at DESC, n.id DESC)
          FROM (SELECT * FROM notes WHERE notes.action_id = a.id
                 ORDER BY notes.date DESC, notes.created_at DESC, notes.id DESC LIMIT 3) AS n
          JOIN users u ON u.id = n.author_id) AS notes
  FROM actions a
  JOIN objectives o ON o.id = a.objective_id
  JOIN axes x ON x.id = o.axis_id
 WHERE x.convention_id = bench_uuid('10000000', :c)
 ORDER BY a.number, a.id;
SELECT i.id, i.action_id, i.type, i.label, i.kind, i.unit, i.baseline_value, i.target_value, i.direction,
       i.frequency, i.scale_min, i.scale_max, latest.period, latest.value
  FROM indicators i
  JOIN actions a ON a.id = i.action_id
  JOIN objectives o ON o.id = a.objective_id
  JOIN axes x ON x.id = o.axis_id
  LEFT JOIN LATERAL (
        SELECT m.period, m.value FROM measurements m
         WHERE m.indicator_id = i.id ORDER BY m.period_start DESC LIMIT 1) AS latest ON true
 WHERE x.convention_id = bench_uuid('10000000', :c)
 ORDER BY i.action_id, i.position, i.id;
