-- name: TenantBySlug :one
SELECT id, slug, plan, seats, trial_ends FROM tenants WHERE slug = $1 AND deleted_at IS NULL;

-- name: TenantsOnPlan :many
SELECT id, slug FROM tenants WHERE plan = 'pro' ORDER BY slug;

-- name: Members :many
SELECT m.user_email, m.role, m.accepted_at IS NOT NULL AS accepted FROM members m WHERE m.tenant_id = $1 ORDER BY m.invited_at;

-- name: Invite :exec
INSERT INTO members (tenant_id, user_email, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING;

-- name: Accept :exec
UPDATE members SET accepted_at = now() WHERE tenant_id = $1 AND user_email = $2 AND accepted_at IS NULL;

-- name: Unpaid :many
SELECT t.slug, i.id, i.amount_cents / 100.0 AS amount, i.currency, current_date - i.issued_on AS days_open
FROM invoices i JOIN tenants t ON t.id = i.tenant_id WHERE i.paid_at IS NULL;

-- name: Revenue :many
SELECT date_trunc('month', issued_on)::date AS month, sum(amount_cents) AS cents, count(*) FILTER (WHERE paid_at IS NULL) AS unpaid
FROM invoices GROUP BY 1 ORDER BY 1;

-- name: InvoiceLines :many
SELECT i.id, l ->> 'sku' AS sku, (l ->> 'qty')::int AS qty FROM invoices i, jsonb_array_elements(i.lines) AS l;

-- name: SeatsUsed :many
SELECT t.slug, t.seats, count(m.user_email) AS used, t.seats - count(m.user_email) AS free_seats
FROM tenants t LEFT JOIN members m ON m.tenant_id = t.id GROUP BY t.id;

-- name: TrialEnding :many
SELECT slug, trial_ends FROM tenants WHERE trial_ends < current_date + 7;

-- name: SoftDelete :exec
UPDATE tenants SET deleted_at = now() WHERE id = $1;

-- name: Setting :one
SELECT settings ->> $2 AS value, settings #> '{limits,api}' AS api_limit FROM tenants WHERE id = $1;

-- name: PayInvoice :one
UPDATE invoices SET paid_at = now() WHERE id = $1 RETURNING id, paid_at, amount_cents;

-- name: PlanCounts :many
SELECT plan::text AS plan, count(*) FROM tenants GROUP BY plan;

-- name: CaseRole :many
SELECT user_email, CASE role WHEN 'owner' THEN 3 WHEN 'admin' THEN 2 ELSE 1 END AS weight FROM members;

-- name: ActiveTenants :many
SELECT id, slug, plan, members FROM active_tenants ORDER BY members DESC;

-- name: MonthlyRevenue :many
SELECT tenant_id, month, cents FROM monthly_revenue WHERE tenant_id = $1;

-- name: Balance :one
SELECT tenant_balance($1) AS balance;

-- name: MembersOf :many
SELECT email, role FROM tenant_members($1);

-- name: Slug :one
SELECT slugify($1) AS slug, slugify($1, sep => '_') AS snake;

-- name: InvoicesInState :many
SELECT id, state, discount FROM invoices WHERE state = $1 OR state = 'void';

-- name: SetState :exec
UPDATE invoices SET state = $2, discount = $3 WHERE id = $1;

-- name: StateLabels :many
SELECT unnest(enum_range(NULL::invoice_state)) AS state;

-- name: ViewJoin :many
SELECT a.slug, i.amount_cents FROM active_tenants a JOIN invoices i ON i.tenant_id = a.id WHERE i.state <> 'draft';

-- name: ReportsOfTenant :many
SELECT r.id, r.period, r.title, r.archived, x.label, x.value
FROM reporting.reports r LEFT JOIN reporting.report_rows x ON x.report_id = r.id WHERE r.tenant_id = $1;

-- name: ReportSizes :many
SELECT id, title, n FROM reporting.report_sizes ORDER BY n DESC;

-- name: ReportInvoices :many
SELECT i.report_id, i.total, i.checked_at, p.memo FROM reporting.invoices i CROSS JOIN invoices p;

-- name: NewReport :one
INSERT INTO reporting.reports (tenant_id, period, title) VALUES ($1, $2, $3) RETURNING id, generated_at;

-- name: Subscribers :many
SELECT email FROM report_subscribers;

-- name: UpsertMember :exec
MERGE INTO members m
USING (SELECT $1::bigint AS tenant_id, $2::text AS email) s ON m.tenant_id = s.tenant_id AND m.user_email = s.email
WHEN MATCHED AND m.accepted_at IS NULL THEN UPDATE SET accepted_at = $3
WHEN NOT MATCHED THEN INSERT (tenant_id, user_email, role) VALUES (s.tenant_id, s.email, $4);

-- name: SeatsFromReports :exec
MERGE INTO tenants t USING reporting.reports r ON r.tenant_id = t.id
WHEN MATCHED AND r.title = $1 THEN UPDATE SET seats = t.seats + $2, trial_ends = $3
WHEN MATCHED THEN DO NOTHING;

-- name: SyncInvoices :exec
MERGE INTO invoices i USING (VALUES ($1::bigint, $2::bigint)) AS v (tenant_id, cents) ON i.tenant_id = v.tenant_id AND i.paid_at IS NULL
WHEN MATCHED AND v.cents = 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET amount_cents = v.cents, memo = $3
WHEN NOT MATCHED THEN INSERT (tenant_id, amount_cents, issued_on) VALUES (v.tenant_id, v.cents, $4);

-- name: MemberByKey :one
SELECT role, accepted_at FROM members WHERE (tenant_id, user_email) = ($1, $2);

-- name: MembersByPairs :many
SELECT user_email FROM members WHERE (tenant_id, role) IN (VALUES ($1, $2), (1, 'owner'));

-- name: MembersByRowList :many
SELECT user_email FROM members WHERE (tenant_id, role) IN ((1, 'owner'), ($1, $2));

-- name: MembersAfter :many
SELECT tenant_id, user_email FROM members WHERE (tenant_id, user_email) > ($1, $2) ORDER BY 1, 2 LIMIT 10;

-- name: MembersOfReportTenants :many
SELECT user_email FROM members WHERE (tenant_id, role) IN (SELECT tenant_id, $1 FROM reporting.reports);

-- name: TenantRows :many
SELECT row(slug, plan) AS r, (seats, trial_ends) IS NULL AS empty FROM tenants;

-- name: TenantRowAgg :many
SELECT array_agg(row(m.user_email, m.role)) AS members FROM members m GROUP BY m.tenant_id;
