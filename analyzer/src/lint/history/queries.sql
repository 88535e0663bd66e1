-- The application's queries (what strata::query! would hold).
SELECT id, email, name, active FROM users WHERE org_id = $1 ORDER BY created_at;
SELECT t.id, t.title, t.state, t.priority FROM tasks t JOIN projects p ON p.id = t.project_id WHERE p.org_id = $1;
INSERT INTO comments (task_id, author_id, body) VALUES ($1, $2, $3) RETURNING id;
UPDATE users SET last_seen_at = now() WHERE id = $1;
SELECT number, amount_cents, currency, notes FROM invoices WHERE org_id = $1 AND paid_at IS NULL;
