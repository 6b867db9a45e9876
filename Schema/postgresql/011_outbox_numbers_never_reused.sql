-- roster schema, version 11: a welcome email's number is never handed out again. The
-- SQLite table needed AUTOINCREMENT for it; here outbox.id is a BIGSERIAL, whose sequence
-- never goes back, so nothing changes. The version is kept level with SQLite's.
SELECT 1;
