DROP TABLE measurements;
DROP TABLE indicators;
