-- Organisations taking part in conventions (Caf, EPCI, communes, associations…). Shared across
-- conventions: one row per real organisation.
CREATE TABLE partners (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    acronym text,
    kind text NOT NULL
        CONSTRAINT partners_kind_valid CHECK (kind IN (
            'caf', 'epci', 'commune', 'state', 'department', 'association', 'public_body', 'other')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1
);

-- "CAF" and "Caf" are one organisation.
CREATE UNIQUE INDEX partners_name_key ON partners (lower(name));

-- Folds case and French accents so that a search for "education" finds "Éducation".
CREATE FUNCTION ctg_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(translate(value,
        'ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸàâäçéèêëîïôöùûüÿŒœÆæ',
        'AAACEEEEIIOOUUUYaaaceeeeiioouuuyOoAa'));
