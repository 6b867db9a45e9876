-- roster schema for PostgreSQL, version 7 (as ../sqlite/007): where the tables stood when
-- an operation began, so `undo` can read what it made as ranges of ids. PostgreSQL keeps
-- its two indexes on the operation columns: next to a round trip they cost little, and
-- the queries use either. NULL (an operation from before this version): the ranges start at 0.
ALTER TABLE operation ADD COLUMN contact_mark BIGINT;
ALTER TABLE operation ADD COLUMN status_start BIGINT;
