-- A schema of its own, filled with unqualified names under a search path set for this file.
CREATE SCHEMA reporting;
SET search_path TO reporting, public;
CREATE TYPE period AS ENUM ('day', 'week', 'month');
CREATE TABLE reports (
    id bigserial PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    period period NOT NULL,
    title text,
    generated_at timestamptz
);
CREATE TABLE report_rows (
    report_id bigint NOT NULL REFERENCES reports (id),
    label text NOT NULL,
    value numeric
);
ALTER TABLE reports ADD COLUMN archived boolean NOT NULL DEFAULT false;
CREATE VIEW report_sizes AS
    SELECT r.id, r.title, count(x.label) AS n FROM reports r LEFT JOIN report_rows x ON x.report_id = r.id GROUP BY r.id;
SELECT set_config('search_path', 'reporting, public', false);
-- Shadows public.invoices for the rest of this file only.
CREATE TABLE invoices (report_id bigint NOT NULL REFERENCES reports, total numeric);
ALTER TABLE invoices ADD COLUMN checked_at timestamptz;
RESET search_path;
CREATE TABLE report_subscribers (email text PRIMARY KEY);
