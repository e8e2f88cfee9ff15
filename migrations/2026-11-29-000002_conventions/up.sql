CREATE TABLE conventions (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    territory text NOT NULL,
    start_year integer NOT NULL,
    end_year integer NOT NULL,
    status text NOT NULL DEFAULT 'draft'
        CONSTRAINT conventions_status_valid CHECK (status IN ('draft', 'active', 'closed')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    CONSTRAINT conventions_years_ordered CHECK (end_year >= start_year)
);

-- Who signed, in the order the convention lists them. Part of the convention: removed with it.
CREATE TABLE convention_signatories (
    convention_id uuid NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    partner_id uuid NOT NULL REFERENCES partners (id) ON DELETE RESTRICT,
    position integer NOT NULL,
    CONSTRAINT convention_signatories_pkey PRIMARY KEY (convention_id, partner_id)
);
CREATE INDEX convention_signatories_partner_id_idx ON convention_signatories (partner_id);

CREATE TABLE convention_associated_partners (
    convention_id uuid NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    partner_id uuid NOT NULL REFERENCES partners (id) ON DELETE RESTRICT,
    position integer NOT NULL,
    CONSTRAINT convention_associated_partners_pkey PRIMARY KEY (convention_id, partner_id)
);
CREATE INDEX convention_associated_partners_partner_id_idx
    ON convention_associated_partners (partner_id);
