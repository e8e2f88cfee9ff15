-- GET /api/v1/conventions/{id}/actions?limit=20&offset=… (actions::handlers::list_convention_actions):
-- one transaction: the convention, the page of fiches, the count, then the parts of the page's
-- fiches. The API binds the page's ids, read from the page; here they are computed (the fiches
-- of convention c are numbered (c-1)*45+1 to c*45 in code order, see bench/data.sql). The caller
-- comes from the sign-in cache (`-- @uncached auth.inc`: only under CTG_AUTH_CACHE=off).
\set c random(1, :small_conventions)
\set offset 20 * random(0, 2)
\set first (:c - 1) * 45 + :offset + 1
\set last (:c - 1) * 45 + least(:offset + 20, 45)
-- @uncached auth.inc
SELECT "conventions"."id", "conventions"."name", "conventions"."territory", "conventions"."start_year",
       "conventions"."end_year", "conventions"."status", "conventions"."created_at", "conventions"."updated_at",
       "conventions"."version"
  FROM "conventions" WHERE ("conventions"."id" = bench_uuid('10000000', :c))
 LIMIT 1;
SELECT "actions"."id", "actions"."objective_id", "actions"."number", "actions"."title", "actions"."priority",
       "actions"."status", "actions"."progress", "actions"."context", "actions"."shared_findings",
       "actions"."expected_results", "actions"."inhabitants_role", "actions"."resources_financial",
       "actions"."resources_human", "actions"."linked_plans", "actions"."start_year", "actions"."end_year",
       "actions"."schedule_note", "actions"."created_at", "actions"."updated_at", "actions"."version",
       "objectives"."id", "objectives"."axis_id", "axes"."convention_id", "axes"."number", "objectives"."number"
  FROM ("actions" INNER JOIN ("objectives" INNER JOIN "axes" ON ("objectives"."axis_id" = "axes"."id"))
        ON ("actions"."objective_id" = "objectives"."id"))
 WHERE ("axes"."convention_id" = bench_uuid('10000000', :c))
 ORDER BY "axes"."number", "objectives"."number", "actions"."number", "actions"."id"
 LIMIT 20 OFFSET :offset;
SELECT COUNT(*)
  FROM ("actions" INNER JOIN ("objectives" INNER JOIN "axes" ON ("objectives"."axis_id" = "axes"."id"))
        ON ("actions"."objective_id" = "objectives"."id"))
 WHERE ("axes"."convention_id" = bench_uuid('10000000', :c));
SELECT "action_pilots"."action_id", "action_pilots"."partner_id", "action_pilots"."note"
  FROM "action_pilots"
 WHERE ("action_pilots"."action_id" = ANY(ARRAY(SELECT bench_uuid('40000000', g) FROM generate_series(CAST(:first AS int), CAST(:last AS int)) AS g)))
 ORDER BY "action_pilots"."action_id", "action_pilots"."position";
SELECT "action_partners"."action_id", "action_partners"."partner_id", "action_partners"."note"
  FROM "action_partners"
 WHERE ("action_partners"."action_id" = ANY(ARRAY(SELECT bench_uuid('40000000', g) FROM generate_series(CAST(:first AS int), CAST(:last AS int)) AS g)))
 ORDER BY "action_partners"."action_id", "action_partners"."position";
SELECT "action_steps"."action_id", "action_steps"."text", "action_steps"."pilot_partner_id", "action_steps"."status"
  FROM "action_steps"
 WHERE ("action_steps"."action_id" = ANY(ARRAY(SELECT bench_uuid('40000000', g) FROM generate_series(CAST(:first AS int), CAST(:last AS int)) AS g)))
 ORDER BY "action_steps"."action_id", "action_steps"."position";
SELECT "action_links"."action_id", "action_links"."linked_action_id"
  FROM "action_links"
 WHERE ("action_links"."action_id" = ANY(ARRAY(SELECT bench_uuid('40000000', g) FROM generate_series(CAST(:first AS int), CAST(:last AS int)) AS g)))
 ORDER BY "action_links"."action_id", "action_links"."position";
