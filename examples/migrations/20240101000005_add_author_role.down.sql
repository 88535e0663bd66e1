ALTER TABLE authors DROP COLUMN role;
DROP TYPE author_role;
