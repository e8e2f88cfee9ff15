-- The COPIL and the thematic technical committees of a convention.
CREATE TABLE committees (
    id uuid PRIMARY KEY,
    convention_id uuid NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    name text NOT NULL,
    kind text NOT NULL CONSTRAINT committees_kind_valid CHECK (kind IN ('copil', 'thematic')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1
);
CREATE INDEX committees_convention_id_idx ON committees (convention_id);

-- The axes a thematic committee follows (its scope). An axis removed from the plan leaves the
-- committees that followed it.
CREATE TABLE committee_axes (
    committee_id uuid NOT NULL REFERENCES committees (id) ON DELETE CASCADE,
    axis_id uuid NOT NULL REFERENCES axes (id) ON DELETE CASCADE,
    CONSTRAINT committee_axes_pkey PRIMARY KEY (committee_id, axis_id)
);
CREATE INDEX committee_axes_axis_id_idx ON committee_axes (axis_id);

-- The organisations sitting on a committee.
CREATE TABLE committee_members (
    committee_id uuid NOT NULL REFERENCES committees (id) ON DELETE CASCADE,
    partner_id uuid NOT NULL REFERENCES partners (id) ON DELETE RESTRICT,
    position integer NOT NULL,
    CONSTRAINT committee_members_pkey PRIMARY KEY (committee_id, partner_id)
);
CREATE INDEX committee_members_partner_id_idx ON committee_members (partner_id);

-- Who holds which role in a convention. A user may hold several (their rights add up).
CREATE TABLE memberships (
    id uuid PRIMARY KEY,
    convention_id uuid NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role text NOT NULL CONSTRAINT memberships_role_valid CHECK (
        role IN ('viewer', 'pilot', 'committee', 'copil', 'coordinator', 'reporting')),
    committee_id uuid REFERENCES committees (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    CONSTRAINT memberships_committee_matches_role CHECK ((role = 'committee') = (committee_id IS NOT NULL))
);
CREATE UNIQUE INDEX memberships_unique_role
    ON memberships (convention_id, user_id, role, coalesce(committee_id, '00000000-0000-0000-0000-000000000000'));
CREATE INDEX memberships_user_id_idx ON memberships (user_id);
CREATE INDEX memberships_committee_id_idx ON memberships (committee_id);
