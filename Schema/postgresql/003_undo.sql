-- roster schema for PostgreSQL, version 3 (as ../sqlite/003): what each import and merge changed, so `roster undo` can
-- revert it (issue 8). Created contacts and added memberships carry the operation that
-- made them; a merge's updates keep the values they replaced.
ALTER TABLE contact ADD COLUMN created_operation BIGINT REFERENCES operation (id);
ALTER TABLE membership ADD COLUMN added_operation BIGINT REFERENCES operation (id);
CREATE INDEX contact_created_operation ON contact (created_operation) WHERE created_operation IS NOT NULL;
CREATE INDEX membership_added_operation ON membership (added_operation) WHERE added_operation IS NOT NULL;
CREATE INDEX status_change_operation ON status_change (operation_id) WHERE operation_id IS NOT NULL;

CREATE TABLE contact_revision (
    id           BIGSERIAL PRIMARY KEY,
    operation_id BIGINT NOT NULL REFERENCES operation (id),
    contact_id   BIGINT NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    before       TEXT NOT NULL             -- the replaced values, JSON by snake_case field name
);
CREATE INDEX contact_revision_operation ON contact_revision (operation_id);
CREATE INDEX contact_revision_contact ON contact_revision (contact_id);

-- The highest status_change id when the operation finished: later ones are later changes.
ALTER TABLE operation ADD COLUMN status_mark BIGINT;
ALTER TABLE operation ADD COLUMN undone_by BIGINT REFERENCES operation (id);
