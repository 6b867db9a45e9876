-- roster schema, version 9: a copy or move records the location it took contacts from,
-- so `roster history --location A` lists a move out of A as well as the copies into it.
-- Operations written before leave it null (their source was not kept).
ALTER TABLE operation ADD COLUMN from_location_id INTEGER REFERENCES location (id);
