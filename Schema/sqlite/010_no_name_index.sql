-- roster schema, version 10: no index of names. A true duplicate (SPEC 4) is found by its
-- email, or by its phone and first name, and both names are then compared on that
-- contact's row; nothing looks contacts up by name alone any more. The index cost every
-- new contact a write in a random place, and many contacts share a name.
DROP INDEX contact_name;
