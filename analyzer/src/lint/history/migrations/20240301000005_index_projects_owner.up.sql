-- strata:no-transaction
CREATE INDEX CONCURRENTLY projects_owner_id ON projects (owner_id);
