-- Indicators of a fiche-action: what its evaluation measures.
CREATE TABLE indicators (
    id uuid PRIMARY KEY,
    -- An action that has indicators cannot be deleted: its evaluation would go with it.
    action_id uuid NOT NULL REFERENCES actions (id) ON DELETE RESTRICT,
    -- The fiche's order.
    position integer NOT NULL,
    type text NOT NULL
        CONSTRAINT indicators_type_valid CHECK (type IN ('realisation', 'resultat', 'impact')),
    label text NOT NULL,
    kind text NOT NULL
        CONSTRAINT indicators_kind_valid CHECK (kind IN (
            'count', 'amount', 'percentage', 'ratio', 'duration', 'boolean', 'level', 'text')),
    unit text,
    baseline_value double precision,
    baseline_period text,
    target_value double precision,
    target_period text,
    direction text NOT NULL DEFAULT 'increase'
        CONSTRAINT indicators_direction_valid CHECK (direction IN ('increase', 'decrease')),
    frequency text NOT NULL DEFAULT 'annual'
        CONSTRAINT indicators_frequency_valid CHECK (
            frequency IN ('annual', 'semiannual', 'quarterly', 'monthly')),
    source text,
    -- A level's scale (e.g. 1 to 5); only levels have one, and they must.
    scale_min double precision,
    scale_max double precision,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    CONSTRAINT indicators_scale_for_levels CHECK (
        (kind = 'level') = (scale_min IS NOT NULL AND scale_max IS NOT NULL)
        AND (scale_min IS NULL OR scale_max > scale_min))
);
CREATE INDEX indicators_action_id_idx ON indicators (action_id, position);

-- One value of an indicator for one period.
CREATE TABLE measurements (
    id uuid PRIMARY KEY,
    -- An indicator with measurements cannot be deleted: they are the plan's history.
    indicator_id uuid NOT NULL REFERENCES indicators (id) ON DELETE RESTRICT,
    -- Canonical text: 2024, 2024-S1, 2024-Q2, 2024-03.
    period text NOT NULL,
    -- The period's first day: orders periods of any frequency and serves from/to filters.
    period_start date NOT NULL,
    -- A number, a boolean or a text, as the indicator's kind says.
    value jsonb NOT NULL,
    comment text,
    source text,
    -- Who recorded the current value, and when (the audit log keeps earlier ones).
    recorded_by uuid REFERENCES users (id) ON DELETE RESTRICT,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    CONSTRAINT measurements_indicator_id_period_key UNIQUE (indicator_id, period)
);
CREATE INDEX measurements_indicator_id_period_start_idx ON measurements (indicator_id, period_start DESC);
CREATE INDEX measurements_recorded_by_idx ON measurements (recorded_by);
