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
