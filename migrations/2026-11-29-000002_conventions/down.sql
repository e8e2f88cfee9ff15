DROP TABLE convention_associated_partners;
DROP TABLE convention_signatories;
DROP TABLE conventions;
