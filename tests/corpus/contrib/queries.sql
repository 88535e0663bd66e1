-- name: ByEmail :one
SELECT id, email, full_name, nickname FROM people WHERE email = $1;

-- name: Login :one
SELECT id FROM people WHERE email = $1 AND password_hash = crypt($2, password_hash);

-- name: Register :one
INSERT INTO people (email, full_name, password_hash) VALUES ($1, $2, crypt($3, gen_salt('bf', 8))) RETURNING id, created_at;

-- name: Fuzzy :many
SELECT full_name, similarity(full_name, $1) AS sim, word_similarity($1, full_name) AS wsim FROM people
WHERE full_name % $1 ORDER BY sim DESC;

-- name: Phonetic :many
SELECT full_name, soundex(full_name) AS sx, levenshtein(full_name, $1) AS dist, metaphone(full_name, 4) AS mp FROM people;

-- name: Unaccented :many
SELECT unaccent(full_name) AS plain FROM people WHERE unaccent(full_name) ILIKE unaccent($1);

-- name: Uuids :one
SELECT uuid_generate_v5(uuid_ns_url(), 'https://example.com') AS v5, gen_random_uuid() AS r, uuid_generate_v1() AS v1;

-- name: Digests :many
SELECT encode(digest(email::text, 'sha256'), 'hex') AS sha, encode(hmac(full_name, 'key', 'md5'), 'base64') AS mac FROM people;

-- name: Attrs :many
SELECT id, attrs -> 'a' AS a, akeys(attrs) AS keys, attrs ? 'b' AS has_b FROM people;

-- name: Nicknames :many
SELECT coalesce(nickname, email) AS shown, lower(email) AS lemail, upper(nickname) AS unick FROM people;

-- name: RandomBytes :one
SELECT gen_random_bytes(16) AS salt, md5('x') AS m, sha256('x'::bytea) AS s;

-- name: UpdateNick :exec
UPDATE people SET nickname = $1 WHERE id = $2;
