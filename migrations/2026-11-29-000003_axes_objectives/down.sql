DROP TABLE objectives;
DROP TABLE axes;
