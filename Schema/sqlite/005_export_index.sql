-- roster schema, version 5: a location's memberships read for export without a seek each.
-- `membership_location` carries the two statuses, so exporting a location reads them from
-- the index (SQLite's covering index) instead of looking up each membership row by its
-- key: a seventh of an export's time (docs/PERFORMANCE.md). The index keeps its name.
DROP INDEX membership_location;
CREATE INDEX membership_location ON membership (location_id, contact_id, text_status, email_status);
