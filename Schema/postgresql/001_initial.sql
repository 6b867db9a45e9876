-- roster schema for PostgreSQL, version 1: the same tables as ../sqlite/001_initial.sql,
-- in PostgreSQL's types. Never edit after release: add a new numbered file instead (the
-- same number in both folders). Contact IDs shown to people are derived from contact.id
-- (a sequence: a deleted contact's number is never handed out again) with a per-database
-- key, so they are opaque and never reused. Keys that are sorted on use the "C"
-- collation, so both stores list names in the same (byte) order.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The key that turns internal contact numbers into opaque Contact IDs.
INSERT INTO meta (key, value) VALUES ('contact_id_key', CAST(floor(random() * 9007199254740991) AS BIGINT)::TEXT);

CREATE TABLE practice (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL,
    name_key        TEXT COLLATE "C" NOT NULL UNIQUE,
    owner_full_name TEXT,
    phone           TEXT,
    address         TEXT,
    email           TEXT,
    preferences_url TEXT,
    created_at      TEXT NOT NULL
);

CREATE TABLE location (
    id          BIGSERIAL PRIMARY KEY,
    practice_id BIGINT NOT NULL REFERENCES practice (id),
    name        TEXT NOT NULL,
    name_key    TEXT COLLATE "C" NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (practice_id, name_key)
);

CREATE TABLE contact (
    id                BIGSERIAL PRIMARY KEY,
    practice_id       BIGINT NOT NULL REFERENCES practice (id),
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
    email_key         TEXT COLLATE "C",
    first_key         TEXT COLLATE "C" NOT NULL,
    last_key          TEXT COLLATE "C" NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX contact_email ON contact (practice_id, email_key) WHERE email_key IS NOT NULL;
CREATE INDEX contact_phone ON contact (practice_id, phone, first_key) WHERE phone IS NOT NULL;
CREATE INDEX contact_name  ON contact (practice_id, first_key, last_key);

CREATE TABLE membership (
    contact_id   BIGINT NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    location_id  BIGINT NOT NULL REFERENCES location (id),
    text_status  TEXT NOT NULL CHECK (text_status IN ('subscribed', 'unsubscribed', 'opted-out')),
    email_status TEXT NOT NULL CHECK (email_status IN ('subscribed', 'unsubscribed', 'opted-out')),
    added_at     TEXT NOT NULL,
    PRIMARY KEY (contact_id, location_id)
);
CREATE INDEX membership_location ON membership (location_id, contact_id);

CREATE TABLE operation (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL,
    practice_id BIGINT NOT NULL REFERENCES practice (id),
    location_id BIGINT REFERENCES location (id),
    file_name   TEXT,
    sha256      TEXT,
    consent     TEXT,
    rows        BIGINT NOT NULL DEFAULT 0,
    created     BIGINT NOT NULL DEFAULT 0,
    updated     BIGINT NOT NULL DEFAULT 0,
    copied      BIGINT NOT NULL DEFAULT 0,
    unchanged   BIGINT NOT NULL DEFAULT 0,
    skipped     BIGINT NOT NULL DEFAULT 0,
    failed      BIGINT NOT NULL DEFAULT 0,
    at          TEXT NOT NULL
);
CREATE INDEX operation_file ON operation (location_id, sha256);

CREATE TABLE status_change (
    id           BIGSERIAL PRIMARY KEY,
    contact_id   BIGINT NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    location_id  BIGINT NOT NULL REFERENCES location (id),
    channel      TEXT NOT NULL CHECK (channel IN ('text', 'email')),
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    reason       TEXT NOT NULL,
    operation_id BIGINT REFERENCES operation (id),
    at           TEXT NOT NULL
);
CREATE INDEX status_change_contact ON status_change (contact_id);

CREATE TABLE outbox (
    id           BIGSERIAL PRIMARY KEY,
    contact_id   BIGINT NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    operation_id BIGINT REFERENCES operation (id),
    to_address   TEXT NOT NULL,
    queued_at    TEXT NOT NULL,
    sent_at      TEXT,
    drop_reason  TEXT
);
CREATE INDEX outbox_contact ON outbox (contact_id);
