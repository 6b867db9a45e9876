-- roster schema, version 8: a merge's revision (contact_revision.before) holds the fields
-- it changed and their values before, `null` for one that was empty, marked by the key
-- "*": {"*":"changed","phase":"Lead","notes":null}. Revisions written before hold every
-- value (an empty one left out) and are read as they were. Nothing in the tables changes;
-- the version is here so that an older roster, which would read the new revisions as
-- every value and blank the rest on undo, refuses the database instead.
UPDATE meta SET value = value WHERE key = 'contact_id_key';
