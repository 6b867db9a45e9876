-- roster schema, version 2: delivering welcome emails through sendmail (issue 10).
-- attempts and last_error record every hand-off; message_id is the Message-ID header
-- of the last attempt, so a resend after a crash can be recognised by the receiver.
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN message_id TEXT;
ALTER TABLE outbox ADD COLUMN dropped_at TEXT;
