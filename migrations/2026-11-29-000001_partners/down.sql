DROP FUNCTION ctg_fold(text);
DROP TABLE partners;
