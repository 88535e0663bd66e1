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

-- name: PersonById :one
SELECT id, email, full_name, nickname, attrs, country, login_count, created_at FROM people WHERE id = $1;

-- name: PeopleByEmails :many
SELECT id, email FROM people WHERE email = ANY($1::citext[]);

-- name: PeopleCaseInsensitive :many
SELECT email, email = 'ANN@example.COM' AS is_ann, email::text = 'ANN@example.COM' AS exact, lower(email::text) AS l,
       upper(email) AS u, length(email) AS len, email LIKE '%EXAMPLE%' AS like_ci, strpos(email, 'EXAMPLE') AS pos
FROM people;

-- name: UpsertPerson :one
INSERT INTO people (email, full_name, password_hash) VALUES ($1, $2, crypt($3, gen_salt('bf', 4)))
ON CONFLICT (email) DO UPDATE SET full_name = EXCLUDED.full_name RETURNING id, (xmax = 0) AS created;

-- name: ChangePassword :execrows
UPDATE people SET password_hash = crypt($2, gen_salt('bf', 4)) WHERE id = $1 AND password_hash = crypt($3, password_hash);

-- name: LoginAndCount :one
UPDATE people SET login_count = login_count + 1
WHERE email = $1 AND password_hash = crypt($2, password_hash) RETURNING id, login_count;

-- name: PeoplePage :many
SELECT id, email, full_name FROM people WHERE ($1::citext IS NULL OR email > $1) ORDER BY email LIMIT $2;

-- name: PeopleFiltered :many
SELECT id, full_name, country FROM people
WHERE ($1::citext IS NULL OR country = $1) AND ($2::text IS NULL OR full_name % $2) ORDER BY full_name;

-- name: PeopleByCountry :many
SELECT country, count(*) AS people, sum(login_count) AS logins, string_agg(full_name, ', ' ORDER BY full_name) AS names
FROM people GROUP BY country ORDER BY country NULLS LAST;

-- name: SetAttr :exec
UPDATE people SET attrs = coalesce(attrs, '') || hstore($2, $3) WHERE id = $1;

-- name: DeleteAttr :exec
UPDATE people SET attrs = delete(attrs, $2) WHERE id = $1;

-- name: AttrDetails :many
SELECT id, attrs -> 'a' AS a, attrs ? 'a' AS has_a, attrs ?| ARRAY['a', 'z'] AS any_key, attrs ?& ARRAY['a', 'b'] AS all_keys,
       akeys(attrs) AS keys, avals(attrs) AS vals, hstore_to_json(attrs) AS json, hstore_to_jsonb(attrs) AS jsonb,
       attrs @> 'a=>1' AS contains, array_length(akeys(attrs), 1) AS n
FROM people;

-- name: AttrPairs :many
SELECT p.id, e.key, e.value FROM people p, each(p.attrs) AS e;

-- name: AttrKeysCount :many
SELECT k, count(*) FROM people, skeys(attrs) AS k GROUP BY k ORDER BY k;

-- name: AttrSlice :many
SELECT id, slice(attrs, ARRAY['a']) AS only_a, attrs -> ARRAY['a', 'b'] AS ab, defined(attrs, 'b') AS b_defined,
       exist(attrs, 'b') AS b_exists, hstore_to_array(attrs) AS flat
FROM people;

-- name: PeopleWithAttr :many
SELECT id FROM people WHERE attrs -> $1 = $2;

-- name: FuzzySearch :many
SELECT id, full_name, similarity(full_name, $1) AS sim, full_name <-> $1 AS dist, strict_word_similarity($1, full_name) AS sws
FROM people WHERE full_name % $1 OR full_name ILIKE '%' || $1 || '%' ORDER BY dist LIMIT 10;

-- name: Trigrams :many
SELECT full_name, show_trgm(full_name) AS trigrams, show_limit() AS lim FROM people;

-- name: WordSimilar :many
SELECT full_name FROM people WHERE $1 <% full_name;

-- name: Phonetics :many
SELECT full_name, soundex(full_name) AS sx, difference(full_name, $1) AS diff, dmetaphone(full_name) AS dm,
       dmetaphone_alt(full_name) AS dma, levenshtein_less_equal(full_name, $1, 5) AS lev5,
       levenshtein(lower(full_name), lower($1), 1, 1, 1) AS lev_costs
FROM people;

-- name: UnaccentSearch :many
SELECT id, full_name, unaccent(full_name) AS plain, normalize_name(full_name) AS normalized FROM people
WHERE normalize_name(full_name) LIKE normalize_name($1) || '%';

-- name: UnaccentDict :one
SELECT unaccent('unaccent', 'Hôtel') AS plain;

-- name: CryptoBits :many
SELECT id, encode(digest(full_name, 'sha1'), 'hex') AS sha1, encode(hmac(email::text, 'secret', 'sha256'), 'hex') AS mac,
       crypt('pw', password_hash) = password_hash AS pw_ok, gen_salt('md5') AS salt,
       pgp_sym_encrypt(full_name, 'k') IS NOT NULL AS encrypted, armor(digest(full_name, 'md5')) AS armored
FROM people;

-- name: EncryptRoundTrip :one
SELECT pgp_sym_decrypt(pgp_sym_encrypt($1, $2), $2) AS plain, encode(encrypt(convert_to($1, 'UTF8'), 'key', 'aes'), 'base64') AS aes;

-- name: UuidKinds :one
SELECT uuid_generate_v4() AS v4, uuid_generate_v3(uuid_ns_dns(), 'example.com') AS v3, uuid_nil() AS nil,
       uuid_ns_oid() AS ns, gen_random_uuid()::text AS text;

-- name: CreateCategory :one
INSERT INTO categories (path, label) VALUES ($1, $2) RETURNING id, path, nlevel(path) AS depth;

-- name: CategoryChildren :many
SELECT id, path, label, nlevel(path) AS depth FROM categories WHERE path <@ $1 ORDER BY path;

-- name: CategoryAncestors :many
SELECT id, path, label FROM categories WHERE path @> $1 ORDER BY nlevel(path);

-- name: CategoryMatch :many
SELECT path, label FROM categories WHERE path ~ $1::lquery;

-- name: CategoryText :many
SELECT path, ltree2text(path) AS text, subpath(path, 0, 1) AS root, subltree(path, 0, 1) AS root2,
       index(path, 'garden') AS garden_at, path || 'extra' AS extended, lca(path, 'top.kitchen') AS common,
       text2ltree('a.b') AS parsed, nlevel(path) - 1 AS parents
FROM categories;

-- name: CategoryLevels :many
SELECT subpath(path, 0, 2) AS section, count(*) FROM categories WHERE nlevel(path) >= 2 GROUP BY 1 ORDER BY 1;

-- name: MoveCategory :execrows
UPDATE categories SET path = $2 || subpath(path, nlevel($1)) WHERE path <@ $1 AND path <> $1;

-- name: CreateProduct :one
INSERT INTO products (sku, name, category, attrs, tag_ids, price_cents, owner_id)
VALUES ($1, $2, $3, coalesce($4, ''::hstore), coalesce($5, '{}'::int[]), $6, $7)
RETURNING id, sku, created_at;

-- name: ProductsInCategory :many
SELECT p.id, p.name, p.category, c.label FROM products p LEFT JOIN categories c ON c.path = p.category
WHERE p.category <@ $1 ORDER BY p.name;

-- name: ProductsBySku :many
SELECT id, sku, name FROM products WHERE sku = ANY($1::citext[]);

-- name: ProductSearch :many
SELECT id, name, similarity(name, $1) AS score FROM products WHERE name % $1 ORDER BY name <-> $1 LIMIT $2;

-- name: SimilarProducts :many
SELECT id, name, score FROM similar_products($1) ORDER BY score DESC;

-- name: SimilarProductsNamed :many
SELECT s.name, s.score FROM similar_products(p_name => $1, p_limit => 2) s;

-- name: ProductAttrs :many
SELECT id, name, attrs -> 'color' AS color, (attrs -> 'length')::int AS length, attrs ? 'fuel' AS has_fuel,
       hstore_to_jsonb(attrs) ->> 'color' AS color_json, array_length(akeys(attrs), 1) AS n_attrs
FROM products;

-- name: ProductsWithAttrs :many
SELECT id, name FROM products WHERE attrs @> $1::hstore;

-- name: ProductTags :many
SELECT id, tag_ids, icount(tag_ids) AS n, sort(tag_ids) AS sorted, uniq(sort(tag_ids)) AS uniq, tag_ids | 5 AS plus5,
       tag_ids & ARRAY[2, 3] AS common, idx(tag_ids, 2) AS pos2, subarray(tag_ids, 1, 2) AS first2
FROM products;

-- name: ProductsWithTags :many
SELECT id, name FROM products WHERE tag_ids && $1::int[] OR tag_ids @> ARRAY[$2::int];

-- name: ProductsQueryInt :many
SELECT id, name FROM products WHERE tag_ids @@ '1|4'::query_int;

-- name: TagUsage :many
SELECT t AS tag_id, count(*) FROM products, unnest(tag_ids) AS t GROUP BY t ORDER BY t;

-- name: ProductEmbeddings :many
SELECT id, name, embedding, cube_dim(embedding) AS dims, cube_distance(embedding, '(0,0,0)') AS dist,
       embedding <-> cube(ARRAY[1, 1, 1]::float8[]) AS l2, cube_ll_coord(embedding, 1) AS x
FROM products WHERE embedding IS NOT NULL;

-- name: NearestProducts :many
SELECT id, name FROM products WHERE embedding IS NOT NULL ORDER BY embedding <-> cube($1::float8[]) LIMIT 3;

-- name: Barcodes :many
SELECT id, barcode, barcode::text AS text, isn_weak() AS weak, make_valid(barcode) AS valid FROM products WHERE barcode IS NOT NULL;

-- name: ProductsListing :many
SELECT id, sku, name, category_label, category, depth, price_cents FROM product_listing ORDER BY name;

-- name: ProductPrices :many
SELECT category, count(*) AS n, min(price_cents) AS low, max(price_cents) AS high, avg(price_cents)::int AS mean,
       sum(price_cents) FILTER (WHERE price_cents > 2000) AS premium
FROM products GROUP BY ROLLUP (category) ORDER BY category;

-- name: ProductRanks :many
SELECT name, price_cents, rank() OVER (PARTITION BY subpath(category, 0, 1) ORDER BY price_cents DESC NULLS LAST) AS r,
       price_cents - lag(price_cents) OVER (ORDER BY price_cents) AS step
FROM products;

-- name: ProductsOfOwners :many
SELECT p.name, o.email, o.full_name FROM products p LEFT JOIN people o ON o.id = p.owner_id ORDER BY p.name;

-- name: OwnersWithProducts :many
SELECT o.email, array_agg(p.sku ORDER BY p.sku) AS skus FROM people o JOIN products p ON p.owner_id = o.id GROUP BY o.email;

-- name: PeopleWithoutProducts :many
SELECT email FROM people o WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.owner_id = o.id);

-- name: DeleteProduct :one
DELETE FROM products WHERE sku = $1 RETURNING id, name;

-- name: ReassignProducts :execrows
UPDATE products p SET owner_id = n.id FROM people n WHERE n.email = $2 AND p.owner_id = (SELECT id FROM people WHERE email = $1);

-- name: ImportProducts :many
INSERT INTO products (sku, name, price_cents)
SELECT s, n, c FROM unnest($1::text[], $2::text[], $3::int[]) AS t(s, n, c)
ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, price_cents = EXCLUDED.price_cents
RETURNING id, sku;

-- name: MergeProducts :exec
MERGE INTO products p
USING (SELECT $1::citext AS sku, $2::text AS name, $3::int AS price) s ON p.sku = s.sku
WHEN MATCHED AND s.price IS NULL THEN DELETE
WHEN MATCHED THEN UPDATE SET name = s.name, price_cents = s.price
WHEN NOT MATCHED THEN INSERT (sku, name, price_cents) VALUES (s.sku, s.name, s.price);

-- name: CreateSession :one
INSERT INTO sessions (person_id, data) VALUES ($1, $2) RETURNING token, expires_at;

-- name: SessionLookup :one
SELECT s.token, p.id, p.email, s.data -> 'theme' AS theme FROM sessions s JOIN people p ON p.id = s.person_id
WHERE s.token = $1 AND s.expires_at > now();

-- name: ExtendSession :one
UPDATE sessions SET expires_at = greatest(expires_at, now()) + interval '7 days' WHERE token = $1 RETURNING expires_at;

-- name: PurgeSessions :many
DELETE FROM sessions WHERE expires_at < now() RETURNING token, person_id;

-- name: SessionsPerPerson :many
SELECT p.email, count(s.token) AS sessions, max(s.expires_at) AS latest FROM people p LEFT JOIN sessions s ON s.person_id = p.id GROUP BY p.email;

-- name: SessionData :many
SELECT token, coalesce(data, '') AS data, data -> 'theme' AS theme, exist(data, 'theme') AS themed FROM sessions;

-- name: CrossTab :many
SELECT * FROM crosstab('SELECT email::text, key, value FROM people, each(attrs) ORDER BY 1, 2', 'SELECT DISTINCT key FROM people, each(attrs) ORDER BY 1')
AS ct(email text, a text, b text);

-- name: NormalRand :many
SELECT * FROM normal_rand(3, 0, 1) AS x;

-- name: ConnectBy :many
SELECT * FROM connectby('categories', 'id', 'id', '1', 0) AS t(id int, parent int, level int);

-- name: ExtensionVersions :many
SELECT extname, extversion FROM pg_extension ORDER BY extname;

-- name: CitextColumns :many
SELECT table_name, column_name, udt_name FROM information_schema.columns WHERE udt_name IN ('citext', 'ltree', 'hstore') ORDER BY 1, 2;

-- name: PeopleJson :many
SELECT jsonb_build_object('email', email, 'attrs', hstore_to_jsonb(coalesce(attrs, ''))) AS doc, to_jsonb(email) AS e FROM people;

-- name: PeopleAndProductsUnion :many
SELECT email::text AS label FROM people UNION SELECT sku::text FROM products ORDER BY 1;

-- name: NicknameOrName :many
SELECT coalesce(nickname::text, full_name) AS shown, nullif(nickname, '') AS nick, greatest(email, nickname) AS g FROM people;

-- name: HavingCountries :many
SELECT country, max(login_count) AS top FROM people GROUP BY country HAVING country IS NOT NULL;
