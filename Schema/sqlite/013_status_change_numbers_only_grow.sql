-- roster schema, version 13: a status change's number is never handed out again.
-- Schemas 007 and 012 read "where the operation began" as a status_change id: the rows
-- written after it have higher ids. Without AUTOINCREMENT, SQLite gives a new row the
-- highest id plus one, so once an undo removed the newest contacts (their rows go with
-- them), the next rows took numbers below an earlier operation's mark: undo could miss a
-- later change, and the history could place a change before the operation it followed.
-- SQLite cannot add AUTOINCREMENT to a table, so it is rebuilt (new table, copy, drop,
-- rename, index); copying the rows with their ids starts sqlite_sequence at the highest,
-- and every operation's mark is at or below it. Nothing refers to status_change.
CREATE TABLE status_change_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id   INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    location_id  INTEGER NOT NULL REFERENCES location (id),
    channel      TEXT NOT NULL CHECK (channel = 'text' OR channel = 'email'),
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    reason       TEXT NOT NULL,
    operation_id INTEGER REFERENCES operation (id),
    at           TEXT NOT NULL
);
INSERT INTO status_change_new (id, contact_id, location_id, channel, from_status, to_status, reason, operation_id, at)
    SELECT id, contact_id, location_id, channel, from_status, to_status, reason, operation_id, at FROM status_change;
-- The sequence also starts above every operation's marks: rows above a mark may have
-- gone with their contacts before this version. (RENAME carries the sequence's row along.)
INSERT INTO sqlite_sequence (name, seq) SELECT 'status_change_new', 0
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'status_change_new');
UPDATE sqlite_sequence
    SET seq = max(seq, (SELECT coalesce(max(max(coalesce(status_start, 0), coalesce(status_mark, 0))), 0) FROM operation))
    WHERE name = 'status_change_new';
DROP TABLE status_change;
ALTER TABLE status_change_new RENAME TO status_change;
CREATE INDEX status_change_contact ON status_change (contact_id);
