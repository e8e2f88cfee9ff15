-- How a convention's exchange document (`ctg import`, `ctg export`) names things, kept so that
-- exporting an imported plan gives back the document's own names and order.

-- The document's partners list: each partner's `ref` and its place in the list. A partner that
-- the plan comes to refer to later, without a row here, gets a ref derived from its acronym or
-- name at export. Deleting a partner from the shared list only forgets its ref.
CREATE TABLE convention_partner_refs (
    convention_id uuid NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    partner_id uuid NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    exchange_ref text NOT NULL,
    position integer NOT NULL,
    CONSTRAINT convention_partner_refs_pkey PRIMARY KEY (convention_id, partner_id),
    CONSTRAINT convention_partner_refs_ref_key UNIQUE (convention_id, exchange_ref)
);
CREATE INDEX convention_partner_refs_partner_id_idx ON convention_partner_refs (partner_id);

-- A committee's `ref` in the documents of its convention; NULL for a committee created through
-- the API (one is derived from its name at export).
ALTER TABLE committees ADD COLUMN exchange_ref text;
CREATE UNIQUE INDEX committees_exchange_ref_key ON committees (convention_id, exchange_ref);
