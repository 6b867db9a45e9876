-- roster schema, version 14: identity keys read a name or an email the same however its
-- letters were encoded: a typographic apostrophe (’ ‘ ʼ) as ', and in Unicode's composed
-- form (é, not e followed by a combining accent, as macOS may save it). SQL has no Unicode
-- normalisation, so roster works the stored keys out again itself right after this file, in
-- the same transaction (`Migrator.codeSteps`, `IdentityKeys`). The version also makes an
-- older roster, which would work keys out the old way, refuse the database.
SELECT 1;
