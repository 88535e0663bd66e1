INSERT INTO tenants (slug, plan, seats, trial_ends) VALUES ('acme', 'pro', 10, NULL), ('tiny', 'free', 1, '2024-03-01');
INSERT INTO members VALUES (1, 'a@acme.io', 'owner', now(), now()), (1, 'b@acme.io', 'member', now(), NULL);
INSERT INTO invoices (tenant_id, amount_cents, issued_on, paid_at, lines) VALUES
  (1, 9900, '2024-01-01', '2024-01-03', '[{"sku": "pro", "qty": 10}]'), (1, 9900, '2024-02-01', NULL, '[]');
INSERT INTO reporting.reports (tenant_id, period, title) VALUES (1, 'month', NULL), (2, 'day', 'daily');
INSERT INTO reporting.report_rows VALUES (1, 'mrr', NULL), (1, 'churn', 0.1);
INSERT INTO reporting.invoices VALUES (1, NULL, NULL);
INSERT INTO tenants (slug, plan, seats, trial_ends, settings, deleted_at) VALUES
  ('gone', 'enterprise', 50, NULL, '{"limits": {"api": 1000}, "theme": "dark"}', '2024-01-10');
INSERT INTO invoices (tenant_id, amount_cents, issued_on, paid_at, state, discount, memo) VALUES
  (2, 0, '2024-02-15', NULL, 'draft', 0, NULL), (3, 120000, '2024-01-20', '2024-01-21', 'paid', 500, 'annual');
REFRESH MATERIALIZED VIEW monthly_revenue;
INSERT INTO projects (tenant_id, name, description, budget_cents, tags, metadata, archived_at) VALUES
  (1, 'website', 'marketing site', 500000, '{web,marketing}', '{"color": "blue", "owner": {"email": "a@acme.io"}}', NULL),
  (1, 'api', NULL, NULL, '{}', NULL, NULL),
  (2, 'old', 'archived one', 100, '{legacy}', '{"color": null}', '2024-01-01'),
  (1, 'empty', NULL, NULL, '{}', '{}', NULL);
INSERT INTO tasks (project_id, title, status, assignee, priority, due_on, estimate, position, completed_at) VALUES
  (1, 'design', 'done', 'a@acme.io', 1, '2024-01-10', '2 days', 1, '2024-01-09 12:00+00'),
  (1, 'build', 'doing', 'b@acme.io', 2, '2024-02-01', NULL, 2, NULL),
  (1, 'launch', 'todo', NULL, 3, NULL, '1 hour', 3, NULL),
  (2, 'auth', 'todo', NULL, 5, '2023-12-01', NULL, 1, NULL),
  (3, 'cleanup', 'done', 'x@tiny.io', 3, NULL, NULL, 1, NULL);
INSERT INTO api_keys (tenant_id, label, prefix, secret_hash, scopes, last_used_at, expires_at, revoked) VALUES
  (1, 'ci', 'ak_12345', '\xdead', '{read,write}', '2024-01-05', NULL, false),
  (1, NULL, 'ak_67890', '\xbeef', '{}', NULL, '2024-01-01', true),
  (2, 'cli', 'ak_abcde', '\x00', '{read}', NULL, '2030-01-01', false);
INSERT INTO audit_log (tenant_id, actor, action, target_id, payload, at) VALUES
  (1, 'a@acme.io', 'project.create', 1, '{"name": "website"}', '2024-01-02 10:00+00'),
  (1, NULL, 'task.complete', 1, NULL, '2024-01-09 12:00+00'),
  (NULL, 'system', 'maintenance', NULL, '{"minutes": 5}', '2024-01-15 00:00+00'),
  (2, 'x@tiny.io', 'project.archive', 3, '{"reason": null}', '2024-01-01 09:00+00');
REFRESH MATERIALIZED VIEW tenant_activity;
INSERT INTO reporting.reports (tenant_id, period, title, generated_at, archived) VALUES (1, 'week', 'weekly', '2024-01-07', true);
INSERT INTO api_keys (tenant_id, label, prefix, secret_hash, scopes, last_used_at, expires_at) VALUES
  (1, 'forever', 'ak_inf00', '\x01', '{admin}', '-infinity', 'infinity');
