-- roster schema, version 4: the same tables, with CHECKs SQLite evaluates cheaply.
-- SQLite compiles `x IN ('a', 'b', 'c')` in a CHECK into a temporary b-tree built anew
-- for every row written: a quarter of an import's time went to building and dropping
-- them (docs/PERFORMANCE.md). `x = 'a' OR x = 'b' OR …` allows exactly the same values.
-- SQLite cannot alter a CHECK, so both tables are rebuilt (its documented procedure:
-- new table, copy, drop, rename, indexes). Nothing refers to either table.
CREATE TABLE membership_new (
    contact_id      INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    location_id     INTEGER NOT NULL REFERENCES location (id),
    text_status     TEXT NOT NULL CHECK (text_status = 'subscribed' OR text_status = 'unsubscribed' OR text_status = 'opted-out'),
    email_status    TEXT NOT NULL CHECK (email_status = 'subscribed' OR email_status = 'unsubscribed' OR email_status = 'opted-out'),
    added_at        TEXT NOT NULL,
    added_operation INTEGER REFERENCES operation (id),
    PRIMARY KEY (contact_id, location_id)
) WITHOUT ROWID;
INSERT INTO membership_new (contact_id, location_id, text_status, email_status, added_at, added_operation)
    SELECT contact_id, location_id, text_status, email_status, added_at, added_operation FROM membership;
DROP TABLE membership;
ALTER TABLE membership_new RENAME TO membership;
CREATE INDEX membership_location ON membership (location_id, contact_id);
CREATE INDEX membership_added_operation ON membership (added_operation) WHERE added_operation IS NOT NULL;

CREATE TABLE status_change_new (
    id           INTEGER PRIMARY KEY,
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
DROP TABLE status_change;
ALTER TABLE status_change_new RENAME TO status_change;
CREATE INDEX status_change_contact ON status_change (contact_id);
CREATE INDEX status_change_operation ON status_change (operation_id) WHERE operation_id IS NOT NULL;
