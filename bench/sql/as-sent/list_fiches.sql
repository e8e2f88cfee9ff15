-- GET /api/v1/conventions/{id}/actions?limit=20&offset=… (actions::handlers::list_convention_actions):
-- one statement: the page of fiches with the total on each row and their pilots, partners, steps
-- and links as one JSON column (the convention is read only when the page is empty). The caller
-- comes from the sign-in cache (`-- @uncached auth.inc`: only under CTG_AUTH_CACHE=off).
\set c random(1, :small_conventions)
\set offset 20 * random(0, 2)
-- @uncached auth.inc
-- @include fiche-row.inc
       , count(*) OVER ()
  FROM ("actions" INNER JOIN ("objectives" INNER JOIN "axes" ON ("objectives"."axis_id" = "axes"."id"))
        ON ("actions"."objective_id" = "objectives"."id"))
 WHERE ("axes"."convention_id" = bench_uuid('10000000', :c))
 ORDER BY "axes"."number", "objectives"."number", "actions"."number", "actions"."id"
 LIMIT 20 OFFSET :offset;
