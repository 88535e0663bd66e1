-- name: TopicList :many
SELECT t.id, t.title, u.name AS author, count(p.id) AS replies, max(p.created_at) AS last_post
FROM forum.topics t JOIN forum.users u ON u.id = t.author_id LEFT JOIN forum.posts p ON p.topic_id = t.id
GROUP BY t.id, u.name ORDER BY last_post DESC NULLS LAST LIMIT $1 OFFSET $2;

-- name: Thread :many
WITH RECURSIVE thread AS (
    SELECT id, parent_id, body, 0 AS depth FROM forum.posts WHERE topic_id = $1 AND parent_id IS NULL
    UNION ALL
    SELECT p.id, p.parent_id, p.body, t.depth + 1 FROM forum.posts p JOIN thread t ON p.parent_id = t.id
)
SELECT id, parent_id, body, depth FROM thread ORDER BY depth, id;

-- name: PostsWithAuthors :many
SELECT p.id, p.body, u.name, u.signature, p.score FROM forum.posts p LEFT JOIN forum.users u ON u.id = p.author_id WHERE p.topic_id = $1;

-- name: TopUsers :many
SELECT u.name, u.karma, rank() OVER (ORDER BY u.karma DESC) AS place, u.karma * 2 AS doubled FROM forum.users u;

-- name: Tagged :many
SELECT t.title, array_agg(g.label ORDER BY g.label) AS tags FROM forum.topics t
JOIN forum.topic_tags tt ON tt.topic_id = t.id JOIN forum.tags g ON g.id = tt.tag_id GROUP BY t.id;

-- name: NewPost :one
INSERT INTO forum.posts (topic_id, author_id, parent_id, body) VALUES ($1, $2, $3, $4) RETURNING id, created_at, edited_at;

-- name: EditPost :one
UPDATE forum.posts SET body = $1, edited_at = now() WHERE id = $2 AND author_id = $3 RETURNING id, edited_at;

-- name: LockTopic :exec
UPDATE forum.topics SET locked = $1 WHERE id = $2;

-- name: UserActivity :many
SELECT u.name, u.last_seen, extract(epoch FROM now() - u.last_seen) AS idle_seconds, age(u.joined) AS membership FROM forum.users u;

-- name: ScoreHistogram :many
SELECT width_bucket(score, -5, 5, 10) AS bucket, count(*) FROM forum.posts GROUP BY 1 ORDER BY 1;

-- name: SearchPosts :many
SELECT id, body FROM forum.posts WHERE body ~* $1 OR body LIKE $2;

-- name: EmptyTopics :many
SELECT id, title FROM forum.topics t WHERE id NOT IN (SELECT topic_id FROM forum.posts);

-- name: UserById :one
SELECT id, name, signature, joined, karma, last_seen, moderator FROM forum.users WHERE id = $1;

-- name: TopicsByTagLabel :many
SELECT t.id, t.title FROM forum.topics t WHERE EXISTS (
  SELECT 1 FROM forum.topic_tags tt JOIN forum.tags g ON g.id = tt.tag_id WHERE tt.topic_id = t.id AND g.label = $1);

-- name: KarmaRound :many
SELECT name, round(karma) AS r, round(karma, 1) AS r1, trunc(karma) AS t, karma::int AS k FROM forum.users;

-- name: PostStats :one
SELECT count(*) AS n, avg(score) AS mean, sum(score) AS total, bool_and(edited_at IS NULL) AS none_edited FROM forum.posts;

-- name: ReplyCounts :many
SELECT parent_id, count(*) AS replies FROM forum.posts WHERE parent_id IS NOT NULL GROUP BY parent_id;

-- name: DeleteTopicTags :exec
DELETE FROM forum.topic_tags WHERE topic_id = $1;

-- name: LatestPerTopic :many
SELECT x.topic_id, x.body FROM (
  SELECT topic_id, body, row_number() OVER (PARTITION BY topic_id ORDER BY created_at DESC) AS rn FROM forum.posts) x
WHERE x.rn = 1;

-- name: Greeting :many
SELECT 'hi ' || name AS greeting, concat(name, ' (', coalesce(signature, '-'), ')') AS display, format('%s!', name) AS f FROM forum.users;

-- name: ThreadTree :many
WITH RECURSIVE tree (id, parent_id, author_id, depth, path) AS (
    SELECT id, parent_id, author_id, 0, ARRAY[id] FROM forum.posts WHERE parent_id IS NULL AND topic_id = $1
    UNION ALL
    SELECT p.id, p.parent_id, p.author_id, t.depth + 1, t.path || p.id
    FROM forum.posts p JOIN tree t ON p.parent_id = t.id
)
SELECT id, parent_id, author_id, depth, path FROM tree ORDER BY path;

-- name: AncestorsOfPost :many
WITH RECURSIVE up AS (
    SELECT id, parent_id, body, 1 AS hops FROM forum.posts WHERE id = 3
    UNION
    SELECT p.id, p.parent_id, p.body, up.hops + 1 FROM forum.posts p JOIN up ON p.id = up.parent_id
)
SELECT id, parent_id, body, hops FROM up;

-- name: NullableOnlyAfterRecursion :many
WITH RECURSIVE walk (id, prev_author, author) AS (
    SELECT id, 0, 1 FROM forum.posts WHERE parent_id IS NULL
    UNION ALL
    SELECT p.id, w.author, p.author_id FROM forum.posts p JOIN walk w ON p.parent_id = w.id
)
SELECT id, prev_author, author FROM walk;

-- name: UntypedSeed :many
WITH RECURSIVE r (label, n) AS (SELECT NULL, 1 UNION ALL SELECT label, n + 1 FROM r WHERE n < 3)
SELECT label, n FROM r;

-- name: CountDown :many
WITH RECURSIVE c (n) AS (SELECT $1::int UNION ALL SELECT n - 1 FROM c WHERE n > 0) SELECT n FROM c;

-- name: MixedNumericUnion :many
SELECT karma AS v FROM forum.users UNION SELECT score FROM forum.posts UNION SELECT 1;

-- name: CaseAndCoalesceCommonTypes :many
SELECT CASE WHEN p.score > 1 THEN p.score ELSE u.karma END AS s,
       coalesce(u.karma, p.score, 0) AS c, greatest(p.id, p.topic_id, 1.5) AS g,
       ARRAY[p.topic_id, p.id] AS ids
FROM forum.posts p LEFT JOIN forum.users u ON u.id = p.author_id;

-- name: ValuesCommonType :many
SELECT v.x, v.y FROM (VALUES (1, NULL), (2.5, 'b'), (3::bigint, NULL)) AS v (x, y);

-- name: IntersectExcept :many
SELECT author_id FROM forum.posts INTERSECT SELECT id FROM forum.users EXCEPT SELECT 99::bigint;

-- name: SignedUsers :many
SELECT id, name, signature, last_seen FROM forum.users WHERE signature IS NOT NULL;

-- name: SeenSince :many
SELECT name, last_seen, signature FROM forum.users WHERE last_seen > '2000-01-01' AND signature LIKE '%';

-- name: NotNarrowedThroughOr :many
SELECT name, signature FROM forum.users WHERE signature = 'cheers' OR last_seen IS NULL;

-- name: NotNarrowedThroughNot :many
SELECT name, signature FROM forum.users WHERE NOT (signature IS NULL AND karma > 100);

-- name: PostsOfKnownAuthors :many
SELECT p.id, p.author_id, u.name, u.signature FROM forum.posts p LEFT JOIN forum.users u ON u.id = p.author_id
WHERE u.name <> '' ;

-- name: LeftJoinOnDoesNotNarrow :many
SELECT p.id, u.name, u.signature FROM forum.posts p LEFT JOIN forum.users u ON u.id = p.author_id AND u.signature IS NOT NULL;

-- name: InnerJoinOnNarrows :many
SELECT p.id, p.author_id, p.parent_id, q.body FROM forum.posts p JOIN forum.posts q ON q.id = p.parent_id;

-- name: StrictFunctionNarrows :many
SELECT name, signature FROM forum.users WHERE length(signature) > 0 AND upper(name) IN ('ANN', 'BOB');

-- name: EditedRecently :many
SELECT id, edited_at, author_id FROM forum.posts WHERE edited_at BETWEEN '2000-01-01' AND now() AND author_id = ANY ('{1,2}');

-- name: RightJoinWhere :many
SELECT u.name, p.id, p.author_id FROM forum.users u RIGHT JOIN forum.posts p ON p.author_id = u.id WHERE u.id > 0;

-- name: CorrelatedFilterDoesNotNarrowOuter :many
SELECT u.signature, (SELECT count(*) FROM forum.posts p WHERE p.body = u.signature) AS n FROM forum.users u;

-- name: DeleteReturningNarrowed :many
DELETE FROM forum.posts WHERE author_id IS NOT NULL AND edited_at IS NULL RETURNING id, author_id, edited_at;

-- name: TagsAfterDoBlock :many
SELECT id, label FROM forum.tags;

-- name: TopicsAfterDoBlock :many
SELECT id, title, locked, author_id FROM forum.topics;

-- name: Register :one
INSERT INTO forum.users (name, signature) VALUES ($1, $2) RETURNING id, name, joined, karma, moderator;

-- name: UsersPage :many
SELECT id, name, karma FROM forum.users ORDER BY karma DESC, id LIMIT $1 OFFSET $2;

-- name: UsersSearch :many
SELECT id, name, signature FROM forum.users
WHERE ($1::text IS NULL OR name ILIKE $1 || '%') AND ($2::bool IS NULL OR moderator = $2) ORDER BY name;

-- name: TouchUser :exec
UPDATE forum.users SET last_seen = localtimestamp WHERE id = $1;

-- name: UpdateSignature :one
UPDATE forum.users SET signature = nullif($2, '') WHERE id = $1 RETURNING signature;

-- name: CreateTopic :one
WITH t AS (INSERT INTO forum.topics (title, author_id) VALUES ($1, $2) RETURNING id, created_at)
INSERT INTO forum.posts (topic_id, author_id, body) SELECT t.id, $2, $3 FROM t RETURNING topic_id, id AS post_id;

-- name: TopicsKeyset :many
SELECT id, title, created_at FROM forum.topics WHERE (created_at, id) < ($1::timestamptz, $2::int) ORDER BY created_at DESC, id DESC LIMIT $3;

-- name: PinnedFirst :many
SELECT id, title, pinned_until, pinned_until >= current_date AS pinned, views FROM forum.topics
ORDER BY (pinned_until >= current_date) DESC NULLS LAST, created_at DESC;

-- name: BumpViews :one
UPDATE forum.topics SET views = views + 1 WHERE id = $1 RETURNING views;

-- name: TagTopic :exec
INSERT INTO forum.topic_tags (topic_id, tag_id) SELECT $1, id FROM forum.tags WHERE label = ANY($2::text[]) ON CONFLICT DO NOTHING;

-- name: UpsertTag :one
INSERT INTO forum.tags (label) VALUES (lower($1)) ON CONFLICT (label) DO UPDATE SET label = EXCLUDED.label RETURNING id, label;

-- name: TagCloud :many
SELECT g.label, count(tt.topic_id) AS topics FROM forum.tags g LEFT JOIN forum.topic_tags tt ON tt.tag_id = g.id GROUP BY g.id, g.label ORDER BY topics DESC;

-- name: TopicsWithAllTags :many
SELECT tt.topic_id FROM forum.topic_tags tt JOIN forum.tags g ON g.id = tt.tag_id
WHERE g.label = ANY($1::text[]) GROUP BY tt.topic_id HAVING count(*) = cardinality($1::text[]);

-- name: Vote :one
INSERT INTO forum.votes (post_id, user_id, value) VALUES ($1, $2, $3)
ON CONFLICT (post_id, user_id) DO UPDATE SET value = EXCLUDED.value, cast_at = now()
RETURNING post_id, value, cast_at;

-- name: Unvote :exec
DELETE FROM forum.votes WHERE post_id = $1 AND user_id = $2;

-- name: PostScores :many
SELECT id, topic_id, author_id, votes, voters FROM forum.post_scores WHERE topic_id = $1 ORDER BY votes DESC;

-- name: VotesByUser :many
SELECT v.post_id, v.value, p.body, t.title FROM forum.votes v JOIN forum.posts p ON p.id = v.post_id
JOIN forum.topics t ON t.id = p.topic_id WHERE v.user_id = $1 ORDER BY v.cast_at DESC;

-- name: VoteTotals :many
SELECT post_id, sum(value) AS score, count(*) FILTER (WHERE value > 0) AS up, count(*) FILTER (WHERE value < 0) AS down,
       sum(value)::float / count(*) AS ratio
FROM forum.votes GROUP BY post_id;

-- name: Reputation :many
SELECT id, name, forum.user_reputation(id) AS reputation FROM forum.users ORDER BY 3 DESC;

-- name: RecalcKarma :exec
UPDATE forum.users u SET karma = s.total FROM (
  SELECT p.author_id, sum(v.value)::numeric AS total FROM forum.votes v JOIN forum.posts p ON p.id = v.post_id GROUP BY p.author_id
) s WHERE s.author_id = u.id;

-- name: Bookmark :exec
INSERT INTO forum.bookmarks (user_id, topic_id, note) VALUES ($1, $2, $3)
ON CONFLICT (user_id, topic_id) DO UPDATE SET note = coalesce(EXCLUDED.note, forum.bookmarks.note);

-- name: MarkRead :exec
UPDATE forum.bookmarks b SET last_read_post = (SELECT max(id) FROM forum.posts p WHERE p.topic_id = b.topic_id)
WHERE b.user_id = $1 AND b.topic_id = $2;

-- name: BookmarksWithUnread :many
SELECT b.topic_id, t.title, b.note,
       (SELECT count(*) FROM forum.posts p WHERE p.topic_id = b.topic_id AND p.id > coalesce(b.last_read_post, 0)) AS unread,
       lr.body AS last_read_body
FROM forum.bookmarks b JOIN forum.topics t ON t.id = b.topic_id LEFT JOIN forum.posts lr ON lr.id = b.last_read_post
WHERE b.user_id = $1;

-- name: Notify :one
INSERT INTO forum.notifications (user_id, post_id, kind, data) VALUES ($1, $2, $3, coalesce($4, '{}'::jsonb)) RETURNING id, created_at;

-- name: NotifyRepliedUsers :execrows
INSERT INTO forum.notifications (user_id, post_id, kind, data)
SELECT DISTINCT parent.author_id, p.id, 'reply', jsonb_build_object('from', u.name)
FROM forum.posts p JOIN forum.posts parent ON parent.id = p.parent_id LEFT JOIN forum.users u ON u.id = p.author_id
WHERE p.id = $1 AND parent.author_id IS NOT NULL AND parent.author_id IS DISTINCT FROM p.author_id;

-- name: Notifications :many
SELECT n.id, n.kind, n.data ->> 'from' AS from_name, n.data, n.read_at, p.body FROM forum.notifications n
LEFT JOIN forum.posts p ON p.id = n.post_id WHERE n.user_id = $1 AND ($2::bool OR n.read_at IS NULL)
ORDER BY n.created_at DESC LIMIT 50;

-- name: MarkAllRead :many
UPDATE forum.notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL RETURNING id, read_at;

-- name: UnreadCounts :many
SELECT kind, unread FROM forum.unread_counts($1);

-- name: UnreadTotal :one
SELECT coalesce(sum(unread), 0) AS total FROM forum.unread_counts($1);

-- name: Report :one
INSERT INTO forum.reports (post_id, reporter_id, reason, details) VALUES ($1, $2, $3, $4) RETURNING id, reason;

-- name: OpenReports :many
SELECT id, reason, details, body, reporter FROM forum.open_reports ORDER BY id;

-- name: ResolveReport :one
UPDATE forum.reports SET resolved_by = $2, resolved_at = now() WHERE id = $1 AND resolved_at IS NULL RETURNING id, resolved_at;

-- name: ReportStats :many
SELECT reason, count(*) AS total, count(resolved_at) AS resolved, avg(resolved_at - p.created_at) AS avg_age
FROM forum.reports r JOIN forum.posts p ON p.id = r.post_id GROUP BY reason ORDER BY reason;

-- name: ReasonsUnused :many
SELECT r FROM unnest(enum_range(NULL::forum.report_reason)) AS r WHERE r NOT IN (SELECT reason FROM forum.reports);

-- name: Ban :exec
INSERT INTO forum.bans (user_id, reason, banned_until, banned_by) VALUES ($1, $2, now() + $3::interval, $4)
ON CONFLICT (user_id) DO UPDATE SET reason = EXCLUDED.reason, banned_until = EXCLUDED.banned_until;

-- name: IsBanned :one
SELECT forum.is_banned($1) AS banned;

-- name: BannedUsers :many
SELECT u.name, b.reason, b.banned_until, m.name AS by, coalesce(b.banned_until::text, 'forever') AS until_text
FROM forum.bans b JOIN forum.users u ON u.id = b.user_id JOIN forum.users m ON m.id = b.banned_by;

-- name: Unban :exec
DELETE FROM forum.bans WHERE user_id = $1;

-- name: PurgeBannedUsersPosts :many
DELETE FROM forum.posts p USING forum.bans b WHERE b.user_id = p.author_id AND b.banned_until IS NULL RETURNING p.id;

-- name: FullTextSearch :many
SELECT id, ts_rank(search_text, q) AS rank, ts_headline('english', body, q) AS snippet
FROM forum.posts, plainto_tsquery('english', $1) q WHERE search_text @@ q ORDER BY rank DESC;

-- name: WebSearch :many
SELECT id, body FROM forum.posts WHERE search_text @@ websearch_to_tsquery('english', $1);

-- name: ThreadWithVotes :many
SELECT p.id, p.parent_id, p.body, u.name AS author, coalesce(s.votes, 0) AS votes,
       row_number() OVER (ORDER BY p.created_at) AS position
FROM forum.posts p LEFT JOIN forum.users u ON u.id = p.author_id LEFT JOIN forum.post_scores s ON s.id = p.id
WHERE p.topic_id = $1 ORDER BY p.created_at;

-- name: BestAnswer :many
SELECT DISTINCT ON (p.topic_id) p.topic_id, p.id, p.body, s.votes FROM forum.posts p JOIN forum.post_scores s ON s.id = p.id
WHERE p.parent_id IS NOT NULL ORDER BY p.topic_id, s.votes DESC, p.id;

-- name: Participants :many
SELECT t.id, array_agg(DISTINCT u.name ORDER BY u.name) AS names, count(DISTINCT p.author_id) AS n
FROM forum.topics t JOIN forum.posts p ON p.topic_id = t.id LEFT JOIN forum.users u ON u.id = p.author_id GROUP BY t.id;

-- name: FirstAndLastPost :many
SELECT t.id, first.body AS first_body, last.body AS last_body, last.created_at AS last_at
FROM forum.topics t
LEFT JOIN LATERAL (SELECT body FROM forum.posts WHERE topic_id = t.id ORDER BY created_at, id LIMIT 1) first ON true
LEFT JOIN LATERAL (SELECT body, created_at FROM forum.posts WHERE topic_id = t.id ORDER BY created_at DESC, id DESC LIMIT 1) last ON true;

-- name: PostDepths :many
WITH RECURSIVE chain AS (
    SELECT id, parent_id, 0 AS depth, id AS root FROM forum.posts WHERE parent_id IS NULL
    UNION ALL
    SELECT p.id, p.parent_id, c.depth + 1, c.root FROM forum.posts p JOIN chain c ON p.parent_id = c.id
)
SELECT root, max(depth) AS deepest, count(*) AS size FROM chain GROUP BY root;

-- name: PostsPerDay :many
SELECT created_at::date AS day, count(*) AS posts, count(DISTINCT author_id) AS authors, sum(length(body)) AS chars
FROM forum.posts GROUP BY 1 ORDER BY 1;

-- name: ActivityHeatmap :many
SELECT extract(dow FROM created_at)::int AS dow, extract(hour FROM created_at)::int AS hour, count(*)
FROM forum.posts GROUP BY CUBE (1, 2);

-- name: UserPostStats :many
SELECT u.name, count(p.id) AS posts, avg(length(p.body))::int AS avg_len, max(p.created_at) AS last_post,
       min(p.score) AS worst, percentile_disc(0.5) WITHIN GROUP (ORDER BY p.score) AS median_score
FROM forum.users u LEFT JOIN forum.posts p ON p.author_id = u.id GROUP BY u.id;

-- name: EditedPosts :many
SELECT id, edited_at - created_at AS edit_delay, date_trunc('minute', edited_at) AS minute,
       to_char(edited_at AT TIME ZONE 'UTC', 'HH24:MI') AS at_utc, edited_at AT TIME ZONE 'Europe/Paris' AS paris
FROM forum.posts WHERE edited_at IS NOT NULL;

-- name: Excerpts :many
SELECT id, left(body, 10) || CASE WHEN length(body) > 10 THEN '…' ELSE '' END AS excerpt,
       initcap(body) AS title_case, ltrim(body, 'f') AS lt, rtrim(body) AS rt, overlay(body PLACING '*' FROM 1 FOR 1) AS masked,
       concat_ws('/', topic_id, id) AS path, to_hex(id) AS hex, body || '' IS NOT NULL AS always
FROM forum.posts;

-- name: WordCounts :many
SELECT w AS word, count(*) FROM forum.posts, regexp_split_to_table(lower(body), '\s+') AS w GROUP BY w ORDER BY 2 DESC, 1;

-- name: MergeBookmarks :exec
MERGE INTO forum.bookmarks b
USING (SELECT $1::int AS user_id, unnest($2::int[]) AS topic_id) s ON b.user_id = s.user_id AND b.topic_id = s.topic_id
WHEN NOT MATCHED THEN INSERT (user_id, topic_id) VALUES (s.user_id, s.topic_id)
WHEN MATCHED THEN UPDATE SET note = NULL;

-- name: ModeratorsAndAuthors :many
SELECT name, 'moderator' AS why FROM forum.users WHERE moderator
UNION SELECT u.name, 'author' FROM forum.users u WHERE EXISTS (SELECT 1 FROM forum.topics t WHERE t.author_id = u.id);

-- name: UsersWithoutPosts :many
SELECT u.id, u.name FROM forum.users u LEFT JOIN forum.posts p ON p.author_id = u.id WHERE p.id IS NULL;

-- name: OrphanReplies :many
SELECT p.id, p.parent_id, parent.id AS found FROM forum.posts p LEFT JOIN forum.posts parent ON parent.id = p.parent_id
WHERE p.parent_id IS NOT NULL;

-- name: TopicAuthorsFull :many
SELECT t.title, u.name FROM forum.topics t FULL OUTER JOIN forum.users u ON u.id = t.author_id;

-- name: KarmaStats :one
SELECT sum(karma) AS total, avg(karma) AS mean, stddev_pop(karma) AS sd, variance(karma) AS var, max(karma) - min(karma) AS spread,
       bit_or(id) AS ids_or, every(karma >= 0) AS all_positive
FROM forum.users;

-- name: UserRowsAsJson :many
SELECT jsonb_build_object('id', id, 'name', name, 'sig', signature) AS doc, jsonb_strip_nulls(jsonb_build_object('sig', signature)) AS clean
FROM forum.users;

-- name: DeleteOldNotifications :execrows
DELETE FROM forum.notifications WHERE read_at < now() - interval '30 days' OR (read_at IS NULL AND created_at < now() - interval '1 year');

-- name: RecentTopicsOfTag :many
SELECT t.id, t.title FROM forum.topics t JOIN forum.topic_tags tt ON tt.topic_id = t.id
WHERE tt.tag_id = (SELECT id FROM forum.tags WHERE label = $1) ORDER BY t.created_at DESC LIMIT 10;

-- name: UsersCatalog :many
SELECT c.column_name, c.is_nullable, c.data_type, c.character_maximum_length, c.numeric_precision
FROM information_schema.columns c WHERE c.table_schema = 'forum' AND c.table_name = 'users' ORDER BY c.ordinal_position;

-- name: ForumRelations :many
SELECT c.relname, c.relkind, obj_description(c.oid, 'pg_class') AS comment FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'forum' ORDER BY 1;

-- name: HavingActiveUsers :many
SELECT author_id, max(edited_at) AS last_edit FROM forum.posts GROUP BY author_id HAVING max(edited_at) IS NOT NULL AND author_id IS NOT NULL;

-- name: SignatureInList :many
SELECT u.name, u.id IN (SELECT p.author_id FROM forum.posts p) AS has_posted,
       u.id NOT IN (SELECT p.author_id FROM forum.posts p) AS never_posted,
       u.id = ANY (SELECT p.author_id FROM forum.posts p) AS any_post,
       u.karma > ALL (SELECT p.score FROM forum.posts p WHERE p.author_id IS NULL) AS beats_anonymous
FROM forum.users u;

-- name: EmptyAggregates :one
SELECT max(id) AS top, count(*) AS n, sum(score) AS total, array_agg(id) AS ids, string_agg(body, ',') AS bodies,
       bool_and(score > 0) AS all_positive, jsonb_agg(id) AS j, jsonb_object_agg(id, body) AS o
FROM forum.posts WHERE id < 0;

-- name: ScalarSubqueryMissing :many
SELECT u.name, (SELECT p.body FROM forum.posts p WHERE p.author_id = u.id ORDER BY p.id LIMIT 1) AS first_post,
       (SELECT count(*) FROM forum.posts p WHERE p.author_id = u.id) AS posts,
       (SELECT max(p.score) FROM forum.posts p WHERE p.author_id = u.id) AS best
FROM forum.users u;

-- name: WindowNulls :many
SELECT id, author_id, lag(id) OVER w AS prev, lead(id, 1, 0::bigint) OVER w AS next_or_zero,
       first_value(body) OVER w AS first_body, last_value(author_id) OVER w AS last_author,
       nth_value(id, 3) OVER w AS third, sum(score) OVER w AS running, count(author_id) OVER w AS authored,
       max(edited_at) OVER w AS last_edit, row_number() OVER w AS rn, percent_rank() OVER w AS pr
FROM forum.posts WINDOW w AS (PARTITION BY topic_id ORDER BY id);

-- name: OuterJoinsBothSides :many
SELECT u.id AS uid, u.name, p.id AS pid, p.body, t.title
FROM forum.users u FULL JOIN forum.posts p ON p.author_id = u.id RIGHT JOIN forum.topics t ON t.id = p.topic_id;

-- name: LateralMaybeEmpty :many
SELECT t.id, x.body, x.n FROM forum.topics t
LEFT JOIN LATERAL (SELECT p.body, count(*) OVER () AS n FROM forum.posts p WHERE p.topic_id = t.id LIMIT 1) x ON true;

-- name: UnionWithNull :many
SELECT name, signature FROM forum.users UNION ALL SELECT 'anonymous', NULL;

-- name: CaseWithoutElse :many
SELECT id, CASE WHEN score > 0 THEN 'up' WHEN score < 0 THEN 'down' END AS direction,
       CASE WHEN author_id IS NULL THEN 'gone' ELSE body END AS shown,
       nullif(body, 'first') AS not_first, coalesce(author_id, parent_id) AS someone,
       greatest(author_id, 0) AS g
FROM forum.posts;

-- name: UnnestWithNulls :many
SELECT x FROM unnest(ARRAY[1, NULL, 3]) AS x;

-- name: ArrayAggWithNullElements :many
SELECT topic_id, array_agg(author_id ORDER BY id) AS authors, array_agg(edited_at) AS edits FROM forum.posts GROUP BY topic_id;

-- name: JsonFieldsMaybeMissing :many
SELECT id, data ->> 'from' AS from_name, data -> 'value' AS value, (data ->> 'value')::int AS n, data #> '{a,b}' AS deep FROM forum.notifications;

-- name: RecursiveWithNullParent :many
WITH RECURSIVE up (id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM forum.posts WHERE id = 3
    UNION ALL
    SELECT p.id, p.parent_id, up.depth + 1 FROM forum.posts p JOIN up ON p.id = up.parent_id
)
SELECT id, parent_id, depth FROM up;

-- name: InsertReturningDefaults :one
INSERT INTO forum.tags (label) VALUES ('new-tag') RETURNING id, label;

-- name: UpdateFromReturning :many
UPDATE forum.topics t SET views = t.views + 1 FROM forum.users u WHERE u.id = t.author_id RETURNING t.id, t.pinned_until, u.signature, u.last_seen;

-- name: DeleteUsingReturning :many
DELETE FROM forum.bookmarks b USING forum.topics t WHERE t.id = b.topic_id AND t.locked = false RETURNING b.note, b.last_read_post, t.pinned_until;

-- name: ConflictDoNothingReturning :many
INSERT INTO forum.tags (label) VALUES ('meta') ON CONFLICT (label) DO NOTHING RETURNING id;

-- name: SubqueryInFromWithAggregate :many
SELECT s.author_id, s.n, s.last FROM (SELECT author_id, count(*) AS n, max(edited_at) AS last FROM forum.posts GROUP BY author_id) s;

-- name: DistinctOnNulls :many
SELECT DISTINCT ON (author_id) author_id, edited_at, body FROM forum.posts ORDER BY author_id, edited_at DESC NULLS LAST;

-- name: ExceptKeepsNulls :many
SELECT author_id FROM forum.posts EXCEPT SELECT id FROM forum.users WHERE moderator;

-- name: ValuesJoin :many
SELECT v.label, g.id FROM (VALUES ('meta'), ('nope'), (NULL)) AS v(label) LEFT JOIN forum.tags g ON g.label = v.label;

-- name: GenerateSeriesJoin :many
SELECT n, p.body FROM generate_series(1, 6) AS n LEFT JOIN forum.posts p ON p.id = n;

-- name: StringFunctionsOfNullable :many
SELECT id, upper(signature) AS up, length(signature) AS len, concat(signature, '!') AS c, signature || '!' AS cat,
       format('%s', signature) AS f, coalesce(signature, '') || '' AS safe, concat_ws(',', name, signature) AS cw
FROM forum.users;

-- name: DateMathOfNullable :many
SELECT id, last_seen + interval '1 day' AS next_day, date_trunc('day', last_seen) AS day, extract(year FROM last_seen) AS y,
       age(last_seen) AS age, last_seen::date AS d, to_char(last_seen, 'YYYY') AS yr
FROM forum.users;

-- name: NotNarrowedByIsNotDistinct :many
SELECT id, signature FROM forum.users WHERE signature IS NOT DISTINCT FROM signature;

-- name: NarrowedByEquality :many
SELECT p.id, p.author_id, p.edited_at FROM forum.posts p WHERE p.author_id = 1 AND p.edited_at > '2000-01-01';
