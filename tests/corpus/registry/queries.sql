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
