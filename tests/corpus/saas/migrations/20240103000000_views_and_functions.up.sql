CREATE DOMAIN positive_cents AS bigint NOT NULL CHECK (VALUE >= 0);
CREATE TYPE invoice_state AS ENUM ('draft', 'open', 'paid');
ALTER TYPE invoice_state ADD VALUE 'void' AFTER 'paid';
ALTER TABLE invoices ADD COLUMN state invoice_state NOT NULL DEFAULT 'open';
ALTER TABLE invoices ADD COLUMN discount positive_cents DEFAULT 0;
CREATE VIEW active_tenants AS
    SELECT t.id, t.slug, t.plan, count(m.user_email) AS members
    FROM tenants t LEFT JOIN members m ON m.tenant_id = t.id
    WHERE t.deleted_at IS NULL GROUP BY t.id;
CREATE MATERIALIZED VIEW monthly_revenue AS
    SELECT tenant_id, date_trunc('month', issued_on) AS month, sum(amount_cents) AS cents FROM invoices GROUP BY 1, 2;
CREATE FUNCTION tenant_balance(p_tenant bigint) RETURNS bigint LANGUAGE sql STABLE
    AS $$ SELECT coalesce(sum(amount_cents), 0)::bigint FROM invoices WHERE tenant_id = p_tenant AND paid_at IS NULL $$;
CREATE FUNCTION tenant_members(p_tenant bigint) RETURNS TABLE (email text, role text) LANGUAGE sql
    AS $$ SELECT user_email, role FROM members WHERE tenant_id = p_tenant $$;
CREATE FUNCTION slugify(input text, sep text DEFAULT '-') RETURNS text LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT lower(regexp_replace(input, '[^a-zA-Z0-9]+', sep, 'g')) $$;
