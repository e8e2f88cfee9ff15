-- Ceiling of "the last 12 values of an indicator": the caller, then the indicator's convention
-- (for the permission check) with the page and the total, in one statement.
\set f random(1, :all_fiches)
\set i (:f - 1) * 5 + 4
-- @include auth.inc
SELECT x.convention_id, i.action_id, m.id, m.period, m.period_start, m.value, m.comment, m.source,
       m.recorded_by, m.recorded_at, m.created_at, m.updated_at, m.version, count(m.id) OVER () AS total
  FROM indicators i
  JOIN actions a ON a.id = i.action_id
  JOIN objectives o ON o.id = a.objective_id
  JOIN axes x ON x.id = o.axis_id
  LEFT JOIN measurements m ON m.indicator_id = i.id AND m.period_start >= DATE '2025-11-01'
 WHERE i.id = bench_uuid('50000000', :i)
 ORDER BY m.period_start, m.id
 LIMIT 12;
