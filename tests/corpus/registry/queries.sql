-- name: GetPackage :one
SELECT id, name, description, keywords, downloads, website, repository FROM packages WHERE name = $1;

-- name: SearchPackages :many
SELECT p.name, p.description, pub.login FROM packages p JOIN publishers pub ON pub.id = p.publisher_id
WHERE p.name ILIKE '%' || $1 || '%' OR $2 = ANY (p.keywords) ORDER BY p.downloads DESC LIMIT $3;

-- name: LatestVersions :many
SELECT DISTINCT ON (v.package_id) v.package_id, v.num, v.published_at FROM versions v
WHERE NOT v.yanked ORDER BY v.package_id, v.major DESC, v.minor DESC, v.patch DESC;

-- name: VersionCount :many
SELECT p.name, count(v.id) AS versions, max(v.published_at) AS last_release
FROM packages p LEFT JOIN versions v ON v.package_id = p.id GROUP BY p.name ORDER BY p.name;

-- name: DownloadsPerDay :many
SELECT day, sum(count) AS total FROM version_downloads WHERE day BETWEEN $1 AND $2 GROUP BY day ORDER BY day;

-- name: Dependents :many
SELECT dp.name AS dependent, v.num, d.req, d.optional FROM dependencies d
JOIN versions v ON v.id = d.version_id JOIN packages dp ON dp.id = v.package_id WHERE d.package_id = $1;

-- name: PublishVersion :one
INSERT INTO versions (package_id, num, major, minor, patch, size_bytes, checksum, features)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, published_at;

-- name: YankVersion :exec
UPDATE versions SET yanked = true WHERE package_id = $1 AND num = $2;

-- name: BumpDownloads :exec
INSERT INTO version_downloads (version_id, day, count) VALUES ($1, current_date, 1)
ON CONFLICT (version_id, day) DO UPDATE SET count = version_downloads.count + 1;

-- name: KeywordCloud :many
SELECT k AS keyword, count(*) AS n FROM packages, unnest(keywords) AS k GROUP BY k ORDER BY n DESC, k;

-- name: FeatureNames :many
SELECT v.num, f.key AS feature, jsonb_array_length(f.value) AS deps FROM versions v, jsonb_each(v.features) AS f;

-- name: ChecksumHex :many
SELECT num, encode(checksum, 'hex') AS hex, coalesce(size_bytes, 0) AS size FROM versions;

-- name: SemverSort :many
SELECT num, (major * 1000000 + minor * 1000 + patch)::bigint AS rank FROM versions WHERE package_id = $1 ORDER BY 2 DESC;

-- name: PublisherStats :many
SELECT pub.login, pub.email, count(p.id) AS packages, coalesce(sum(p.downloads), 0) AS downloads
FROM publishers pub LEFT JOIN packages p ON p.publisher_id = pub.id GROUP BY pub.id ORDER BY downloads DESC;

-- name: RecentlyPublished :many
SELECT p.name, v.num, now() - v.published_at AS age FROM versions v JOIN packages p ON p.id = v.package_id
WHERE v.published_at > now() - make_interval(days => $1) ORDER BY v.published_at DESC;

-- name: DeletePackage :exec
DELETE FROM packages WHERE id = $1 AND publisher_id = $2;

-- name: RenamePackage :one
UPDATE packages SET name = $2, description = coalesce($3, description) WHERE id = $1 RETURNING id, name, description;

-- name: VersionsAsArray :many
SELECT p.name, array_agg(v.num ORDER BY v.published_at) AS nums FROM packages p JOIN versions v ON v.package_id = p.id GROUP BY p.name;

-- name: SizeStats :one
SELECT avg(size_bytes) AS mean, min(size_bytes) AS smallest, max(size_bytes) AS largest, stddev(size_bytes) AS sd FROM versions;

-- name: DaysWithDownloads :many
SELECT d::date AS day, coalesce(sum(vd.count), 0) AS n
FROM generate_series('2024-01-01'::date, '2024-01-03'::date, interval '1 day') AS d
LEFT JOIN version_downloads vd ON vd.day = d::date GROUP BY d ORDER BY d;

-- name: OptionalDeps :many
SELECT version_id, package_id, kind FROM dependencies WHERE optional AND kind = ANY ($1::smallint[]);

-- name: PackagesWithoutVersions :many
SELECT p.id, p.name FROM packages p WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.package_id = p.id);

-- name: MaxVersionPerPackage :many
SELECT package_id, max(major) AS major FROM versions GROUP BY package_id HAVING max(major) >= $1;

-- name: JsonSummary :many
SELECT jsonb_build_object('name', p.name, 'downloads', p.downloads) AS doc, to_jsonb(p.keywords) AS kw FROM packages p;

-- name: LowerNames :many
SELECT lower(name) AS lname, upper(left(name, 1)) AS initial, length(name) AS len, split_part(name, '-', 1) AS head FROM packages;

-- name: SublinkParamFromColumn :many
SELECT 1 AS one WHERE $1 = ANY (SELECT 1 UNION SELECT 2);

-- name: SublinkUnknownOutputIsText :many
SELECT (SELECT $1) AS echoed, ARRAY(SELECT $2) AS arr, EXISTS (SELECT $3) AS e;

-- name: CreatePublisher :one
INSERT INTO publishers (login, email) VALUES ($1, $2) RETURNING id, login, email, verified, created_at;

-- name: UpsertPublisher :one
INSERT INTO publishers (login, email) VALUES ($1, $2)
ON CONFLICT (login) DO UPDATE SET email = coalesce(EXCLUDED.email, publishers.email)
RETURNING id, email;

-- name: PublisherByLogin :one
SELECT id, login, email, verified, created_at FROM publishers WHERE lower(login) = lower($1);

-- name: VerifyPublisher :exec
UPDATE publishers SET verified = true WHERE id = $1;

-- name: CreatePackage :one
INSERT INTO packages (name, publisher_id, description, keywords, website, repository)
VALUES ($1, $2, $3, coalesce($4, '{}'::text[]), $5, $6)
RETURNING id, name, keywords, downloads, created_at;

-- name: PackagesPage :many
SELECT id, name, downloads FROM packages ORDER BY downloads DESC, id LIMIT $1 OFFSET $2;

-- name: PackagesAfterName :many
SELECT id, name FROM packages WHERE name > $1 ORDER BY name LIMIT 50;

-- name: PackagesFiltered :many
SELECT p.id, p.name, p.description FROM packages p
WHERE ($1::text IS NULL OR p.name ILIKE $1 || '%')
  AND ($2::bigint IS NULL OR p.publisher_id = $2)
  AND ($3::text[] IS NULL OR p.keywords && $3)
  AND ($4::bigint IS NULL OR p.downloads >= $4)
ORDER BY p.name;

-- name: PackagesByNames :many
SELECT id, name FROM packages WHERE name = ANY($1::text[]) ORDER BY array_position($1::text[], name);

-- name: PackageWithPublisher :one
SELECT p.*, pub.login, pub.verified FROM packages p JOIN publishers pub ON pub.id = p.publisher_id WHERE p.id = $1;

-- name: UpdatePackageMeta :one
UPDATE packages SET description = $2, website = $3, repository = $4, keywords = $5 WHERE id = $1
RETURNING id, description, website, repository, keywords;

-- name: AddKeyword :exec
UPDATE packages SET keywords = array_append(keywords, $2) WHERE id = $1 AND NOT ($2 = ANY(keywords));

-- name: RemoveKeyword :exec
UPDATE packages SET keywords = array_remove(keywords, $2::text) WHERE id = $1;

-- name: KeywordStats :many
SELECT id, name, array_length(keywords, 1) AS n, keywords[1] AS first, keywords[2:3] AS next_two,
       cardinality(keywords) AS card, array_to_string(keywords, ' ') AS joined
FROM packages;

-- name: PackagesSharingKeywords :many
SELECT a.name, b.name AS other, ARRAY(SELECT unnest(a.keywords) INTERSECT SELECT unnest(b.keywords)) AS shared
FROM packages a JOIN packages b ON a.id < b.id AND a.keywords && b.keywords;

-- name: IncrementDownloads :exec
UPDATE packages p SET downloads = p.downloads + v.n
FROM (SELECT v.package_id, sum(vd.count) AS n FROM version_downloads vd JOIN versions v ON v.id = vd.version_id
      WHERE vd.day = $1 GROUP BY v.package_id) v
WHERE v.package_id = p.id;

-- name: BulkRecordDownloads :exec
INSERT INTO version_downloads (version_id, day, count)
SELECT * FROM unnest($1::bigint[], $2::date[], $3::int[])
ON CONFLICT (version_id, day) DO UPDATE SET count = version_downloads.count + EXCLUDED.count;

-- name: VersionsOfPackage :many
SELECT id, num, yanked, size_bytes, license, rust_version, published_at FROM versions
WHERE package_id = $1 ORDER BY major DESC, minor DESC, patch DESC;

-- name: VersionByNum :one
SELECT v.id, v.num, v.checksum, v.features, v.yank_message FROM versions v JOIN packages p ON p.id = v.package_id
WHERE p.name = $1 AND v.num = $2;

-- name: YankWithMessage :one
UPDATE versions SET yanked = true, yank_message = nullif(trim($3::text), '') WHERE package_id = $1 AND num = $2
RETURNING id, yanked, yank_message;

-- name: UnyankAll :many
UPDATE versions SET yanked = false, yank_message = NULL WHERE package_id = $1 AND yanked RETURNING num;

-- name: NewestPerPackage :many
SELECT DISTINCT ON (package_id) package_id, num, semver_key(major, minor, patch) AS key
FROM versions WHERE NOT yanked ORDER BY package_id, key DESC;

-- name: VersionRanks :many
SELECT package_id, num,
       row_number() OVER (PARTITION BY package_id ORDER BY published_at) AS nth,
       rank() OVER (ORDER BY coalesce(size_bytes, 0) DESC) AS size_rank,
       lag(num) OVER (PARTITION BY package_id ORDER BY published_at) AS previous,
       lead(published_at) OVER (PARTITION BY package_id ORDER BY published_at) AS next_release,
       ntile(2) OVER (ORDER BY id) AS half,
       size_bytes - avg(size_bytes) OVER (PARTITION BY package_id) AS vs_mean
FROM versions;

-- name: SizeGrowth :many
SELECT num, size_bytes, size_bytes - lag(size_bytes, 1, 0::bigint) OVER w AS growth,
       last_value(num) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS latest
FROM versions WHERE package_id = $1 WINDOW w AS (ORDER BY published_at);

-- name: FeaturesOfVersion :many
SELECT f.key AS feature, e.value AS dependency FROM versions v, jsonb_each(v.features) f,
LATERAL jsonb_array_elements_text(f.value) e WHERE v.id = $1;

-- name: VersionsWithFeature :many
SELECT id, num FROM versions WHERE features ? $1 OR features @> jsonb_build_object($1::text, '[]'::jsonb);

-- name: FeatureCount :many
SELECT num, (SELECT count(*) FROM jsonb_object_keys(features)) AS n, features = '{}' AS no_features,
       jsonb_path_query_array(features, '$.*[*]') AS all_deps
FROM versions;

-- name: LicenseBreakdown :many
SELECT coalesce(license, 'unknown') AS license, count(*) AS versions, count(DISTINCT package_id) AS packages
FROM versions GROUP BY ROLLUP (coalesce(license, 'unknown')) ORDER BY 1 NULLS LAST;

-- name: LicenseByMajor :many
SELECT license, major, count(*) FROM versions GROUP BY GROUPING SETS ((license), (major), ()) ORDER BY 1, 2;

-- name: DependencyTree :many
WITH RECURSIVE deps (package_id, depth, path) AS (
    SELECT d.package_id, 1, ARRAY[$1::bigint, d.package_id]
    FROM dependencies d JOIN versions v ON v.id = d.version_id WHERE v.package_id = $1
    UNION
    SELECT d.package_id, deps.depth + 1, deps.path || d.package_id
    FROM deps JOIN versions v ON v.package_id = deps.package_id JOIN dependencies d ON d.version_id = v.id
    WHERE deps.depth < 5 AND NOT d.package_id = ANY(deps.path)
)
SELECT DISTINCT p.name, deps.depth FROM deps JOIN packages p ON p.id = deps.package_id ORDER BY deps.depth, p.name;

-- name: ReverseDependencies :many
SELECT p.name, count(DISTINCT v.package_id) AS dependents FROM packages p
LEFT JOIN dependencies d ON d.package_id = p.id LEFT JOIN versions v ON v.id = d.version_id
GROUP BY p.id ORDER BY dependents DESC, p.name;

-- name: DependenciesOfVersion :many
SELECT p.name, d.req, d.optional, CASE d.kind WHEN 0 THEN 'normal' WHEN 1 THEN 'dev' ELSE 'build' END AS kind
FROM dependencies d JOIN packages p ON p.id = d.package_id WHERE d.version_id = $1;

-- name: AddDependencies :exec
INSERT INTO dependencies (version_id, package_id, req, optional, kind)
SELECT $1, p.id, r.req, r.optional, r.kind
FROM unnest($2::text[], $3::text[], $4::bool[], $5::smallint[]) AS r(name, req, optional, kind)
JOIN packages p ON p.name = r.name
ON CONFLICT (version_id, package_id) DO NOTHING;

-- name: UnusedOptionalDeps :many
SELECT d.version_id, d.package_id FROM dependencies d WHERE d.optional
AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.id = d.version_id AND v.features::text LIKE '%' || d.package_id || '%');

-- name: AddOwner :one
INSERT INTO owners (package_id, publisher_id, role, invited_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (package_id, publisher_id) DO UPDATE SET role = EXCLUDED.role
RETURNING package_id, publisher_id, role, added_at;

-- name: OwnersOfPackage :many
SELECT pub.login, o.role, o.added_at, inv.login AS invited_by FROM owners o
JOIN publishers pub ON pub.id = o.publisher_id LEFT JOIN publishers inv ON inv.id = o.invited_by
WHERE o.package_id = $1 ORDER BY o.role, pub.login;

-- name: PackagesOwnedBy :many
SELECT p.name, o.role FROM owners o JOIN packages p ON p.id = o.package_id WHERE o.publisher_id = $1 AND o.role = ANY($2::owner_role[]);

-- name: RemoveOwner :execrows
DELETE FROM owners WHERE package_id = $1 AND publisher_id = $2 AND role <> 'owner';

-- name: CanPublish :one
SELECT is_owner($1, $2) AS allowed;

-- name: OwnerCounts :many
SELECT p.name, count(*) FILTER (WHERE o.role = 'owner') AS owners, count(*) FILTER (WHERE o.role = 'maintainer') AS maintainers,
       string_agg(pub.login, ', ' ORDER BY pub.login) AS logins
FROM packages p JOIN owners o ON o.package_id = p.id JOIN publishers pub ON pub.id = o.publisher_id GROUP BY p.name;

-- name: PublishersWithoutPackages :many
SELECT login FROM publishers pub WHERE NOT EXISTS (SELECT FROM packages p WHERE p.publisher_id = pub.id)
AND pub.id NOT IN (SELECT publisher_id FROM owners);

-- name: CategoryTree :many
WITH RECURSIVE tree AS (
    SELECT id, slug, parent_id, slug AS path, 0 AS depth FROM categories WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, c.slug, c.parent_id, tree.path || '::' || c.slug, tree.depth + 1 FROM categories c JOIN tree ON c.parent_id = tree.id
)
SELECT id, slug, parent_id, path, depth FROM tree ORDER BY path;

-- name: CategoriesWithCounts :many
SELECT c.slug, c.description, count(pc.package_id) AS packages, parent.slug AS parent
FROM categories c LEFT JOIN package_categories pc ON pc.category_id = c.id LEFT JOIN categories parent ON parent.id = c.parent_id
GROUP BY c.id, parent.slug ORDER BY packages DESC, c.slug;

-- name: SetCategories :exec
WITH cleared AS (DELETE FROM package_categories WHERE package_id = $1)
INSERT INTO package_categories (package_id, category_id)
SELECT $1, id FROM categories WHERE slug = ANY($2::text[]);

-- name: PackagesInCategory :many
SELECT p.name, p.downloads FROM packages p
WHERE p.id IN (SELECT pc.package_id FROM package_categories pc JOIN categories c ON c.id = pc.category_id WHERE c.slug = $1)
ORDER BY p.downloads DESC;

-- name: CategorySlugs :many
SELECT p.name, array_agg(c.slug ORDER BY c.slug) FILTER (WHERE c.slug IS NOT NULL) AS categories
FROM packages p LEFT JOIN package_categories pc ON pc.package_id = p.id LEFT JOIN categories c ON c.id = pc.category_id
GROUP BY p.name;

-- name: CreateToken :one
INSERT INTO api_tokens (publisher_id, name, token_hash, scopes, expires_at)
VALUES ($1, $2, sha256(convert_to($3::text, 'UTF8')), $4, $5) RETURNING id, created_at;

-- name: TokenLookup :one
SELECT t.id, t.publisher_id, pub.login, t.scopes FROM api_tokens t JOIN publishers pub ON pub.id = t.publisher_id
WHERE t.token_hash = sha256(convert_to($1::text, 'UTF8')) AND (t.expires_at IS NULL OR t.expires_at > now());

-- name: TouchToken :exec
UPDATE api_tokens SET last_used_at = now() WHERE id = $1;

-- name: TokensOfPublisher :many
SELECT id, name, coalesce(scopes, '{}') AS scopes, last_used_at, expires_at, expires_at < now() AS expired,
       coalesce(array_length(scopes, 1), 0) AS n_scopes
FROM api_tokens WHERE publisher_id = $1 ORDER BY created_at DESC;

-- name: RevokeToken :one
DELETE FROM api_tokens WHERE id = $1 AND publisher_id = $2 RETURNING name;

-- name: PurgeExpiredTokens :many
DELETE FROM api_tokens t USING publishers p WHERE p.id = t.publisher_id AND t.expires_at < now() - $1::interval RETURNING t.id, p.login;

-- name: SummaryView :many
SELECT id, name, description, downloads, publisher, newest FROM package_summaries ORDER BY downloads DESC;

-- name: SummaryViewFiltered :many
SELECT name, newest FROM package_summaries WHERE newest IS NOT NULL AND publisher = $1;

-- name: RecentDownloadsMat :many
SELECT p.name, r.downloads FROM recent_downloads r JOIN packages p ON p.id = r.package_id ORDER BY r.downloads DESC;

-- name: Search :many
SELECT id, name, rank FROM package_search($1) ORDER BY rank DESC;

-- name: SearchLimited :many
SELECT s.name, p.downloads FROM package_search($1, max_results => $2) s JOIN packages p ON p.id = s.id;

-- name: SemverKeys :many
SELECT num, semver_key(major, minor, patch) AS key FROM versions ORDER BY 2 DESC;

-- name: DownloadsByWeek :many
SELECT date_trunc('week', day)::date AS week, sum(count) AS downloads, max(count) AS peak FROM version_downloads
GROUP BY 1 ORDER BY 1;

-- name: DownloadsCalendar :many
SELECT d::date AS day, extract(isodow FROM d) AS weekday, coalesce(x.n, 0) AS downloads
FROM generate_series($1::date, $2::date, '1 day'::interval) d
LEFT JOIN (SELECT day, sum(count) AS n FROM version_downloads GROUP BY day) x ON x.day = d::date ORDER BY 1;

-- name: DownloadsMovingAverage :many
SELECT day, sum(count) AS n, avg(sum(count)) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS avg7
FROM version_downloads GROUP BY day ORDER BY day;

-- name: TopPackagesPerPublisher :many
SELECT login, name, downloads FROM (
  SELECT pub.login, p.name, p.downloads, rank() OVER (PARTITION BY pub.id ORDER BY p.downloads DESC) AS r
  FROM publishers pub JOIN packages p ON p.publisher_id = pub.id) ranked
WHERE r <= 3;

-- name: PublisherPackagesLateral :many
SELECT pub.login, top.name, top.downloads FROM publishers pub
LEFT JOIN LATERAL (SELECT name, downloads FROM packages p WHERE p.publisher_id = pub.id ORDER BY downloads DESC LIMIT 1) top ON true;

-- name: PackageAge :many
SELECT name, age(now(), created_at) AS age, extract(year FROM created_at) AS year, to_char(created_at, 'YYYY-MM-DD') AS created,
       created_at::date AS day, date_part('epoch', now() - created_at)::bigint AS seconds
FROM packages;

-- name: NameParts :many
SELECT name, split_part(name, '-', 2) AS suffix, position('-' IN name) AS dash, strpos(name, 'o') AS o,
       regexp_replace(name, '[^a-z]', '', 'g') AS letters, translate(name, 'aeiou', 'AEIOU') AS vowels,
       substring(name, 1, 3) AS prefix, name ~ '^[a-z]+$' AS simple, char_length(name) AS chars,
       md5(name) AS hash, quote_ident(name) AS ident, quote_literal(name) AS lit, quote_nullable(description) AS qn
FROM packages;

-- name: RegexpMatches :many
SELECT num, (regexp_match(num, '^(\d+)\.(\d+)'))[1] AS major_text, regexp_matches(num, '\d+', 'g') AS parts FROM versions;

-- name: NumParts :many
SELECT num, string_to_array(num, '.') AS parts, (string_to_array(num, '.'))[3] AS third,
       split_part(num, '-', 2) <> '' AS prerelease
FROM versions;

-- name: SizeCasts :many
SELECT num, size_bytes::numeric / 1024 AS kib, round(size_bytes / 1024.0, 2) AS kib2, size_bytes::text AS text,
       pg_size_pretty(size_bytes) AS pretty, (size_bytes > 1000)::int AS big
FROM versions;

-- name: ChecksumChecks :many
SELECT num, length(checksum) AS len, checksum = decode($1, 'hex') AS matches, encode(sha256(checksum), 'base64') AS sha,
       get_byte(checksum, 0) AS first_byte
FROM versions;

-- name: JsonDoc :one
SELECT jsonb_build_object(
  'name', p.name, 'keywords', to_jsonb(p.keywords),
  'versions', (SELECT jsonb_agg(jsonb_build_object('num', v.num, 'yanked', v.yanked) ORDER BY v.published_at) FROM versions v WHERE v.package_id = p.id),
  'owner', (SELECT login FROM publishers WHERE id = p.publisher_id)
) AS doc FROM packages p WHERE p.id = $1;

-- name: JsonExport :many
SELECT to_json(array_agg(name ORDER BY name)) AS names, json_object_agg(name, downloads) AS downloads,
       jsonb_agg(DISTINCT publisher_id) AS publishers
FROM packages;

-- name: MergeVersionDownloads :exec
MERGE INTO version_downloads t
USING (SELECT $1::bigint AS version_id, $2::date AS day, $3::int AS n) s ON t.version_id = s.version_id AND t.day = s.day
WHEN MATCHED AND s.n = 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET count = t.count + s.n
WHEN NOT MATCHED AND s.n > 0 THEN INSERT (version_id, day, count) VALUES (s.version_id, s.day, s.n);

-- name: DeleteYankedBefore :many
WITH gone AS (
  DELETE FROM versions v WHERE v.yanked AND v.published_at < $1
  AND NOT EXISTS (SELECT 1 FROM version_downloads d WHERE d.version_id = v.id) RETURNING v.id, v.package_id, v.num
)
SELECT p.name, g.num FROM gone g JOIN packages p ON p.id = g.package_id;

-- name: TransferPackage :one
WITH moved AS (UPDATE packages SET publisher_id = $2 WHERE id = $1 RETURNING id, publisher_id),
     owner AS (INSERT INTO owners (package_id, publisher_id, role) SELECT id, publisher_id, 'owner' FROM moved
               ON CONFLICT (package_id, publisher_id) DO UPDATE SET role = 'owner' RETURNING added_at)
SELECT m.id, m.publisher_id, (SELECT added_at FROM owner) AS since FROM moved m;

-- name: CopyDependencies :execrows
INSERT INTO dependencies (version_id, package_id, req, optional, kind)
SELECT $2, package_id, req, optional, kind FROM dependencies WHERE version_id = $1;

-- name: PackagesNotDependedOn :many
SELECT name FROM packages EXCEPT SELECT p.name FROM packages p JOIN dependencies d ON d.package_id = p.id;

-- name: AllNames :many
SELECT name AS label, 'package' AS kind FROM packages
UNION ALL SELECT login, 'publisher' FROM publishers
UNION ALL SELECT slug, 'category' FROM categories ORDER BY 1;

-- name: VersionTableInfo :many
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull
FROM pg_attribute a WHERE a.attrelid = 'versions'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;

-- name: Constraints :many
SELECT conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass ORDER BY conname;

-- name: Indexes :many
SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1;

-- name: TableList :many
SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name;

-- name: VersionsSystemColumns :many
SELECT ctid, xmin::text AS xmin, cmin, tableoid, id FROM versions ORDER BY id LIMIT 2;

-- name: NextPublisherId :one
SELECT nextval('publishers_id_seq') AS id, currval('publishers_id_seq') AS same;

-- name: ServerInfo :one
SELECT version() AS version, current_database() AS db, current_schema() AS schema, current_setting('TimeZone') AS tz,
       pg_backend_pid() AS pid, txid_current() AS txid, inet_server_port() AS port;

-- name: LockPackage :one
SELECT id, downloads FROM packages WHERE id = $1 FOR NO KEY UPDATE NOWAIT;

-- name: PublishersOfPopularPackages :many
SELECT login FROM publishers WHERE id = ANY (SELECT publisher_id FROM packages WHERE downloads > $1);

-- name: DownloadsAllAbove :many
SELECT name FROM packages WHERE downloads > ALL (SELECT count FROM version_downloads WHERE count IS NOT NULL);

-- name: PackagesWithStats :many
SELECT p.name, s.versions, s.last_release, s.total_size
FROM packages p
JOIN (SELECT package_id, count(*) AS versions, max(published_at) AS last_release, sum(size_bytes) AS total_size
      FROM versions GROUP BY package_id) s ON s.package_id = p.id;

-- name: PackagesWithMaybeStats :many
SELECT p.name, s.versions, s.last_release FROM packages p
LEFT JOIN (SELECT package_id, count(*) AS versions, max(published_at) AS last_release FROM versions GROUP BY package_id) s
ON s.package_id = p.id;

-- name: HavingSizes :many
SELECT package_id, max(size_bytes) AS biggest, min(size_bytes) AS smallest FROM versions
GROUP BY package_id HAVING max(size_bytes) IS NOT NULL;

-- name: HavingLicensed :many
SELECT package_id, string_agg(license, ',') AS licenses FROM versions GROUP BY package_id HAVING string_agg(license, ',') <> '';
