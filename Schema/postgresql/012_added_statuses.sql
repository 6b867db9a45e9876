-- roster schema, version 12: the first statuses of every membership an import or merge
-- adds, kept once, in the membership (Schema/sqlite/012_added_statuses.sql says how).
ALTER TABLE operation ADD COLUMN added_reason TEXT;
