-- strata:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY projects_org_name ON projects (org_id, name);
