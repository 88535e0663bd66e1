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

-- name: CreateProject :one
INSERT INTO projects (tenant_id, name, description, budget_cents, tags)
VALUES ($1, $2, $3, $4, $5) RETURNING id, tenant_id, name, description, budget_cents, tags, metadata, created_at, archived_at;

-- name: UpsertProject :one
INSERT INTO projects (tenant_id, name, description) VALUES ($1, $2, $3)
ON CONFLICT (tenant_id, name) DO UPDATE SET description = EXCLUDED.description, archived_at = NULL
RETURNING id, (xmax = 0) AS inserted;

-- name: UpsertProjectKeepDescription :one
INSERT INTO projects AS p (tenant_id, name, description) VALUES ($1, $2, $3)
ON CONFLICT ON CONSTRAINT projects_tenant_id_name_key
DO UPDATE SET description = coalesce(EXCLUDED.description, p.description) WHERE p.archived_at IS NULL
RETURNING p.*;

-- name: ProjectsPage :many
SELECT id, name, created_at FROM projects WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3;

-- name: ProjectsAfter :many
SELECT id, name, created_at FROM projects
WHERE tenant_id = $1 AND (created_at, id) < ($2, $3)
ORDER BY created_at DESC, id DESC LIMIT 20;

-- name: ProjectsFiltered :many
SELECT id, name, description, archived_at FROM projects
WHERE ($1::bigint IS NULL OR tenant_id = $1)
  AND ($2::text IS NULL OR name ILIKE '%' || $2 || '%')
  AND ($3::boolean IS NULL OR (archived_at IS NOT NULL) = $3)
ORDER BY name;

-- name: ProjectsByIds :many
SELECT id, name FROM projects WHERE id = ANY($1::bigint[]);

-- name: ProjectsWithTag :many
SELECT id, name, tags FROM projects WHERE tags @> ARRAY[$1::text] OR $1 IS NULL;

-- name: ProjectsOverlappingTags :many
SELECT id, name FROM projects WHERE tags && $1::text[];

-- name: ArchiveProject :one
UPDATE projects SET archived_at = now() WHERE id = $1 AND archived_at IS NULL RETURNING id, archived_at;

-- name: RenameProject :exec
UPDATE projects SET name = $2, description = COALESCE($3, description) WHERE id = $1;

-- name: DeleteProject :one
DELETE FROM projects WHERE id = $1 RETURNING id, name, archived_at;

-- name: ProjectMetadata :many
SELECT id, metadata -> 'owner' AS owner, metadata ->> 'color' AS color, metadata #>> '{owner,email}' AS owner_email,
       jsonb_typeof(metadata) AS kind, metadata IS NULL AS no_metadata
FROM projects;

-- name: SetProjectColor :exec
UPDATE projects SET metadata = jsonb_set(coalesce(metadata, '{}'), '{color}', to_jsonb($2::text)) WHERE id = $1;

-- name: MergeProjectMetadata :one
UPDATE projects SET metadata = coalesce(metadata, '{}'::jsonb) || $2::jsonb WHERE id = $1 RETURNING metadata;

-- name: ProjectsWithMetadataKey :many
SELECT id, name FROM projects WHERE metadata ? $1 OR metadata @> $2::jsonb;

-- name: RemoveMetadataKey :exec
UPDATE projects SET metadata = metadata - $2::text WHERE id = $1;

-- name: CreateTask :one
INSERT INTO tasks (project_id, title, assignee, priority, due_on, estimate)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, status, priority, position, created_at;

-- name: BulkCreateTasks :many
INSERT INTO tasks (project_id, title, position)
SELECT $1, t.title, t.ord::int FROM unnest($2::text[]) WITH ORDINALITY AS t(title, ord)
RETURNING id, title, position;

-- name: BulkCreateTasksZip :many
INSERT INTO tasks (project_id, title, assignee)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])
RETURNING id;

-- name: TasksOfProject :many
SELECT id, title, status, assignee, priority, due_on, estimate, position, completed_at
FROM tasks WHERE project_id = $1 ORDER BY position, id;

-- name: TasksByStatus :many
SELECT id, title FROM tasks WHERE status = ANY($1::task_status[]) ORDER BY id;

-- name: CompleteTask :one
UPDATE tasks SET status = 'done', completed_at = now() WHERE id = $1 RETURNING id, status, completed_at;

-- name: ReopenTask :exec
UPDATE tasks SET status = 'todo', completed_at = NULL WHERE id = $1 AND status = 'done';

-- name: AssignTask :one
UPDATE tasks SET assignee = $2 WHERE id = $1 RETURNING id, assignee;

-- name: MoveTasks :exec
UPDATE tasks t SET position = v.pos
FROM unnest($1::bigint[], $2::int[]) AS v(id, pos) WHERE t.id = v.id;

-- name: TaskCountsByStatus :many
SELECT status, count(*) AS n FROM tasks GROUP BY status ORDER BY status;

-- name: TaskCountsPerProject :many
SELECT p.name, count(t.id) AS total,
       count(*) FILTER (WHERE t.status = 'done') AS done,
       count(*) FILTER (WHERE t.status <> 'done') AS open
FROM projects p LEFT JOIN tasks t ON t.project_id = p.id GROUP BY p.id, p.name ORDER BY p.name;

-- name: StatusRollup :many
SELECT p.tenant_id, t.status, count(*) AS n
FROM tasks t JOIN projects p ON p.id = t.project_id
GROUP BY ROLLUP (p.tenant_id, t.status) ORDER BY 1, 2;

-- name: StatusGroupingSets :many
SELECT p.tenant_id, t.assignee, t.status, count(*) AS n, GROUPING(p.tenant_id, t.assignee) AS level
FROM tasks t JOIN projects p ON p.id = t.project_id
GROUP BY GROUPING SETS ((p.tenant_id), (t.assignee), (t.status), ());

-- name: StatusCube :many
SELECT t.status, t.priority, count(*) FROM tasks t GROUP BY CUBE (t.status, t.priority);

-- name: AssigneeLoad :many
SELECT assignee, count(*) AS tasks, sum(estimate) AS estimated, min(due_on) AS next_due
FROM tasks WHERE status <> 'done' GROUP BY assignee HAVING count(*) > 0 ORDER BY tasks DESC;

-- name: AssigneesWithDueDates :many
SELECT assignee, max(due_on) AS last_due FROM tasks GROUP BY assignee HAVING max(due_on) IS NOT NULL;

-- name: AssigneesNotNull :many
SELECT assignee, count(*) FROM tasks GROUP BY assignee HAVING assignee IS NOT NULL;

-- name: TaskRankInProject :many
SELECT id, project_id, title,
       row_number() OVER w AS n,
       rank() OVER (PARTITION BY project_id ORDER BY priority) AS priority_rank,
       dense_rank() OVER (ORDER BY status) AS status_rank,
       lag(title) OVER w AS previous,
       lead(title, 1, '(last)') OVER w AS next,
       first_value(title) OVER w AS first,
       count(*) OVER (PARTITION BY project_id) AS siblings
FROM tasks WINDOW w AS (PARTITION BY project_id ORDER BY position, id);

-- name: RunningEstimate :many
SELECT id, estimate, sum(estimate) OVER (PARTITION BY project_id ORDER BY position ROWS UNBOUNDED PRECEDING) AS running,
       percent_rank() OVER (ORDER BY priority) AS pr, cume_dist() OVER (ORDER BY priority) AS cd,
       nth_value(title, 2) OVER (PARTITION BY project_id ORDER BY position) AS second
FROM tasks;

-- name: LatestTaskPerProject :many
SELECT DISTINCT ON (project_id) project_id, id, title, created_at FROM tasks ORDER BY project_id, created_at DESC, id DESC;

-- name: ProjectWithTasksJson :many
SELECT p.id, p.name,
       coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'title', t.title, 'status', t.status) ORDER BY t.position)
                FILTER (WHERE t.id IS NOT NULL), '[]') AS tasks
FROM projects p LEFT JOIN tasks t ON t.project_id = p.id GROUP BY p.id;

-- name: ProjectTaskTitles :many
SELECT p.name, string_agg(t.title, ', ' ORDER BY t.position) AS titles,
       array_agg(t.id ORDER BY t.id) FILTER (WHERE t.status = 'done') AS done_ids,
       array_agg(DISTINCT t.assignee) AS assignees
FROM projects p LEFT JOIN tasks t ON t.project_id = p.id GROUP BY p.name;

-- name: ProjectsLateral :many
SELECT p.id, p.name, last.title AS last_task, last.created_at AS last_at
FROM projects p LEFT JOIN LATERAL (
    SELECT title, created_at FROM tasks WHERE project_id = p.id ORDER BY created_at DESC LIMIT 1
) last ON true;

-- name: ProjectsInnerLateral :many
SELECT p.id, top.title, top.priority FROM projects p
CROSS JOIN LATERAL (SELECT title, priority FROM tasks WHERE project_id = p.id ORDER BY priority LIMIT 2) top;

-- name: ProjectsWithOpenTasks :many
SELECT id, name FROM projects p WHERE EXISTS (SELECT 1 FROM tasks t WHERE t.project_id = p.id AND t.status <> 'done');

-- name: ProjectsWithoutTasks :many
SELECT id, name FROM projects p WHERE NOT EXISTS (SELECT FROM tasks t WHERE t.project_id = p.id);

-- name: ProjectsOfPaidTenants :many
SELECT id, name FROM projects WHERE tenant_id IN (SELECT tenant_id FROM invoices WHERE paid_at IS NOT NULL);

-- name: ProjectOpenCount :many
SELECT p.id, (SELECT count(*) FROM tasks t WHERE t.project_id = p.id AND t.status <> 'done') AS open,
       (SELECT max(due_on) FROM tasks t WHERE t.project_id = p.id) AS last_due,
       (SELECT title FROM tasks t WHERE t.project_id = p.id ORDER BY priority LIMIT 1) AS top_task
FROM projects p;

-- name: OverdueReport :many
SELECT id, title, due_on, current_date - due_on AS days_late, age(now(), due_on::timestamptz) AS late_by,
       extract(dow FROM due_on) AS weekday, date_part('week', due_on) AS week
FROM tasks WHERE due_on < current_date AND status <> 'done';

-- name: DueThisWeek :many
SELECT id, title, due_on FROM tasks
WHERE due_on BETWEEN date_trunc('week', now())::date AND (date_trunc('week', now()) + interval '6 days')::date;

-- name: TasksPerWeek :many
SELECT w::date AS week, count(t.id) AS created
FROM generate_series(date_trunc('week', $1::timestamptz), $2::timestamptz, interval '1 week') AS w
LEFT JOIN tasks t ON date_trunc('week', t.created_at) = w
GROUP BY w ORDER BY w;

-- name: EstimateHours :many
SELECT id, extract(epoch FROM estimate) / 3600 AS hours, estimate * 2 AS doubled, estimate + interval '30 minutes' AS padded,
       justify_interval(estimate * 20) AS j
FROM tasks;

-- name: TaskLabels :many
SELECT id, concat_ws(' | ', title, assignee, status::text) AS label, format('%s (%s)', title, coalesce(assignee, 'unassigned')) AS f,
       upper(left(title, 1)) || substr(title, 2) AS capitalized, initcap(title) AS initcap, length(title) AS len,
       position('a' IN title) AS pos, replace(title, 'a', 'A') AS replaced, reverse(title) AS rev, repeat('*', priority) AS stars
FROM tasks;

-- name: AssigneeDomains :many
SELECT split_part(assignee, '@', 2) AS domain, count(*) FROM tasks WHERE assignee IS NOT NULL GROUP BY 1;

-- name: AssigneeLocalParts :many
SELECT id, regexp_replace(assignee, '@.*$', '') AS local, substring(assignee FROM '@(.*)$') AS host,
       lower(trim(assignee)) AS normalized, btrim(title, 'x') AS trimmed, lpad(id::text, 6, '0') AS padded
FROM tasks;

-- name: PriorityBands :many
SELECT id, CASE WHEN priority <= 2 THEN 'high' WHEN priority = 3 THEN 'normal' ELSE 'low' END AS band,
       CASE status WHEN 'done' THEN 0 WHEN 'doing' THEN 1 END AS sort_key,
       NULLIF(assignee, '') AS assignee, GREATEST(priority, 2) AS at_least_two, LEAST(due_on, current_date) AS capped
FROM tasks;

-- name: TaskCasts :many
SELECT id::text AS id_text, priority::int AS prio, status::text AS status_text, due_on::timestamp AS due_ts,
       CAST(position AS numeric(10, 2)) AS pos, estimate::text AS est, assignee::text AS email
FROM tasks;

-- name: StatusesFromText :many
SELECT id FROM tasks WHERE status = $1::text::task_status;

-- name: EnumOrder :many
SELECT status, status > 'todo' AS started, enum_first(NULL::task_status) AS first, enum_last(status) AS last FROM tasks;

-- name: DomainParam :many
SELECT id FROM tasks WHERE assignee = $1 AND priority = $2;

-- name: OpenTasksView :many
SELECT id, title, status, assignee, due_on, project, tenant_id FROM open_tasks WHERE tenant_id = $1 ORDER BY due_on NULLS LAST;

-- name: ProjectStatsView :many
SELECT id, name, tasks, done, last_completed, done::float / nullif(tasks, 0) AS ratio FROM project_stats;

-- name: TenantActivity :many
SELECT tenant_id, day, events FROM tenant_activity WHERE day >= $1 ORDER BY day;

-- name: RefreshActivity :exec
REFRESH MATERIALIZED VIEW tenant_activity;

-- name: Progress :many
SELECT id, name, project_progress(id) AS progress FROM projects;

-- name: Overdue :many
SELECT id, title, due_on, status FROM overdue_tasks($1);

-- name: OverdueAsRow :many
SELECT o.id, o.project_id FROM overdue_tasks(1) o WHERE o.priority < 3;

-- name: Summary :one
SELECT projects, open_tasks, last_activity FROM tenant_summary($1);

-- name: SummaryStar :one
SELECT * FROM tenant_summary(1);

-- name: LogAction :one
SELECT log_action($1, $2, 'login') AS id;

-- name: CreateApiKey :one
INSERT INTO api_keys (tenant_id, label, prefix, secret_hash, scopes, expires_at)
VALUES ($1, $2, $3, sha256($4::bytea), $5, now() + $6::interval) RETURNING id, prefix, expires_at;

-- name: ApiKeyByPrefix :one
SELECT k.id, k.tenant_id, t.slug, k.scopes, k.expires_at FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
WHERE k.prefix = $1 AND NOT k.revoked AND (k.expires_at IS NULL OR k.expires_at > now());

-- name: TouchApiKey :exec
UPDATE api_keys SET last_used_at = now() WHERE id = $1;

-- name: RevokeKeys :many
UPDATE api_keys SET revoked = true WHERE tenant_id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2)) RETURNING id, label;

-- name: KeysWithScope :many
SELECT id, label, array_length(scopes, 1) AS n_scopes, array_to_string(scopes, ',') AS scope_list,
       'write' = ANY(scopes) AS can_write, array_position(scopes, 'read') AS read_at
FROM api_keys;

-- name: KeyScopes :many
SELECT k.id, s.scope FROM api_keys k CROSS JOIN LATERAL unnest(k.scopes) AS s(scope);

-- name: StaleKeys :many
SELECT id, label, coalesce(last_used_at, '-infinity') AS last_used, now() - last_used_at AS idle FROM api_keys
WHERE last_used_at IS NULL OR last_used_at < now() - interval '90 days';

-- name: AuditPage :many
SELECT id, actor, action, payload, at FROM audit_log
WHERE ($1::bigint IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR action LIKE $2 || '%')
ORDER BY at DESC, id DESC LIMIT coalesce($3, 50);

-- name: AuditAfterCursor :many
SELECT id, action, at FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2;

-- name: AuditWithTenant :many
SELECT a.id, a.action, t.slug, t.plan FROM audit_log a LEFT JOIN tenants t ON t.id = a.tenant_id ORDER BY a.id;

-- name: AuditPayloadKeys :many
SELECT a.id, k.key, k.value FROM audit_log a, jsonb_each_text(a.payload) AS k;

-- name: AuditPayloadFields :many
SELECT id, payload ->> 'name' AS name, (payload ->> 'minutes')::int AS minutes, payload -> 'reason' AS reason,
       jsonb_strip_nulls(payload) AS stripped, jsonb_pretty(payload) AS pretty
FROM audit_log;

-- name: RecordAudit :one
INSERT INTO audit_log (tenant_id, actor, action, target_id, payload)
VALUES ($1, $2, $3, $4, jsonb_build_object('ip', $5::text, 'agent', $6::text)) RETURNING id, at;

-- name: RecordAuditDefaultId :one
INSERT INTO audit_log (id, action) OVERRIDING SYSTEM VALUE VALUES (DEFAULT, 'noop') RETURNING id;

-- name: PurgeAudit :execrows
DELETE FROM audit_log WHERE at < now() - make_interval(days => $1);

-- name: PurgeAuditOfDeletedTenants :exec
DELETE FROM audit_log a USING tenants t WHERE t.id = a.tenant_id AND t.deleted_at IS NOT NULL;

-- name: ArchiveTenantProjects :many
WITH archived AS (
    UPDATE projects SET archived_at = now() WHERE tenant_id = $1 AND archived_at IS NULL RETURNING id, name
), logged AS (
    INSERT INTO audit_log (tenant_id, action, target_id) SELECT $1, 'project.archive', id FROM archived RETURNING id
)
SELECT a.id, a.name, (SELECT count(*) FROM logged) AS logged FROM archived a;

-- name: MoveDoneTasksToAudit :many
WITH done AS (DELETE FROM tasks WHERE status = 'done' AND completed_at < $1 RETURNING id, project_id, title)
INSERT INTO audit_log (action, target_id, payload)
SELECT 'task.purge', id, jsonb_build_object('project', project_id, 'title', title) FROM done
RETURNING id, target_id;

-- name: CopyProject :one
WITH src AS (SELECT * FROM projects WHERE id = $1),
     copy AS (INSERT INTO projects (tenant_id, name, description, tags)
              SELECT tenant_id, name || ' (copy)', description, tags FROM src RETURNING id)
INSERT INTO tasks (project_id, title, priority, position)
SELECT copy.id, t.title, t.priority, t.position FROM copy, tasks t WHERE t.project_id = $1
RETURNING project_id;

-- name: MergeTaskImport :exec
MERGE INTO tasks t
USING (SELECT * FROM unnest($1::bigint[], $2::text[], $3::task_status[]) AS x(id, title, status)) s ON t.id = s.id
WHEN MATCHED AND s.status = 'done' THEN UPDATE SET status = s.status, completed_at = now()
WHEN MATCHED THEN UPDATE SET title = s.title, status = s.status
WHEN NOT MATCHED THEN INSERT (project_id, title, status) VALUES (1, s.title, s.status);

-- name: TenantOverview :many
SELECT t.slug, t.plan, count(DISTINCT p.id) AS projects, count(DISTINCT m.user_email) AS members,
       coalesce(sum(DISTINCT i.amount_cents), 0) AS billed, bool_or(i.paid_at IS NULL) AS has_unpaid
FROM tenants t
LEFT JOIN projects p ON p.tenant_id = t.id
LEFT JOIN members m ON m.tenant_id = t.id
LEFT JOIN invoices i ON i.tenant_id = t.id
WHERE t.deleted_at IS NULL
GROUP BY t.id ORDER BY t.slug;

-- name: TenantSettingsJson :many
SELECT slug, settings -> 'limits' ->> 'api' AS api_limit, (settings #>> '{limits,api}')::int AS api_limit_int,
       settings ?| ARRAY['theme', 'locale'] AS customized, settings ?& ARRAY['theme'] AS themed,
       jsonb_object_keys(settings) AS key
FROM tenants;

-- name: TenantsAsJson :many
SELECT row_to_json(t) AS doc, to_json(t.slug) AS slug_json, json_build_object('id', t.id) AS obj,
       jsonb_build_array(t.id, t.slug, t.plan) AS arr
FROM tenants t;

-- name: TenantsAggregatedJson :one
SELECT json_agg(slug ORDER BY slug) AS slugs, jsonb_object_agg(slug, seats) AS seats_by_slug FROM tenants;

-- name: InvoiceLineTotals :many
SELECT i.id, sum((l.value ->> 'qty')::int) AS qty, jsonb_agg(l.value ->> 'sku') AS skus
FROM invoices i CROSS JOIN LATERAL jsonb_array_elements(i.lines) AS l GROUP BY i.id;

-- name: InvoiceLinesRecordset :many
SELECT i.id, x.sku, x.qty FROM invoices i, jsonb_to_recordset(i.lines) AS x(sku text, qty int);

-- name: InvoicesByMonthAndState :many
SELECT to_char(issued_on, 'YYYY-MM') AS month, state, sum(amount_cents - discount) AS net, avg(amount_cents)::bigint AS mean
FROM invoices GROUP BY 1, 2 ORDER BY 1, 2;

-- name: InvoiceRunningTotals :many
SELECT id, tenant_id, amount_cents,
       sum(amount_cents) OVER (PARTITION BY tenant_id ORDER BY issued_on) AS running,
       amount_cents - lag(amount_cents) OVER (PARTITION BY tenant_id ORDER BY issued_on) AS delta,
       avg(amount_cents) OVER () AS overall_mean
FROM invoices ORDER BY tenant_id, issued_on;

-- name: VoidStaleDrafts :many
UPDATE invoices i SET state = 'void' FROM tenants t
WHERE t.id = i.tenant_id AND i.state = 'draft' AND (t.deleted_at IS NOT NULL OR i.issued_on < $1)
RETURNING i.id, t.slug, i.state;

-- name: InvoiceStateCounts :many
SELECT s.state, count(i.id) AS n FROM unnest(enum_range(NULL::invoice_state)) AS s(state)
LEFT JOIN invoices i ON i.state = s.state GROUP BY s.state ORDER BY s.state;

-- name: TenantsNotInvoiced :many
SELECT slug FROM tenants EXCEPT SELECT t.slug FROM tenants t JOIN invoices i ON i.tenant_id = t.id;

-- name: EmailsEverywhere :many
SELECT user_email AS email FROM members UNION SELECT assignee FROM tasks UNION SELECT actor FROM audit_log ORDER BY 1;

-- name: SystemColumns :many
SELECT ctid, xmin, tableoid::regclass AS tbl, id FROM projects WHERE id = $1;

-- name: TenantColumns :many
SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position;

-- name: EnumLabelsFromCatalog :many
SELECT e.enumlabel, e.enumsortorder FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
WHERE t.typname = $1 ORDER BY e.enumsortorder;

-- name: TableSizes :many
SELECT c.relname, c.reltuples, pg_total_relation_size(c.oid) AS bytes, pg_size_pretty(pg_total_relation_size(c.oid)) AS pretty
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r';

-- name: LockTenant :one
SELECT id, seats FROM tenants WHERE id = $1 FOR UPDATE;

-- name: NextTaskToWork :one
SELECT id, title FROM tasks WHERE status = 'todo' ORDER BY priority, id LIMIT 1 FOR UPDATE SKIP LOCKED;

-- name: AdvisoryLock :one
SELECT pg_try_advisory_xact_lock($1) AS locked;

-- name: CountTasks :one
SELECT count(*) AS n, count(assignee) AS assigned, count(DISTINCT project_id) AS projects FROM tasks WHERE project_id = $1;

-- name: TaskExists :one
SELECT EXISTS (SELECT 1 FROM tasks WHERE project_id = $1 AND title = $2) AS found;

-- name: MembersAndAssignees :many
SELECT m.user_email, m.role, t.id AS task_id, t.title
FROM members m FULL JOIN tasks t ON t.assignee = m.user_email ORDER BY 1, 3;

-- name: TenantRowsWhole :many
SELECT t, to_jsonb(t) AS doc, (t).slug AS slug FROM tenants t;

-- name: ProjectsWithTenantRow :many
SELECT p.id, t AS tenant FROM projects p LEFT JOIN tenants t ON t.id = p.tenant_id AND t.deleted_at IS NULL;

-- name: PopulateProject :one
SELECT (jsonb_populate_record(NULL::projects, $1)).name AS name, jsonb_populate_record(NULL::tasks, '{"title": "x"}') AS task;

-- name: TaskRecordsAsJson :many
SELECT json_agg(t ORDER BY t.id) AS tasks FROM tasks t WHERE t.project_id = $1;

-- name: OverdueRows :many
SELECT o FROM overdue_tasks($1) o;

-- name: TruncateAudit :exec
TRUNCATE audit_log;

-- name: RefreshRevenue :exec
REFRESH MATERIALIZED VIEW monthly_revenue;

-- name: NaturalJoinMembersTenants :many
SELECT * FROM members NATURAL JOIN (SELECT id AS tenant_id, slug FROM tenants) t;

-- name: FullJoinUsing :many
SELECT tenant_id, m.user_email, i.id AS invoice FROM members m FULL JOIN invoices i USING (tenant_id);

-- name: FetchFirst :many
SELECT id, slug FROM tenants ORDER BY id OFFSET $1 ROWS FETCH FIRST $2 ROWS ONLY;

-- name: LimitAll :many
SELECT id FROM tenants ORDER BY id LIMIT ALL OFFSET 1;

-- name: LimitCast :many
SELECT id FROM projects ORDER BY id LIMIT $1::int;

-- name: MaterializedCte :many
WITH p AS MATERIALIZED (SELECT id, tenant_id FROM projects), q AS NOT MATERIALIZED (SELECT * FROM p WHERE tenant_id = 1)
SELECT p.id, q.tenant_id FROM p LEFT JOIN q ON q.id = p.id;

-- name: CteUsedTwice :many
WITH counts AS (SELECT project_id, count(*) AS n FROM tasks GROUP BY project_id)
SELECT a.project_id, a.n, (SELECT max(n) FROM counts) AS most FROM counts a WHERE a.n = (SELECT max(n) FROM counts);

-- name: ForShareOf :many
SELECT t.id, p.name FROM tasks t JOIN projects p ON p.id = t.project_id FOR SHARE OF t;

-- name: InsertDefaultValues :one
INSERT INTO audit_log (action) VALUES ('ping') RETURNING *;

-- name: InsertExplicitDefault :one
INSERT INTO tasks (id, project_id, title, status, priority) VALUES (DEFAULT, $1, $2, DEFAULT, DEFAULT) RETURNING id, status, priority;

-- name: UpdateMultiAssignSubquery :exec
UPDATE projects p SET (budget_cents, description) = (SELECT sum(amount_cents), max(memo) FROM invoices i WHERE i.tenant_id = p.tenant_id) WHERE p.id = $1;

-- name: UpdateMultiAssignRow :one
UPDATE tasks SET (title, priority) = ($2, $3) WHERE id = $1 RETURNING title, priority;

-- name: DeleteReturningStar :many
DELETE FROM api_keys WHERE revoked RETURNING *;

-- name: ArrayBits :many
SELECT id, '{}'::text[] AS empty, ARRAY[]::int[] AS none, tags || 'new'::text AS appended, tags || ARRAY['a', 'b'] AS concatenated,
       array_cat(tags, tags) AS doubled, array_dims(tags) AS dims, array_upper(tags, 1) AS upper, tags[1:1] AS head,
       array_prepend('x', tags) AS prepended, array_replace(tags, 'web', 'www') AS replaced, ARRAY(SELECT unnest(tags) ORDER BY 1) AS sorted
FROM projects;

-- name: DateArithmetic :many
SELECT id, due_on + 7 AS week_later, due_on - 1 AS day_before, due_on - current_date AS days_left, due_on + interval '1 month' AS month_later,
       created_at - interval '1 hour' AS hour_before, now() - created_at AS age, created_at::time AS at_time, due_on + time '09:00' AS due_at,
       extract(epoch FROM estimate) AS est_seconds, to_char(estimate, 'HH24:MI') AS est_text, make_interval(hours => priority) AS prio_hours,
       (created_at, interval '1 day') OVERLAPS (now(), interval '1 day') AS recent
FROM tasks;

-- name: NumericOps :many
SELECT id, amount_cents / 100 AS int_div, amount_cents / 100.0 AS exact, amount_cents % 100 AS cents, div(amount_cents, 7) AS d, mod(amount_cents, 7) AS m,
       power(amount_cents, 2) AS sq, sqrt(amount_cents) AS root, ln(amount_cents + 1) AS ln, floor(amount_cents / 3.0) AS fl, ceil(amount_cents / 3.0) AS ce,
       sign(amount_cents - 5000) AS sg, abs(-amount_cents) AS ab, round(amount_cents::numeric / 3, 2) AS r2, amount_cents::float8 / 3 AS f,
       -amount_cents AS neg, amount_cents >> 1 AS half, amount_cents & 255 AS low_byte, width_bucket(amount_cents, 0, 200000, 4) AS bucket
FROM invoices;

-- name: TypeIntrospection :many
SELECT pg_typeof(seats) AS t, 'tenants'::regclass AS rel, 'int4'::regtype AS ty, pg_typeof(settings)::text AS name,
       current_user AS usr, session_user AS sess, current_schema AS sch, current_catalog AS cat
FROM tenants LIMIT 1;

-- name: RowComparisons :many
SELECT tenant_id, user_email, (tenant_id, role) = (1, 'owner') AS is_first_owner, ROW(tenant_id, accepted_at) IS NULL AS all_null,
       accepted_at IS DISTINCT FROM invited_at AS differs, (accepted_at IS NOT NULL) IS TRUE AS accepted,
       (accepted_at > invited_at) IS UNKNOWN AS unknown, (role = 'owner') IS NOT FALSE AS maybe_owner
FROM members;

-- name: JsonMore :many
SELECT id, metadata -> 'owner' -> 'email' AS email_json, metadata #- '{owner}' AS without_owner,
       jsonb_insert(coalesce(metadata, '{}'), '{added}', 'true') AS inserted, jsonb_set_lax(metadata, '{color}', NULL) AS lax,
       jsonb_path_query_array(metadata, '$.**') AS all_values, json_typeof(metadata::json) AS jt,
       jsonb_build_object('tags', tags) -> 'tags' -> 0 AS first_tag, to_jsonb(tags) ->> 1 AS second_tag,
       metadata @? '$.color' AS has_color
FROM projects;

-- name: JsonRecordLateral :many
SELECT a.id, r.name, r.minutes FROM audit_log a, LATERAL jsonb_to_record(a.payload) AS r(name text, minutes int);

-- name: Pg15Regexp :many
SELECT id, regexp_count(title, '[aeiou]') AS vowels, regexp_like(title, '^[a-z]+$') AS simple, regexp_substr(title, '[a-z]+') AS word,
       regexp_instr(title, 'a') AS first_a, string_to_table(title, 'i') AS piece
FROM tasks;

-- name: Ranges :many
SELECT id, tstzrange(created_at, completed_at) AS active, daterange(due_on, due_on + 7) AS window,
       tstzrange(created_at, completed_at) @> now() AS open_now, lower(tstzrange(created_at, completed_at)) AS started,
       upper(daterange(due_on, due_on + 7)) AS until, isempty(int4range(priority, priority)) AS empty,
       int4range(1, 10) && int4range(priority, 6) AS overlaps
FROM tasks;

-- name: RangeAgg :many
SELECT project_id, range_agg(daterange(due_on, due_on + 1)) AS due_days FROM tasks WHERE due_on IS NOT NULL GROUP BY project_id;

-- name: TextSearch :many
SELECT id, to_tsvector('english', title) AS doc, setweight(to_tsvector('simple', title), 'A') AS weighted,
       ts_rank_cd(to_tsvector('english', title), to_tsquery('english', 'design | build')) AS rank,
       to_tsvector('english', title) @@ plainto_tsquery('english', $1) AS matches
FROM tasks;

-- name: CollationAndLike :many
SELECT title FROM tasks WHERE title COLLATE "C" > 'b' AND title LIKE '%\_%' ESCAPE '\' OR title ILIKE ANY (ARRAY['%build%', '%launch%'])
  OR title SIMILAR TO '(des|lau)%' ORDER BY title COLLATE "C";

-- name: SrfInSelectList :many
SELECT id, generate_series(1, 2) AS n, jsonb_array_elements_text(coalesce(to_jsonb(tags), '[]')) AS tag FROM projects;

-- name: ValuesStatement :many
VALUES (1, 'one'), (2, 'two');

-- name: OrderByAliasAndPosition :many
SELECT assignee AS who, count(*) AS n FROM tasks GROUP BY who ORDER BY n DESC, 1 NULLS FIRST;

-- name: WindowFrames :many
SELECT id, sum(priority) OVER (ORDER BY id GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW) AS prev_sum,
       count(*) FILTER (WHERE status = 'done') OVER () AS done_total,
       avg(priority) OVER (PARTITION BY project_id ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS smooth
FROM tasks;

-- name: ParamOperands :many
SELECT $1::int + $2 AS total, $3 || title AS prefixed FROM tasks WHERE $4 = project_id AND title LIKE $5 || '%';

-- name: ParamAnyUuid :many
SELECT id, label FROM api_keys WHERE id = ANY($1) AND tenant_id = ANY($2);

-- name: ConflictPartialTarget :one
INSERT INTO members (tenant_id, user_email, role) VALUES ($1, $2, 'member')
ON CONFLICT (tenant_id, user_email) WHERE role <> 'owner' DO UPDATE SET role = EXCLUDED.role RETURNING *;

-- name: TableSample :many
SELECT id FROM audit_log TABLESAMPLE SYSTEM (50) REPEATABLE (1);

-- name: ExistsInSelect :many
SELECT t.slug, EXISTS (SELECT 1 FROM projects p WHERE p.tenant_id = t.id) AS has_projects,
       NOT EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = t.id AND i.paid_at IS NULL) AS all_paid,
       CASE WHEN EXISTS (SELECT 1 FROM members m WHERE m.tenant_id = t.id) THEN (SELECT count(*) FROM members m WHERE m.tenant_id = t.id) END AS members
FROM tenants t;

-- name: AtTimeZoneParam :many
SELECT id, created_at AT TIME ZONE $1 AS local FROM tasks;

-- name: SeriesOfTimestamps :many
SELECT g AS hour, count(a.id) AS events FROM generate_series(date_trunc('hour', now()) - interval '3 hours', date_trunc('hour', now()), interval '1 hour') AS g
LEFT JOIN audit_log a ON date_trunc('hour', a.at) = g GROUP BY g ORDER BY g;

-- name: WithOrdinality :many
SELECT p.id, t.tag, t.n FROM projects p, unnest(p.tags) WITH ORDINALITY AS t(tag, n);

-- name: NestedDataModifying :many
WITH new_tenant AS (INSERT INTO tenants (slug) VALUES ($1) RETURNING id),
     new_project AS (INSERT INTO projects (tenant_id, name) SELECT id, 'default' FROM new_tenant RETURNING id, tenant_id),
     first_task AS (INSERT INTO tasks (project_id, title) SELECT id, 'welcome' FROM new_project RETURNING id, project_id)
SELECT t.id AS tenant, p.id AS project, f.id AS task FROM new_tenant t JOIN new_project p ON p.tenant_id = t.id JOIN first_task f ON f.project_id = p.id;

-- name: BooleanAggregates :many
SELECT project_id, bool_and(completed_at IS NOT NULL) AS all_done, bool_or(assignee IS NULL) AS some_unassigned, every(priority < 4) AS all_urgent
FROM tasks GROUP BY project_id;

-- name: StatsAggregates :one
SELECT corr(priority, position) AS c, regr_slope(priority, position) AS slope, covar_pop(priority, position) AS cov,
       stddev_samp(priority) AS sd, var_pop(priority) AS vp, bit_and(priority) AS ba, count(DISTINCT status) AS statuses
FROM tasks;

-- name: OrderedSetAggregates :one
SELECT percentile_cont(ARRAY[0.25, 0.5]) WITHIN GROUP (ORDER BY priority) AS quartiles, percentile_disc(0.5) WITHIN GROUP (ORDER BY due_on) AS median_due,
       mode() WITHIN GROUP (ORDER BY status) AS common_status, rank(3) WITHIN GROUP (ORDER BY priority) AS rank_of_3
FROM tasks;

-- name: XmlAndMisc :many
SELECT id, xmlelement(name task, title) AS x, md5(title) AS h, encode(convert_to(title, 'UTF8'), 'escape') AS e, chr(65) AS a, ascii(title) AS code,
       to_number('12.5', '99.9') AS num, to_date('2024-01-02', 'YYYY-MM-DD') AS d, to_timestamp('2024-01-02', 'YYYY-MM-DD') AS ts
FROM tasks;

-- name: KeyExpiryParts :many
SELECT id, extract(month FROM expires_at) AS month, extract(year FROM expires_at) AS year, date_trunc('month', expires_at) AS since,
       to_char(expires_at, 'YYYY-MM') AS ym, expires_at = 'infinity' AS never, isfinite(expires_at) AS finite
FROM api_keys WHERE expires_at IS NOT NULL;

-- Parameter inference, joins, CTEs and grouping as application code writes them.

-- name: EchoParam :one
SELECT $1 AS echo;

-- name: OptionalTitle :many
SELECT id FROM tasks WHERE $1::text IS NULL OR title = $1;

-- name: ParamConcatLeft :one
SELECT $1 || 'x' AS s;

-- name: ParamConcatRight :one
SELECT 'x' || $1 AS s;

-- name: ParamPlusOne :one
SELECT $1 + 1 AS n;

-- name: TitleAnyUntyped :many
SELECT id FROM tasks WHERE title = ANY($1);

-- name: PriorityInUnnest :many
SELECT id FROM tasks WHERE priority IN (SELECT unnest($1::int[]));

-- name: CreatedWithinInterval :one
SELECT count(*) FROM tasks WHERE created_at > now() - $1::interval;

-- name: CoalesceParamDefault :one
SELECT coalesce($1, 'default') AS v;

-- name: SortByParamChoice :many
SELECT id FROM tasks ORDER BY CASE WHEN $1 = 'title' THEN title END, id;

-- name: StatusAsText :many
SELECT id FROM tasks WHERE status::text = $1;

-- name: OptionalStatus :many
SELECT id FROM tasks WHERE (status = $1 OR $1 IS NULL);

-- name: ParamArrayLength :one
SELECT array_length($1::int[], 1) AS n;

-- name: DueInWeekFrom :many
SELECT id FROM tasks WHERE due_on BETWEEN $1 AND $1 + 7;

-- name: AddToEstimate :many
UPDATE tasks SET estimate = estimate + $1 WHERE id = $2 RETURNING estimate;

-- name: GreatestParam :one
SELECT greatest($1, 5) AS g;

-- name: IdOrTitle :many
SELECT id, title FROM tasks WHERE id = $1 OR title = $1::text;

-- name: TaskPairsIn :many
SELECT * FROM tasks WHERE (project_id, position) IN (SELECT unnest($1::bigint[]), unnest($2::int[]));

-- name: JsonParamFields :one
SELECT $1::jsonb ->> 'a' AS a, $2::jsonb -> 'b' AS b;

-- name: ExistsAndFlag :one
SELECT EXISTS (SELECT 1 FROM tasks WHERE id = $1) AND $2 AS both;

-- name: NotFlagAndDone :many
SELECT id FROM tasks WHERE NOT ($1 AND status = 'done');

-- name: AssigneeLowered :many
SELECT id FROM tasks WHERE assignee = lower($1);

-- name: TitleFromScalarParam :many
SELECT id FROM tasks t WHERE t.title = (SELECT $1);

-- name: TruncByParamUnit :many
SELECT date_trunc($1, created_at) AS d FROM tasks;

-- name: CreatedOnDate :many
SELECT id FROM tasks WHERE created_at::date = $1;

-- name: ParseTsQuery :one
SELECT to_tsquery($1) AS q;

-- name: Notify :one
SELECT pg_notify($1, $2);

-- name: SetTenantSetting :one
SELECT set_config('app.tenant', $1, true);

-- name: CurrentTenantSetting :one
SELECT current_setting('app.tenant', true) AS tenant;

-- name: IdPositive :many
SELECT id FROM tasks WHERE id = $1::bigint AND $1 > 0;

-- name: TypmodCasts :one
SELECT $1::numeric(10, 2) AS amount, $2::varchar(20) AS code, $3::timestamp(0) AS ts, $4::char AS c, $5::bit(3) AS b;

-- name: RecursiveNumbers :many
WITH RECURSIVE nums AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM nums WHERE n < 5) SELECT n, n * 2 AS d FROM nums;

-- name: ChainedCtes :many
WITH a AS (SELECT id FROM tasks), b AS (SELECT id FROM a WHERE id > 1) SELECT * FROM b;

-- name: UpdateCteStats :many
WITH upd AS (UPDATE tasks SET position = position + 1 WHERE project_id = $1 RETURNING *) SELECT count(*) AS n, max(position) AS top FROM upd;

-- name: DeleteCteCount :many
WITH del AS (DELETE FROM audit_log WHERE at < $1 RETURNING id) SELECT count(*) FROM del;

-- name: InsertCteThenUpdate :exec
WITH ins AS (INSERT INTO audit_log (action) VALUES ('a') RETURNING id) UPDATE tenants SET seats = seats WHERE id IN (SELECT id FROM ins);

-- name: CountPerTenantLateral :many
SELECT t.id, c.cnt FROM tenants t CROSS JOIN LATERAL (SELECT count(*) AS cnt FROM projects p WHERE p.tenant_id = t.id) c;

-- name: CountPerTenantLeftLateral :many
SELECT t.id, c.cnt FROM tenants t LEFT JOIN LATERAL (SELECT count(*) AS cnt FROM projects p WHERE p.tenant_id = t.id) c ON true;

-- name: LateralOnFalse :many
SELECT t.id, c.max_due FROM tenants t LEFT JOIN LATERAL (SELECT max(due_on) AS max_due FROM tasks) c ON false;

-- name: SelfJoinPairs :many
SELECT a.id, b.id AS other FROM tasks a JOIN tasks b ON a.project_id = b.project_id AND a.id < b.id;

-- name: LatestPerProjectCorrelated :many
SELECT a.id FROM tasks a WHERE a.id = (SELECT max(id) FROM tasks b WHERE b.project_id = a.project_id);

-- name: TopPriorityPerProject :many
SELECT DISTINCT ON (t.project_id) t.project_id, t.title, p.name FROM tasks t JOIN projects p ON p.id = t.project_id ORDER BY t.project_id, t.priority;

-- name: MinPriorityCorrelated :many
SELECT project_id, title FROM tasks t1 WHERE priority = (SELECT min(priority) FROM tasks t2 WHERE t2.project_id = t1.project_id);

-- name: ProjectTaskCounts :many
SELECT p.id, coalesce(s.n, 0) AS n FROM projects p LEFT JOIN (SELECT project_id, count(*) AS n FROM tasks GROUP BY 1) s ON s.project_id = p.id;

-- name: ValuesFiltered :many
SELECT x, y FROM (VALUES (1, 'a'), (2, NULL)) v(x, y) WHERE y IS NOT NULL;

-- name: GreatestAcrossJoin :many
SELECT greatest(t.priority, p.budget_cents) AS g FROM tasks t JOIN projects p ON p.id = t.project_id;

-- name: TasksOfWebProjects :many
SELECT t.id FROM tasks t WHERE EXISTS (SELECT FROM projects p WHERE p.id = t.project_id AND p.tags && ARRAY['web']);

-- name: PaidAndTotal :many
SELECT tenant_id, sum(amount_cents) FILTER (WHERE paid_at IS NOT NULL) AS paid, sum(amount_cents) AS total FROM invoices GROUP BY tenant_id;

-- name: TenantsOverThreshold :many
SELECT tenant_id, count(*) AS n FROM invoices GROUP BY tenant_id HAVING sum(amount_cents) > 1000 ORDER BY count(*) DESC;

-- name: InvoiceShare :many
SELECT i.tenant_id, i.amount_cents, i.amount_cents * 100.0 / sum(i.amount_cents) OVER (PARTITION BY i.tenant_id) AS pct FROM invoices i;

-- name: RowNumberWindow :many
SELECT * FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM tasks) s WHERE rn BETWEEN $1 AND $2;

-- name: CountOverAll :many
SELECT id, title, count(*) OVER () AS total FROM tasks ORDER BY id LIMIT 10;

-- name: EmailsPerTenant :many
SELECT m.tenant_id, string_agg(m.user_email, ',' ORDER BY m.user_email) AS emails FROM members m GROUP BY m.tenant_id;

-- name: MergeSeatsFromValues :many
MERGE INTO tenants t USING (VALUES ('acme', 5)) AS s(slug, seats) ON t.slug = s.slug WHEN MATCHED THEN UPDATE SET seats = s.seats;

-- name: TitleRegex :many
SELECT id FROM tasks WHERE title ~ $1 AND title !~* $2;

-- name: UnassignedDueSoon :many
SELECT id FROM tasks WHERE assignee IS NULL AND due_on IS NOT NULL ORDER BY due_on LIMIT 5;

-- name: AssignedNonEmpty :many
SELECT t.id, t.assignee FROM tasks t WHERE t.assignee IS NOT NULL AND t.assignee <> '';

-- name: ProjectsWithoutTasksRightJoin :many
SELECT t.title, p.name FROM tasks t RIGHT JOIN projects p ON p.id = t.project_id WHERE t.id IS NULL;

-- name: TitleOrNone :many
SELECT coalesce(t.title, '(none)') AS title, p.name FROM projects p LEFT JOIN tasks t ON t.project_id = p.id;

-- name: InvoicesOfKnownTenants :many
SELECT i.id, t.slug FROM invoices i LEFT JOIN tenants t ON t.id = i.tenant_id WHERE t.slug IS NOT NULL;

-- name: TenantSettingsMatch :many
SELECT id, settings FROM tenants WHERE settings = '{}'::jsonb OR settings @> '{"theme": "dark"}';

-- name: TenantsJsonDoc :one
SELECT json_build_object('tenants', (SELECT json_agg(t) FROM tenants t)) AS doc;

-- name: TenantIdsAndCount :one
SELECT (SELECT array_agg(id ORDER BY id) FROM tenants) AS ids, (SELECT count(*) FROM tenants) AS n;

-- name: TagCounts :many
SELECT unnest(tags) AS tag, count(*) FROM projects GROUP BY 1;

-- name: TagsLeftLateral :many
SELECT p.id, t.tag FROM projects p LEFT JOIN LATERAL unnest(p.tags) AS t(tag) ON true;

-- name: JoinedTags :many
SELECT id, (SELECT string_agg(t, ' ') FROM unnest(tags) t) AS joined FROM projects;

-- name: MergedTags :many
SELECT id, array(SELECT DISTINCT unnest(tags || ARRAY['x'])) AS merged FROM projects;

-- name: SlugStateCube :many
SELECT t.slug, i.state, count(*) FROM tenants t JOIN invoices i ON i.tenant_id = t.id GROUP BY CUBE (t.slug, i.state);

-- name: MonthlyRollupPerTenant :many
SELECT tenant_id, date_trunc('month', issued_on) AS m, sum(amount_cents) FROM invoices GROUP BY tenant_id, ROLLUP (date_trunc('month', issued_on));

-- name: TenantOrRoleSets :many
SELECT tenant_id, role, count(*) FROM members GROUP BY GROUPING SETS (tenant_id, role);

-- name: DistinctTenantCount :one
SELECT count(*) FROM (SELECT DISTINCT tenant_id FROM members) s;

-- name: TasksWithProjectName :many
SELECT t.*, p.name FROM tasks t JOIN projects p ON p.id = t.project_id;

-- name: ProjectsWithTaskCountStar :many
SELECT p.*, count(t.*) AS n FROM projects p LEFT JOIN tasks t ON t.project_id = p.id GROUP BY p.id;

-- name: TaskRowJson :many
SELECT row_to_json(t.*) AS j FROM tasks t;

-- name: TaskRowField :many
SELECT (t).title FROM tasks t;

-- name: CountHaving :many
SELECT count(*) AS n FROM tasks HAVING count(*) > 0;

-- name: EmptyGroupingSet :many
SELECT 1 AS one FROM tasks GROUP BY ();

-- name: DistinctStatuses :many
SELECT DISTINCT status FROM tasks ORDER BY status;

-- name: StatusInLiterals :many
SELECT id FROM tasks WHERE status IN ('todo', 'doing');

-- name: StatusCountsHaving :many
SELECT status, count(*) FROM tasks GROUP BY 1 HAVING status <> 'done';

-- name: MeanInvoice :many
SELECT sum(amount_cents)::numeric / nullif(count(*), 0) AS mean FROM invoices;

-- name: InvoiceSlugLateral :many
SELECT i.*, t.slug FROM invoices i, LATERAL (SELECT slug FROM tenants WHERE id = i.tenant_id) t;

-- name: MembersRenamed :many
SELECT * FROM tenant_members(1) AS m(email, role);

-- name: SeriesOrdinality :many
SELECT * FROM generate_series(1, 3) WITH ORDINALITY AS g(n, i);

-- name: RowsFrom :many
SELECT * FROM ROWS FROM (generate_series(1, 2), unnest(ARRAY['a', 'b', 'c'])) AS r(n, s);

-- name: DoneTasksJson :many
SELECT jsonb_agg(t) FILTER (WHERE t.status = 'done') AS done FROM tasks t;

-- name: TitleSearch :many
SELECT id, title FROM tasks WHERE to_tsvector('english', title) @@ to_tsquery('english', $1);

-- name: LongEstimates :many
SELECT id FROM tasks WHERE estimate > '1 hour';

-- name: DateLiterals :many
SELECT id FROM tasks WHERE due_on > '2024-01-01' AND created_at < '2030-01-01T00:00:00Z';

-- name: IdFromTextLiteral :many
SELECT id FROM tasks WHERE id = '5';

-- name: IdPrefix :many
SELECT id FROM tasks WHERE id::text LIKE '1%';

-- name: IdTitleLabel :many
SELECT CAST(id AS text) || ':' || title AS label FROM tasks;

-- name: ColorAndOwner :many
SELECT id FROM projects WHERE metadata->>'color' = $1 AND (metadata->'owner'->>'email') IS NOT NULL;

-- name: MetadataAnyKey :many
SELECT id FROM projects WHERE metadata ?| $1;

-- name: TagsContain :many
SELECT id FROM projects WHERE tags @> $1;

-- name: HasTag :many
SELECT id FROM projects WHERE $1 = ANY(tags);

-- name: LacksTag :many
SELECT id FROM projects WHERE NOT ($1 = ANY(tags));

-- name: TagsWithin :many
SELECT id FROM projects WHERE tags <@ $1::text[];

-- name: InsertProjectIfNew :one
INSERT INTO projects (tenant_id, name) VALUES ($1, $2) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id;

-- name: InsertProjectMetadata :one
INSERT INTO projects (tenant_id, name, metadata) VALUES ($1, $2, $3) RETURNING metadata -> 'a' AS a;

-- name: AddMetadataCounter :one
UPDATE projects SET metadata = metadata || jsonb_build_object('k', $2::int) WHERE id = $1 RETURNING metadata;

-- name: AppendTag :one
UPDATE projects SET tags = array_append(tags, $2) WHERE id = $1 RETURNING tags;

-- name: ConcatTags :one
UPDATE projects SET tags = tags || $2 WHERE id = $1 RETURNING tags;

-- name: CompleteIf :one
UPDATE tasks SET completed_at = CASE WHEN $2 THEN now() END WHERE id = $1 RETURNING completed_at;

-- name: BumpPriority :one
UPDATE tasks SET priority = priority + 1 WHERE id = $1 RETURNING priority;

-- name: DoneRatio :one
SELECT count(*) FILTER (WHERE status = 'done')::float / greatest(count(*), 1) AS ratio FROM tasks;

-- name: TasksPerUtcDay :many
SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day, count(*) FROM tasks GROUP BY 1;

-- name: CreatedOnDay :many
SELECT id FROM tasks WHERE created_at >= $1::date AND created_at < $1::date + 1;

-- name: SecondsToComplete :many
SELECT id, EXTRACT(EPOCH FROM (completed_at - created_at))::int AS secs FROM tasks;

-- name: MembersOfSlug :many
SELECT m.user_email FROM members m WHERE m.tenant_id = (SELECT id FROM tenants WHERE slug = $1);

-- name: PlanFromText :many
SELECT id FROM tenants WHERE plan = $1::text::plan;

-- name: PlansAsText :many
SELECT id FROM tenants WHERE plan::text = ANY($1::text[]);

-- name: PlansAny :many
SELECT id FROM tenants WHERE plan = ANY($1::plan[]);

-- name: PaidPlans :many
SELECT id, plan FROM tenants WHERE plan > 'free' ORDER BY plan DESC;

-- name: PlanAggregates :one
SELECT array_agg(plan ORDER BY plan) AS plans, min(plan) AS lowest FROM tenants;

-- name: CurrencyMatch :many
SELECT id FROM invoices WHERE currency = 'EUR' AND currency = $1;

-- name: CurrencyText :many
SELECT id, currency || '!' AS c, length(currency) AS l FROM invoices;

-- name: RecordsetLiteral :many
SELECT x.* FROM jsonb_to_recordset('[{"a":1,"b":"x"}]') AS x(a int, b text);

-- name: EachTextLiteral :many
SELECT key, value FROM jsonb_each_text('{"a":"1"}');
