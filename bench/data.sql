-- The benchmark's synthetic data set, generated inside PostgreSQL (INSERT … SELECT over
-- generate_series): deterministic (no random(), no now()-dependent values), a few tens of seconds.
--
-- Run by bench/run with psql after `ctg migrate`, `ctg import` of the demo plan and the users:
--   psql -v ON_ERROR_STOP=1 -v admin_id=<uuid of the admin> -f bench/data.sql
--
-- Shape (the ids are readable counters, so that wrk and pgbench scripts compute them instead of
-- fetching them: "<prefix>-0000-7000-8000-<counter as 12 hex digits>"):
--   partners     7000…  200 organisations, shared by all conventions
--   conventions  1000…  1..99: 45 fiches each (5 axes × 3 objectives × 3 fiches), 2015–2026;
--                       100: one large convention of 4,500 fiches (10 × 30 × 15), 2015–2026
--   axes         2000…  1..495 small conventions, 496..505 the large one
--   objectives   3000…  1..1485 small, 1486..1785 large
--   actions      4000…  1..4455 small (fiche f is in convention (f-1)/45+1), 4456..8955 large
--   indicators   5000…  5 per fiche: indicator (f-1)*5+p, position p:
--                         1 annual count       2015 … 2025          11 values
--                         2 semiannual %       2015-S1 … 2026-S1    23 values
--                         3 quarterly amount   2015-Q1 … 2026-Q3    47 values
--                         4 monthly count      2015-01 … 2026-10   142 values
--                         5 monthly count, no value yet (the benchmark records into it)
--   measurements 6000…  indicator*256 + period index: 223 per fiche, 1,996,965 in all
--   notes        8000…  one per fiche, in 2024
-- The fiches' text (context, findings, steps…) is of the size of the demo's.

\set ON_ERROR_STOP on

-- Also used by the pgbench scripts (bench/sql/*.sql) to name rows.
CREATE FUNCTION bench_uuid(prefix text, n bigint) RETURNS uuid
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (prefix || '-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid;

-- The shape of each synthetic convention.
CREATE TEMP TABLE shape AS
SELECT c AS conv,
       CASE WHEN c = 100 THEN 10 ELSE 5 END AS axes,
       CASE WHEN c = 100 THEN 30 ELSE 3 END AS objectives,
       CASE WHEN c = 100 THEN 15 ELSE 3 END AS fiches
FROM generate_series(1, 100) AS c;

CREATE TEMP TABLE t_axes AS
SELECT row_number() OVER (ORDER BY s.conv, k)::int AS idx, s.conv, k AS number, s.objectives, s.fiches
FROM shape s, generate_series(1, s.axes) AS k;

CREATE TEMP TABLE t_objectives AS
SELECT row_number() OVER (ORDER BY a.idx, j)::int AS idx, a.idx AS axis_idx, a.conv, j AS number, a.fiches
FROM t_axes a, generate_series(1, a.objectives) AS j;

CREATE TEMP TABLE t_actions AS
SELECT row_number() OVER (ORDER BY o.idx, i)::int AS idx, o.idx AS objective_idx, o.conv, i AS number,
       o.fiches
FROM t_objectives o, generate_series(1, o.fiches) AS i;

-- Every period of each frequency that the data set fills, with its index per indicator.
CREATE TEMP TABLE t_periods (frequency text, pidx int, period text, period_start date);
INSERT INTO t_periods
SELECT 'annual', y - 2015, y::text, make_date(y, 1, 1) FROM generate_series(2015, 2025) AS y;
INSERT INTO t_periods
SELECT 'semiannual', s, (2015 + s / 2) || '-S' || (s % 2 + 1), make_date(2015 + s / 2, (s % 2) * 6 + 1, 1)
FROM generate_series(0, 22) AS s;
INSERT INTO t_periods
SELECT 'quarterly', q, (2015 + q / 4) || '-Q' || (q % 4 + 1), make_date(2015 + q / 4, (q % 4) * 3 + 1, 1)
FROM generate_series(0, 46) AS q;
INSERT INTO t_periods
SELECT 'monthly', m, (2015 + m / 12) || '-' || lpad((m % 12 + 1)::text, 2, '0'), make_date(2015 + m / 12, m % 12 + 1, 1)
FROM generate_series(0, 141) AS m;

INSERT INTO partners (id, name, acronym, kind)
SELECT bench_uuid('70000000', n), 'Partenaire synthétique ' || n, 'PS' || n,
       (ARRAY['caf', 'epci', 'commune', 'state', 'department', 'association', 'public_body', 'other'])[n % 8 + 1]
FROM generate_series(1, 200) AS n;

INSERT INTO conventions (id, name, territory, start_year, end_year, status)
SELECT bench_uuid('10000000', conv),
       CASE WHEN conv = 100 THEN 'Convention synthétique de grande taille (4 500 fiches)'
            ELSE 'Convention Territoriale Globale synthétique n° ' || conv END,
       'Territoire synthétique n° ' || conv, 2015, 2026, 'active'
FROM shape;

INSERT INTO convention_signatories (convention_id, partner_id, position)
SELECT bench_uuid('10000000', conv), bench_uuid('70000000', (conv * 2 + k) % 200 + 1), k
FROM shape, generate_series(0, 1) AS k;

INSERT INTO axes (id, convention_id, number, title, description)
SELECT bench_uuid('20000000', idx), bench_uuid('10000000', conv), number,
       'Axe ' || number || ' : accompagner les familles du territoire ' || conv,
       'Description de l''axe ' || number || ', telle que la convention la rédige.'
FROM t_axes;

INSERT INTO objectives (id, axis_id, number, title, description)
SELECT bench_uuid('30000000', idx), bench_uuid('20000000', axis_idx), number,
       'Objectif ' || number || ' : développer une offre adaptée aux besoins (' || idx || ')',
       NULL
FROM t_objectives;

INSERT INTO actions (id, objective_id, number, title, priority, status, progress, context,
                     shared_findings, expected_results, inhabitants_role, resources_financial,
                     resources_human, linked_plans, start_year, end_year, schedule_note)
SELECT bench_uuid('40000000', idx), bench_uuid('30000000', objective_idx), number,
       'Fiche ' || idx || ' : renforcer l''accompagnement des parents et des jeunes',
       idx % 4 = 0,
       (ARRAY['planned', 'in_progress', 'in_progress', 'done', 'suspended'])[idx % 5 + 1],
       CASE WHEN idx % 7 = 0 THEN (idx % 101)::smallint END,
       'Contexte de la fiche ' || idx || '. '
           || repeat('Le territoire compte plusieurs structures d''accueil dont l''activité reste '
                     || 'inégalement connue des familles ; les partenaires souhaitent mieux coordonner '
                     || 'leurs interventions. ', 4),
       ARRAY['Constat partagé n° 1 de la fiche ' || idx || ' : une offre dispersée et peu lisible',
             'Constat partagé n° 2 : des familles éloignées des services, en particulier en zone rurale'],
       ARRAY['Une offre mieux connue des familles', 'Des partenaires qui se coordonnent',
             'Une fréquentation en hausse'],
       'Les habitants sont associés aux comités de suivi.',
       ARRAY['Prestation de service Caf'], ARRAY['Coordinateur CTG (0,2 ETP)'],
       ARRAY['Schéma départemental des services aux familles'],
       2015 + idx % 3, 2026, CASE WHEN idx % 3 = 0 THEN 'Chaque année, au premier semestre.' END
FROM t_actions;

INSERT INTO action_pilots (action_id, partner_id, note, position)
SELECT bench_uuid('40000000', idx), bench_uuid('70000000', (idx * 3 + k) % 200 + 1),
       CASE WHEN k = 0 THEN 'Pilote' END, k
FROM t_actions, generate_series(0, 1) AS k
WHERE k = 0 OR idx % 2 = 1;

INSERT INTO action_partners (action_id, partner_id, note, position)
SELECT bench_uuid('40000000', idx), bench_uuid('70000000', (idx * 3 + 50 + k) % 200 + 1),
       NULL, k
FROM t_actions, generate_series(0, 1) AS k;

INSERT INTO action_steps (action_id, position, text, pilot_partner_id, status)
SELECT bench_uuid('40000000', idx), k,
       'Étape ' || (k + 1) || ' : recenser l''offre existante, la faire connaître et suivre sa fréquentation',
       CASE WHEN k = 0 THEN bench_uuid('70000000', (idx * 3) % 200 + 1) END,
       (ARRAY['done', 'in_progress', 'planned'])[k + 1]
FROM t_actions, generate_series(0, 2) AS k;

-- Each fiche links to the next one of its objective.
INSERT INTO action_links (action_id, linked_action_id, position)
SELECT bench_uuid('40000000', idx), bench_uuid('40000000', idx + 1), 0
FROM t_actions
WHERE number < fiches;

INSERT INTO indicators (id, action_id, position, type, label, kind, unit, baseline_value,
                        baseline_period, target_value, target_period, direction, frequency, source)
SELECT bench_uuid('50000000', (a.idx - 1) * 5 + d.position), bench_uuid('40000000', a.idx),
       d.position, d.type, d.label || ' (fiche ' || a.idx || ')', d.kind, d.unit, d.baseline,
       d.baseline_period, d.target, d.target_period, 'increase', d.frequency, d.source
FROM t_actions a,
     (VALUES (1, 'realisation', 'Nombre de participants aux actions', 'count', 'participants', 100.0, '2015', 150.0, '2026', 'annual', 'Bilan d''activité'),
             (2, 'resultat', 'Part des familles satisfaites', 'percentage', '%', 40.0, '2015-S1', 60.0, '2026-S2', 'semiannual', 'Enquête de satisfaction'),
             (3, 'realisation', 'Montant engagé', 'amount', '€', 10000.0, '2015-Q1', 20000.0, '2026-Q4', 'quarterly', 'Comptabilité'),
             (4, 'realisation', 'Nombre d''accueils', 'count', 'accueils', 50.0, '2015-01', 80.0, '2026-12', 'monthly', 'Logiciel de gestion'),
             (5, 'impact', 'Fréquentation mensuelle du nouveau service', 'count', 'visites', NULL, NULL, 500.0, '2026-12', 'monthly', NULL))
         AS d (position, type, label, kind, unit, baseline, baseline_period, target, target_period, frequency, source)
ORDER BY 1;

-- Values drift from the baseline towards the target, with a deterministic wobble.
INSERT INTO measurements (id, indicator_id, period, period_start, value, comment, source, recorded_by)
SELECT bench_uuid('60000000', ind * 256 + p.pidx), bench_uuid('50000000', ind), p.period,
       p.period_start,
       to_jsonb(CASE d.position
                    WHEN 1 THEN 100 + p.pidx * 4 + (ind * 7 + p.pidx * 13) % 11
                    WHEN 2 THEN 40 + p.pidx * 0.8 + (ind * 7 + p.pidx * 13) % 5
                    WHEN 3 THEN 10000 + p.pidx * 200 + (ind * 7 + p.pidx * 13) % 997 + 0.5
                    ELSE 50 + p.pidx / 5 + (ind * 7 + p.pidx * 13) % 9
                END),
       CASE WHEN p.pidx % 12 = 0 THEN 'Valeur issue du bilan annuel' END,
       CASE WHEN d.position = 1 THEN 'Bilan d''activité ' || p.period END,
       :'admin_id'::uuid
FROM t_actions a
CROSS JOIN (VALUES (1, 'annual'), (2, 'semiannual'), (3, 'quarterly'), (4, 'monthly')) AS d (position, frequency)
CROSS JOIN LATERAL (SELECT (a.idx - 1) * 5 + d.position AS ind) AS i
JOIN t_periods p ON p.frequency = d.frequency
ORDER BY ind, p.pidx;

INSERT INTO notes (id, action_id, date, text, author_id)
SELECT bench_uuid('80000000', idx), bench_uuid('40000000', idx),
       make_date(2024, idx % 12 + 1, idx % 28 + 1),
       'Réunion du comité de suivi : point d''étape sur la fiche ' || idx || ', fréquentation en hausse.',
       :'admin_id'::uuid
FROM t_actions;

-- What the benchmark's scripts rely on, checked here rather than found out as a wall of 404s.
DO $$
DECLARE
    n_conventions bigint := (SELECT count(*) FROM conventions);
    n_actions bigint := (SELECT count(*) FROM actions);
    n_indicators bigint := (SELECT count(*) FROM indicators);
    n_measurements bigint := (SELECT count(*) FROM measurements);
BEGIN
    IF n_conventions < 100 OR n_actions < 4500 OR n_indicators < 20000 OR n_measurements < 1000000 THEN
        RAISE EXCEPTION 'data set too small: % conventions, % fiches, % indicators, % measurements',
            n_conventions, n_actions, n_indicators, n_measurements;
    END IF;
    IF (SELECT count(*) FROM actions a JOIN objectives o ON o.id = a.objective_id JOIN axes x ON x.id = o.axis_id
        WHERE x.convention_id = bench_uuid('10000000', 100)) <> 4500 THEN
        RAISE EXCEPTION 'the large convention does not have 4,500 fiches';
    END IF;
END
$$;
