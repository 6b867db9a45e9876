-- roster schema for PostgreSQL, version 5 (as ../sqlite/005): the index of a location's
-- memberships carries the two statuses, so an export can read them from the index.
DROP INDEX membership_location;
CREATE INDEX membership_location ON membership (location_id, contact_id) INCLUDE (text_status, email_status);
