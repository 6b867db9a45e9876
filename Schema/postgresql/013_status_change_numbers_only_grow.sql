-- roster schema, version 13: a status change's number is never handed out again. The
-- SQLite table needed AUTOINCREMENT for it; here status_change.id is a BIGSERIAL, whose
-- sequence never goes back, so nothing changes. The version is kept level with SQLite's.
SELECT 1;
