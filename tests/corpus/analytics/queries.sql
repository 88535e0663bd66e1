-- name: EventsInRange :many
SELECT id, occurred_at, kind, user_id, props FROM events WHERE occurred_at >= $1 AND occurred_at < $2 ORDER BY occurred_at;

-- name: CountByKind :many
SELECT kind, count(*) AS n, count(user_id) AS with_user, sum(amount) AS total FROM events GROUP BY kind ORDER BY kind;

-- name: Daily :many
SELECT date_trunc('day', occurred_at) AS day, kind, count(*) AS n FROM events GROUP BY 1, 2 ORDER BY 1, 2;

-- name: Rollup :exec
INSERT INTO daily_rollup (day, kind, n, total)
SELECT occurred_at::date, kind, count(*), sum(amount) FROM events WHERE occurred_at::date = $1 GROUP BY 1, 2
ON CONFLICT (day, kind) DO UPDATE SET n = excluded.n, total = excluded.total;

-- name: PartitionRows :many
SELECT tableoid::regclass::text AS partition, count(*) AS n FROM events GROUP BY tableoid ORDER BY 1;

-- name: Paths :many
SELECT props ->> 'path' AS path, count(*) FROM events WHERE props ? 'path' GROUP BY 1;

-- name: SessionLengths :many
SELECT id, ended_at - started_at AS length, coalesce(country, '??') AS country, device FROM sessions;

-- name: EventsOfSession :many
SELECT e.kind, e.occurred_at, s.device FROM events e JOIN sessions s ON s.id = e.session WHERE s.id = $1;

-- name: DirectPartition :many
SELECT kind, amount, source FROM events_2024_01 WHERE user_id = $1;

-- name: Percentiles :one
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) AS median, max(amount) AS top FROM events;

-- name: TagsOfEvents :many
SELECT e.id, t.tag FROM events e, jsonb_array_elements_text(e.props -> 'tags') AS t(tag);

-- name: Funnel :many
SELECT s.device, count(DISTINCT e.user_id) AS users FROM sessions s LEFT JOIN events e ON e.session = s.id GROUP BY s.device;

-- name: RecentKinds :many
SELECT DISTINCT kind FROM events WHERE occurred_at > now() - interval '30 days';

-- name: RollupRead :many
SELECT day, kind, n, total, n::float8 / nullif(total, 0) AS ratio FROM daily_rollup WHERE day = ANY ($1::date[]);

-- name: DeleteOld :exec
DELETE FROM events WHERE occurred_at < $1;

-- name: HourOfDay :many
SELECT extract(hour FROM occurred_at) AS hour, date_part('dow', occurred_at) AS dow, count(*) FROM events GROUP BY 1, 2;

-- name: SeriesFill :many
SELECT g.day::date AS day, coalesce(r.n, 0) AS n FROM generate_series($1::timestamptz, $2::timestamptz, '1 day') AS g(day)
LEFT JOIN daily_rollup r ON r.day = g.day::date AND r.kind = $3;

-- name: AuditTrail :many
SELECT a.id, a.at, a.note, l.who FROM audit a LEFT JOIN audit_login l ON l.id = a.id ORDER BY a.at;

-- name: EventsWithUsers :many
SELECT id, user_id, session, props ->> 'path' AS path FROM events WHERE user_id IS NOT NULL AND session IS NOT NULL;

-- name: SessionsEndedFromFrance :many
SELECT s.id, s.ended_at, s.country, e.amount
FROM sessions s LEFT JOIN events e ON e.session = s.id AND e.amount > 0
WHERE s.country = 'FR' AND s.ended_at IS NULL;

-- name: EventsMatchedToSessions :many
SELECT e.id, s.device, s.ended_at FROM events e LEFT JOIN sessions s ON s.id = e.session WHERE s.started_at < now();

-- name: AmountsOrZero :many
SELECT id, CASE WHEN amount IS NULL THEN 0 ELSE amount END AS amount, coalesce(user_id, 0) AS uid,
       greatest(amount, 1) AS at_least_one FROM events;

-- name: KindsEverywhere :many
SELECT kind FROM events UNION SELECT kind FROM daily_rollup UNION SELECT 'none';

-- name: TotalsInOrder :many
SELECT day, total FROM daily_rollup WHERE total BETWEEN 0 AND 100 ORDER BY day;

-- name: DaySeries :many
WITH RECURSIVE days (d, n) AS (
    SELECT min(day), 0 FROM daily_rollup
    UNION ALL
    SELECT d + 1, n + 1 FROM days WHERE n < 3
)
SELECT d, n FROM days;

-- name: MergeRollup :exec
MERGE INTO daily_rollup r
USING (SELECT occurred_at::date AS day, kind::text AS kind, count(*) AS n, sum(amount) AS total FROM events GROUP BY 1, 2) e
ON r.day = e.day AND r.kind = e.kind
WHEN MATCHED THEN UPDATE SET n = e.n, total = e.total
WHEN NOT MATCHED THEN INSERT (day, kind, n, total) VALUES (e.day, e.kind, e.n, e.total);

-- name: AuditNotesNotNull :many
SELECT id, note, at FROM audit WHERE note <> '';
