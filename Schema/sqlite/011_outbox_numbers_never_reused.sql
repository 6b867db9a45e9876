-- roster schema, version 11: a welcome email's number is never handed out again.
-- `roster outbox mark-sent N` takes the numbers `roster outbox` shows. Without
-- AUTOINCREMENT, SQLite gives a new row the highest number plus one, so after `undo`
-- removed the newest messages, the next import's messages took their numbers, and a
-- mark-sent typed from an older listing would mark another person's message sent.
-- SQLite cannot add AUTOINCREMENT to a table, so it is rebuilt (new table, copy, drop,
-- rename, index). Nothing refers to the outbox.
CREATE TABLE outbox_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id   INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    operation_id INTEGER REFERENCES operation (id),
    to_address   TEXT NOT NULL,
    queued_at    TEXT NOT NULL,
    sent_at      TEXT,
    drop_reason  TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    message_id   TEXT,
    dropped_at   TEXT
);
INSERT INTO outbox_new (id, contact_id, operation_id, to_address, queued_at, sent_at, drop_reason, attempts, last_error, message_id, dropped_at)
    SELECT id, contact_id, operation_id, to_address, queued_at, sent_at, drop_reason, attempts, last_error, message_id, dropped_at FROM outbox;
-- Numbers an undo removed before this version are above the highest left: the sequence
-- starts above every contact number ever handed out instead, which no outbox number could
-- pass (one welcome email per contact created, each numbered one above the highest).
INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox_new', 0
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox_new');
UPDATE sqlite_sequence
    SET seq = max(seq, coalesce((SELECT max(seq) FROM sqlite_sequence WHERE name = 'contact'), 0))
    WHERE name = 'outbox_new';
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_contact ON outbox (contact_id);
