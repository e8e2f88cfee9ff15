-- Level 3: the fiche-action. Its code "1.2.1" derives from its objective's code and its number.
CREATE TABLE actions (
    id uuid PRIMARY KEY,
    objective_id uuid NOT NULL REFERENCES objectives (id) ON DELETE RESTRICT,
    number integer NOT NULL CHECK (number BETWEEN 1 AND 999),
    title text NOT NULL,
    priority boolean NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT 'planned'
        CONSTRAINT actions_status_valid CHECK (
            status IN ('planned', 'in_progress', 'done', 'suspended', 'abandoned')),
    progress smallint CONSTRAINT actions_progress_range CHECK (progress BETWEEN 0 AND 100),
    context text,
    shared_findings text[] NOT NULL DEFAULT '{}',
    expected_results text[] NOT NULL DEFAULT '{}',
    inhabitants_role text,
    resources_financial text[] NOT NULL DEFAULT '{}',
    resources_human text[] NOT NULL DEFAULT '{}',
    linked_plans text[] NOT NULL DEFAULT '{}',
    start_year integer,
    end_year integer,
    schedule_note text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    CONSTRAINT actions_objective_id_number_key UNIQUE (objective_id, number),
    -- Lists of text never hold NULL (the Rust side reads them as Vec<String>).
    CONSTRAINT actions_lists_without_nulls CHECK (
        array_position(shared_findings, NULL) IS NULL
        AND array_position(expected_results, NULL) IS NULL
        AND array_position(resources_financial, NULL) IS NULL
        AND array_position(resources_human, NULL) IS NULL
        AND array_position(linked_plans, NULL) IS NULL),
    CONSTRAINT actions_years_ordered CHECK (end_year >= start_year)
);
CREATE INDEX actions_status_idx ON actions (status);

-- Référents-pilotes: the lead organisations, in the fiche's order, with their role words.
CREATE TABLE action_pilots (
    action_id uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    partner_id uuid NOT NULL REFERENCES partners (id) ON DELETE RESTRICT,
    note text,
    position integer NOT NULL,
    CONSTRAINT action_pilots_pkey PRIMARY KEY (action_id, partner_id)
);
CREATE INDEX action_pilots_partner_id_idx ON action_pilots (partner_id);

-- Associated technical and institutional partners.
CREATE TABLE action_partners (
    action_id uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    partner_id uuid NOT NULL REFERENCES partners (id) ON DELETE RESTRICT,
    note text,
    position integer NOT NULL,
    CONSTRAINT action_partners_pkey PRIMARY KEY (action_id, partner_id)
);
CREATE INDEX action_partners_partner_id_idx ON action_partners (partner_id);

-- "Descriptif – Méthode – Étapes de réalisation"; a step may name its own pilot.
CREATE TABLE action_steps (
    action_id uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    position integer NOT NULL,
    text text NOT NULL,
    pilot_partner_id uuid REFERENCES partners (id) ON DELETE RESTRICT,
    status text NOT NULL DEFAULT 'planned'
        CONSTRAINT action_steps_status_valid CHECK (status IN ('planned', 'in_progress', 'done')),
    CONSTRAINT action_steps_pkey PRIMARY KEY (action_id, position)
);
CREATE INDEX action_steps_pilot_partner_id_idx ON action_steps (pilot_partner_id);

-- "Lien avec les fiches actions", as each fiche writes it (directed). A link belongs to both
-- fiches: it goes when either does.
CREATE TABLE action_links (
    action_id uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    linked_action_id uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    position integer NOT NULL,
    CONSTRAINT action_links_pkey PRIMARY KEY (action_id, linked_action_id),
    CONSTRAINT action_links_not_self CHECK (action_id <> linked_action_id)
);
CREATE INDEX action_links_linked_action_id_idx ON action_links (linked_action_id);
