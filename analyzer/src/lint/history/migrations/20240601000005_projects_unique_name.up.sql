SET lock_timeout = '2s';
ALTER TABLE projects ADD CONSTRAINT projects_org_name_key UNIQUE USING INDEX projects_org_name;
ALTER TABLE users DROP COLUMN avatar_url;
