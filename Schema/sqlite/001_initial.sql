-- roster schema, version 1. Never edit after release: add a new numbered file instead.
-- Contact IDs shown to people are derived from contact.id (AUTOINCREMENT: a deleted
-- contact's number is never handed out again) with a per-database key, so they are
-- opaque and never reused.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The key that turns internal contact numbers into opaque Contact IDs.
INSERT INTO meta (key, value) VALUES ('contact_id_key', CAST(abs(random()) AS TEXT));

CREATE TABLE practice (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL UNIQUE,       -- lower-cased name: names are unique case-insensitively
    owner_full_name TEXT,
    phone           TEXT,
    address         TEXT,
    email           TEXT,
    preferences_url TEXT,
    created_at      TEXT NOT NULL
);

CREATE TABLE location (
    id          INTEGER PRIMARY KEY,
    practice_id INTEGER NOT NULL REFERENCES practice (id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (practice_id, name_key)
);

CREATE TABLE contact (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id       INTEGER NOT NULL REFERENCES practice (id),
    first_name        TEXT NOT NULL,
    last_name         TEXT,
    nickname          TEXT,
    email             TEXT,
    phone             TEXT,
    home_phone        TEXT,
    address           TEXT,
    address_line_2    TEXT,
    city              TEXT,
    state             TEXT,
    country           TEXT,
    sex               TEXT,
    postal_code       TEXT,
    date_of_birth     TEXT,
    insurance_carrier TEXT,
    phase             TEXT NOT NULL DEFAULT 'No Phase',
    notes             TEXT,
    -- identity keys (SPEC 4), kept beside the values so lookups use an index
    email_key         TEXT,               -- lower(email)
    first_key         TEXT NOT NULL,      -- lower(first_name)
    last_key          TEXT NOT NULL,      -- lower(last_name), '' when empty
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX contact_email ON contact (practice_id, email_key) WHERE email_key IS NOT NULL;
CREATE INDEX contact_phone ON contact (practice_id, phone, first_key) WHERE phone IS NOT NULL;
CREATE INDEX contact_name  ON contact (practice_id, first_key, last_key);

CREATE TABLE membership (
    contact_id   INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    location_id  INTEGER NOT NULL REFERENCES location (id),
    text_status  TEXT NOT NULL CHECK (text_status IN ('subscribed', 'unsubscribed', 'opted-out')),
    email_status TEXT NOT NULL CHECK (email_status IN ('subscribed', 'unsubscribed', 'opted-out')),
    added_at     TEXT NOT NULL,
    PRIMARY KEY (contact_id, location_id)
) WITHOUT ROWID;
CREATE INDEX membership_location ON membership (location_id, contact_id);

-- One row per run of import or merge (and later copy, undo): the history.
CREATE TABLE operation (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,            -- import, merge, copy, subscribe, unsubscribe
    practice_id INTEGER NOT NULL REFERENCES practice (id),
    location_id INTEGER REFERENCES location (id),
    file_name   TEXT,
    sha256      TEXT,
    consent     TEXT,
    rows        INTEGER NOT NULL DEFAULT 0,
    created     INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    copied      INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    at          TEXT NOT NULL
);
CREATE INDEX operation_file ON operation (location_id, sha256);

-- Every status change, with when and why (SPEC 1: opt-outs are sticky; the text rule).
CREATE TABLE status_change (
    id           INTEGER PRIMARY KEY,
    contact_id   INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    location_id  INTEGER NOT NULL REFERENCES location (id),
    channel      TEXT NOT NULL CHECK (channel IN ('text', 'email')),
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    reason       TEXT NOT NULL,
    operation_id INTEGER REFERENCES operation (id),
    at           TEXT NOT NULL
);
CREATE INDEX status_change_contact ON status_change (contact_id);

-- Welcome emails (SPEC 7), rendered when read so the queue stays small.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    contact_id   INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    operation_id INTEGER REFERENCES operation (id),
    to_address   TEXT NOT NULL,
    queued_at    TEXT NOT NULL,
    sent_at      TEXT,
    drop_reason  TEXT
);
CREATE INDEX outbox_contact ON outbox (contact_id);
