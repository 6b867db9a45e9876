-- roster schema for PostgreSQL, version 6 (as ../sqlite/006): a new contact's first
-- statuses kept once, in its membership.
-- An import used to write two status_change rows for each contact it created (its first
-- text and email statuses): a fifth of an import's work (docs/PERFORMANCE.md). An import
-- that sets created_reason writes none: a contact it created has, in the membership it
-- made, the statuses it started with, or, when a status changed since, the change's
-- from_status; created_reason is the reason those first statuses are shown with. When
-- that membership is removed (copy --move), the two rows are written then, so the
-- history keeps them. Operations from before this version have NULL, and their rows.
ALTER TABLE operation ADD COLUMN created_reason TEXT;
