ALTER TABLE projects VALIDATE CONSTRAINT projects_owner_fk;
