-- roster schema, version 7: what an operation made, found from where the tables stood when
-- it began, instead of by two indexes every import paid for. An operation's new contacts
-- all have ids above the highest when it began (ids only grow), and its status changes
-- ids above the highest then and up to its status_mark. `undo` reads those ranges, with
-- the operation's id still checked on each row. The index on contact.created_operation was
-- a twentieth of an import's work on the store's thread (docs/PERFORMANCE.md). NULL (an
-- operation from before this version): the ranges start at 0.
ALTER TABLE operation ADD COLUMN contact_mark INTEGER;
ALTER TABLE operation ADD COLUMN status_start INTEGER;
DROP INDEX contact_created_operation;
DROP INDEX status_change_operation;
