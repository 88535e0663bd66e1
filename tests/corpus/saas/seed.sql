INSERT INTO tenants (slug, plan, seats, trial_ends) VALUES ('acme', 'pro', 10, NULL), ('tiny', 'free', 1, '2024-03-01');
INSERT INTO members VALUES (1, 'a@acme.io', 'owner', now(), now()), (1, 'b@acme.io', 'member', now(), NULL);
INSERT INTO invoices (tenant_id, amount_cents, issued_on, paid_at, lines) VALUES
  (1, 9900, '2024-01-01', '2024-01-03', '[{"sku": "pro", "qty": 10}]'), (1, 9900, '2024-02-01', NULL, '[]');
INSERT INTO reporting.reports (tenant_id, period, title) VALUES (1, 'month', NULL), (2, 'day', 'daily');
INSERT INTO reporting.report_rows VALUES (1, 'mrr', NULL), (1, 'churn', 0.1);
INSERT INTO reporting.invoices VALUES (1, NULL, NULL);
