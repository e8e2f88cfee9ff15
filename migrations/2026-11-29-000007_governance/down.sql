DROP TABLE memberships;
DROP TABLE committee_members;
DROP TABLE committee_axes;
DROP TABLE committees;
