-- Level 1 of the plan. A convention with axes cannot be deleted (RESTRICT): a whole plan is never
-- removed by a cascade.
CREATE TABLE axes (
    id uuid PRIMARY KEY,
    convention_id uuid NOT NULL REFERENCES conventions (id) ON DELETE RESTRICT,
    number integer NOT NULL CHECK (number BETWEEN 1 AND 999),
    title text NOT NULL,
    description text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    -- Also the index of the foreign key (leading column).
    CONSTRAINT axes_convention_id_number_key UNIQUE (convention_id, number)
);

-- Level 2; its code "1.2" derives from the axis' number and its own.
CREATE TABLE objectives (
    id uuid PRIMARY KEY,
    axis_id uuid NOT NULL REFERENCES axes (id) ON DELETE RESTRICT,
    number integer NOT NULL CHECK (number BETWEEN 1 AND 999),
    title text NOT NULL,
    description text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    CONSTRAINT objectives_axis_id_number_key UNIQUE (axis_id, number)
);
