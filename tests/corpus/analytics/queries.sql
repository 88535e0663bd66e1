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

-- name: TrackEvent :one
INSERT INTO events (occurred_at, kind, user_id, session, props, amount, source)
VALUES (coalesce($1, now()), $2, $3, $4, $5, $6, $7) RETURNING id, occurred_at;

-- name: TrackEvents :execrows
INSERT INTO events (occurred_at, kind, user_id, props)
SELECT t.at, t.kind, t.uid, t.props FROM unnest($1::timestamptz[], $2::text[], $3::bigint[], $4::jsonb[]) AS t(at, kind, uid, props);

-- name: EventsPage :many
SELECT id, occurred_at, kind FROM events WHERE occurred_at < $1 ORDER BY occurred_at DESC, id DESC LIMIT $2;

-- name: EventsFiltered :many
SELECT id, occurred_at, kind, user_id, amount FROM events
WHERE ($1::text IS NULL OR kind = $1) AND ($2::bigint IS NULL OR user_id = $2)
  AND ($3::timestamptz IS NULL OR occurred_at >= $3) AND ($4::text IS NULL OR source = $4)
ORDER BY occurred_at DESC LIMIT 100;

-- name: EventsOfKinds :many
SELECT id, kind FROM events WHERE kind = ANY($1::text[]) AND occurred_at BETWEEN $2 AND $3;

-- name: EventProps :many
SELECT id, props -> 'tags' AS tags, props ->> 'sku' AS sku, props #>> '{tags,0}' AS first_tag,
       jsonb_array_length(props -> 'tags') AS n_tags, props ? 'sku' AS has_sku, props - 'path' AS without_path
FROM events;

-- name: EventsWithProp :many
SELECT id FROM events WHERE props @> $1::jsonb AND props ->> $2 IS NOT NULL;

-- name: PropKeys :many
SELECT k, count(*) FROM events, jsonb_object_keys(props) AS k GROUP BY k ORDER BY 2 DESC;

-- name: EventsJsonPath :many
SELECT id, jsonb_path_query_first(props, '$.tags[0]') AS first, jsonb_path_exists(props, '$.sku') AS has_sku FROM events;

-- name: HourlyBuckets :many
SELECT bucket(occurred_at, '1 hour') AS hour, kind, count(*) AS n FROM events GROUP BY 1, 2 ORDER BY 1, 2;

-- name: DateBin :many
SELECT date_bin('15 minutes', occurred_at, TIMESTAMPTZ '2024-01-01') AS slot, count(*) FROM events GROUP BY 1 ORDER BY 1;

-- name: WeeklyUsers :many
SELECT date_trunc('week', occurred_at) AS week, count(DISTINCT user_id) AS users, count(*) AS events,
       count(*) FILTER (WHERE user_id IS NULL) AS anonymous
FROM events GROUP BY 1 ORDER BY 1;

-- name: MonthlyRevenue :many
SELECT to_char(date_trunc('month', occurred_at), 'YYYY-MM') AS month, sum(amount) AS revenue, avg(amount) AS mean,
       max(amount) AS largest, count(amount) AS purchases
FROM events GROUP BY date_trunc('month', occurred_at) ORDER BY 1;

-- name: RevenueRollup :many
SELECT extract(year FROM occurred_at) AS year, extract(month FROM occurred_at) AS month, kind, sum(amount) AS total
FROM events GROUP BY ROLLUP (1, 2, 3) ORDER BY 1, 2, 3;

-- name: KindSourceSets :many
SELECT kind, source, count(*) AS n, GROUPING(kind, source) AS g FROM events
GROUP BY GROUPING SETS ((kind, source), (kind), ()) ORDER BY g, kind, source;

-- name: RunningTotals :many
SELECT id, occurred_at, amount, sum(amount) OVER (ORDER BY occurred_at) AS running,
       count(*) OVER (ORDER BY occurred_at RANGE BETWEEN interval '1 hour' PRECEDING AND CURRENT ROW) AS last_hour,
       avg(amount) OVER (PARTITION BY kind) AS kind_mean
FROM events ORDER BY occurred_at;

-- name: TimeBetweenEvents :many
SELECT user_id, occurred_at, occurred_at - lag(occurred_at) OVER (PARTITION BY user_id ORDER BY occurred_at) AS gap,
       lead(kind) OVER (PARTITION BY user_id ORDER BY occurred_at) AS next_kind,
       first_value(kind) OVER (PARTITION BY user_id ORDER BY occurred_at) AS first_kind,
       row_number() OVER (PARTITION BY user_id ORDER BY occurred_at) AS seq
FROM events WHERE user_id IS NOT NULL;

-- name: TopKindsPerDay :many
SELECT day, kind, n FROM (
  SELECT occurred_at::date AS day, kind, count(*) AS n, dense_rank() OVER (PARTITION BY occurred_at::date ORDER BY count(*) DESC) AS r
  FROM events GROUP BY 1, 2) ranked WHERE r = 1;

-- name: FirstEventPerUser :many
SELECT DISTINCT ON (user_id) user_id, kind, occurred_at FROM events WHERE user_id IS NOT NULL ORDER BY user_id, occurred_at;

-- name: UserFunnel :many
WITH steps AS (
  SELECT user_id,
         min(occurred_at) FILTER (WHERE kind = 'view') AS viewed,
         min(occurred_at) FILTER (WHERE kind = 'click') AS clicked,
         min(occurred_at) FILTER (WHERE kind = 'purchase') AS bought
  FROM events WHERE user_id IS NOT NULL GROUP BY user_id
)
SELECT count(*) AS users, count(viewed) AS viewed, count(clicked) AS clicked, count(bought) AS bought,
       round(100.0 * count(bought) / nullif(count(viewed), 0), 1) AS conversion
FROM steps;

-- name: Retention :many
WITH cohorts AS (SELECT user_id, date_trunc('month', min(occurred_at)) AS cohort FROM events WHERE user_id IS NOT NULL GROUP BY user_id)
SELECT c.cohort, date_trunc('month', e.occurred_at) AS month, count(DISTINCT e.user_id) AS active
FROM cohorts c JOIN events e ON e.user_id = c.user_id GROUP BY 1, 2 ORDER BY 1, 2;

-- name: Sessionize :many
SELECT user_id, occurred_at,
       sum(CASE WHEN occurred_at - prev > interval '30 minutes' OR prev IS NULL THEN 1 ELSE 0 END)
         OVER (PARTITION BY user_id ORDER BY occurred_at) AS session_no
FROM (SELECT user_id, occurred_at, lag(occurred_at) OVER (PARTITION BY user_id ORDER BY occurred_at) AS prev FROM events) e;

-- name: EventsBetween :many
SELECT kind, n, total FROM events_between($1, $2) ORDER BY n DESC;

-- name: EventsBetweenJoined :many
SELECT g.name, e.n FROM goals g LEFT JOIN events_between('2024-01-01', '2025-01-01') e ON e.kind = g.kind;

-- name: Conversion :many
SELECT id, name, conversion_rate(id, $1) AS rate FROM goals WHERE active;

-- name: Goals :many
SELECT id, name, kind, target_value, active, coalesce(target_value, 0) AS target FROM goals ORDER BY name;

-- name: UpsertGoal :one
INSERT INTO goals (name, kind, target_value) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, target_value = EXCLUDED.target_value, active = true
RETURNING id, active;

-- name: GoalProgress :many
SELECT g.name, g.target_value, sum(e.amount) AS achieved, sum(e.amount) / nullif(g.target_value, 0) AS ratio
FROM goals g LEFT JOIN events e ON e.kind = g.kind GROUP BY g.id ORDER BY g.name;

-- name: TrackPageView :one
INSERT INTO page_views (region, day, path, referrer, user_id, duration_ms, utm) VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, region, day;

-- name: PageViewsByRegion :many
SELECT region, count(*) AS views, count(DISTINCT path) AS paths, avg(duration_ms) AS avg_ms FROM page_views GROUP BY region ORDER BY region;

-- name: PageViewsOfRegion :many
SELECT day, path, referrer, duration_ms FROM page_views WHERE region = $1 AND day >= $2 ORDER BY day;

-- name: PageViewsEuPartition :many
SELECT day, path, user_id FROM page_views_eu WHERE day BETWEEN '2024-01-01' AND '2024-12-31';

-- name: PageViewsLeafPartition :many
SELECT id, path, utm FROM page_views_eu_2024 WHERE user_id IS NOT NULL;

-- name: PageViewsDefault :many
SELECT region, path FROM page_views_other;

-- name: PageViewPartitions :many
SELECT tableoid::regclass AS part, region, count(*) FROM page_views GROUP BY 1, 2 ORDER BY 1;

-- name: TopReferrers :many
SELECT coalesce(split_part(regexp_replace(referrer, '^https?://', ''), '/', 1), '(direct)') AS host, count(*) AS views
FROM page_views GROUP BY 1 ORDER BY 2 DESC;

-- name: UtmSources :many
SELECT utm ->> 'source' AS source, utm ->> 'campaign' AS campaign, count(*) FROM page_views WHERE utm IS NOT NULL
GROUP BY ROLLUP (utm ->> 'source', utm ->> 'campaign');

-- name: SlowPages :many
SELECT path, percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95, max(duration_ms) AS worst,
       mode() WITHIN GROUP (ORDER BY referrer) AS common_referrer
FROM page_views GROUP BY path HAVING count(duration_ms) > 0;

-- name: DailyPaths :many
SELECT day, path, views, users, avg_ms FROM daily_paths WHERE day = $1 ORDER BY views DESC;

-- name: RefreshDailyPathsTotals :many
SELECT path, sum(views) AS views FROM daily_paths GROUP BY path ORDER BY 2 DESC;

-- name: MoveOldViews :execrows
WITH moved AS (DELETE FROM page_views WHERE day < $1 RETURNING *)
INSERT INTO page_views (region, day, path, referrer, user_id, duration_ms, utm)
SELECT 'apac', day, path, referrer, user_id, duration_ms, utm FROM moved WHERE region = 'apac';

-- name: WriteMetric :exec
INSERT INTO metrics (series, at, value, labels) VALUES ($1, $2, $3, coalesce($4, '{}'::jsonb))
ON CONFLICT (series, at) DO UPDATE SET value = EXCLUDED.value;

-- name: WriteMetrics :exec
INSERT INTO metrics (series, at, value)
SELECT $1, t, v FROM unnest($2::timestamptz[], $3::numeric[]) AS x(t, v)
ON CONFLICT DO NOTHING;

-- name: MetricSeries :many
SELECT at, value, labels ->> 'host' AS host FROM metrics WHERE series = $1 AND at >= now() - $2::interval ORDER BY at;

-- name: MetricDownsample :many
SELECT series, date_trunc('hour', at) AS hour, avg(value) AS mean, min(value) AS low, max(value) AS high, count(value) AS samples
FROM metrics GROUP BY 1, 2 ORDER BY 1, 2;

-- name: MetricGaps :many
SELECT g.at, m.value FROM generate_series(timestamptz '2024-01-01 00:00+00', timestamptz '2024-01-01 00:03+00', interval '1 minute') AS g(at)
LEFT JOIN metrics m ON m.at = g.at AND m.series = 'cpu';

-- name: MetricLastValue :many
SELECT DISTINCT ON (series) series, at, value FROM metrics ORDER BY series, at DESC;

-- name: MetricsLateral :many
SELECT s.series, last.at, last.value FROM (SELECT DISTINCT series FROM metrics) s
CROSS JOIN LATERAL (SELECT at, value FROM metrics m WHERE m.series = s.series ORDER BY at DESC LIMIT 1) last;

-- name: MetricRate :many
SELECT series, at, value - lag(value) OVER w AS delta, extract(epoch FROM at - lag(at) OVER w) AS seconds
FROM metrics WINDOW w AS (PARTITION BY series ORDER BY at);

-- name: MetricLabels :many
SELECT series, l.key, l.value FROM metrics, jsonb_each_text(labels) AS l;

-- name: DeleteSeries :execrows
DELETE FROM metrics WHERE series = $1;

-- name: ArchiveEvents :execrows
WITH moved AS (DELETE FROM events WHERE occurred_at < $1 RETURNING *)
INSERT INTO events_archive SELECT * FROM moved;

-- name: ArchiveCounts :one
SELECT (SELECT count(*) FROM events_archive) AS archived, (SELECT count(*) FROM events) AS live,
       (SELECT min(occurred_at) FROM events_archive) AS oldest;

-- name: AllEvents :many
SELECT id, occurred_at, kind FROM events UNION ALL SELECT id, occurred_at, kind FROM events_archive ORDER BY occurred_at;

-- name: SessionsPage :many
SELECT id, started_at, ended_at, device, country, pages FROM sessions WHERE started_at < $1 ORDER BY started_at DESC LIMIT $2;

-- name: StartSession :one
INSERT INTO sessions (id, started_at, device, country, user_id) VALUES (gen_random_uuid(), now(), $1, $2, $3)
RETURNING id, started_at, device;

-- name: EndSession :one
UPDATE sessions SET ended_at = now(), pages = pages + $2 WHERE id = $1 AND ended_at IS NULL RETURNING id, ended_at - started_at AS length;

-- name: EndStaleSessions :many
UPDATE sessions s SET ended_at = last.at FROM (
  SELECT session, max(occurred_at) AS at FROM events WHERE session IS NOT NULL GROUP BY session
) last WHERE last.session = s.id AND s.ended_at IS NULL AND last.at < now() - interval '1 hour'
RETURNING s.id, s.ended_at;

-- name: SessionSummary :many
SELECT id, started_at, ended_at, device, country, events, revenue FROM session_summary ORDER BY started_at;

-- name: SessionDurations :many
SELECT device, count(*) AS sessions, avg(ended_at - started_at) AS mean, max(ended_at - started_at) AS longest,
       sum(pages) AS pages, justify_hours(sum(ended_at - started_at)) AS total
FROM sessions GROUP BY device ORDER BY device;

-- name: SessionsByCountry :many
SELECT coalesce(country, '--') AS country, count(*) FILTER (WHERE ended_at IS NULL) AS open,
       count(*) FILTER (WHERE ended_at IS NOT NULL) AS closed
FROM sessions GROUP BY country ORDER BY country NULLS FIRST;

-- name: SessionsWithoutEvents :many
SELECT s.id FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.session = s.id);

-- name: SessionEventsJson :many
SELECT s.id, jsonb_agg(jsonb_build_object('kind', e.kind, 'at', e.occurred_at) ORDER BY e.occurred_at) AS timeline
FROM sessions s JOIN events e ON e.session = s.id GROUP BY s.id;

-- name: UsersActivity :many
SELECT u AS user_id, count(e.id) AS events FROM unnest($1::bigint[]) AS u LEFT JOIN events e ON e.user_id = u GROUP BY u;

-- name: RollupUpsertMerge :exec
MERGE INTO daily_rollup d
USING (SELECT occurred_at::date AS day, kind, count(*) AS n, sum(amount) AS total FROM events
       WHERE occurred_at >= $1 GROUP BY 1, 2) s ON d.day = s.day AND d.kind = s.kind
WHEN MATCHED AND s.n = 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET n = s.n, total = s.total
WHEN NOT MATCHED THEN INSERT VALUES (s.day, s.kind, s.n, s.total);

-- name: RollupCompare :many
SELECT r.day, r.kind, r.n, live.n AS live_n, r.n - coalesce(live.n, 0) AS drift
FROM daily_rollup r LEFT JOIN (SELECT occurred_at::date AS day, kind::text AS kind, count(*) AS n FROM events GROUP BY 1, 2) live
ON live.day = r.day AND live.kind = r.kind;

-- name: WeekdayNames :many
SELECT to_char(day, 'Day') AS weekday, extract(isodow FROM day) AS dow, sum(n) AS events FROM daily_rollup GROUP BY 1, 2 ORDER BY 2;

-- name: AgesAndIntervals :many
SELECT id, age(now(), occurred_at) AS age, now() - occurred_at AS elapsed, occurred_at + interval '1 day' AS tomorrow,
       occurred_at::date - date '2024-01-01' AS days_since_new_year, make_date(2024, 1, 1) AS jan1,
       make_timestamptz(2024, 1, 1, 0, 0, 0) AS jan1_ts, to_timestamp(0) AS epoch, extract(epoch FROM occurred_at)::bigint AS unix
FROM events;

-- name: TimezoneViews :many
SELECT occurred_at AT TIME ZONE 'UTC' AS utc, (occurred_at AT TIME ZONE 'America/New_York')::date AS ny_day,
       timezone('Asia/Tokyo', occurred_at) AS tokyo
FROM events;

-- name: PartitionCatalog :many
SELECT c.relname AS partition, pg_get_expr(c.relpartbound, c.oid) AS bound, p.relname AS parent
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent ORDER BY 3, 1;

-- name: PartitionTree :many
SELECT relid::text AS rel, parentrelid::text AS parent, isleaf, level FROM pg_partition_tree('page_views');

-- name: ScalarSubqueries :many
SELECT k.kind, (SELECT count(*) FROM events e WHERE e.kind = k.kind) AS n,
       (SELECT max(occurred_at) FROM events e WHERE e.kind = k.kind) AS last_at
FROM (SELECT DISTINCT kind FROM daily_rollup) k;

-- name: EventsInSessionsFromCountries :many
SELECT id, kind FROM events WHERE session IN (SELECT id FROM sessions WHERE country = ANY($1::text[]));

-- name: KindsNotRolledUp :many
SELECT DISTINCT kind::text AS kind FROM events EXCEPT SELECT kind FROM daily_rollup;

-- name: HavingRevenue :many
SELECT kind, sum(amount) AS revenue FROM events GROUP BY kind HAVING sum(amount) > 0 ORDER BY revenue DESC;

-- name: HavingUsers :many
SELECT user_id, max(amount) AS best FROM events GROUP BY user_id HAVING user_id IS NOT NULL AND max(amount) IS NOT NULL;
