DROP INDEX committees_exchange_ref_key;
ALTER TABLE committees DROP COLUMN exchange_ref;
DROP TABLE convention_partner_refs;
