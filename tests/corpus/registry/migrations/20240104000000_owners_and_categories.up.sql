-- Co-owners, categories, API tokens and per-version metadata, as a package index grows them.
CREATE TYPE owner_role AS ENUM ('owner', 'maintainer');

CREATE TABLE owners (
    package_id bigint NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    publisher_id bigint NOT NULL REFERENCES publishers (id),
    role owner_role NOT NULL DEFAULT 'maintainer',
    invited_by bigint REFERENCES publishers (id),
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (package_id, publisher_id)
);

CREATE TABLE categories (
    id serial PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    parent_id int REFERENCES categories (id),
    description text
);

CREATE TABLE package_categories (
    package_id bigint NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    category_id int NOT NULL REFERENCES categories (id),
    PRIMARY KEY (package_id, category_id)
);

CREATE TABLE api_tokens (
    id bigserial PRIMARY KEY,
    publisher_id bigint NOT NULL REFERENCES publishers (id),
    name text NOT NULL,
    token_hash bytea NOT NULL UNIQUE,
    scopes text[],
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    expires_at timestamptz
);

ALTER TABLE versions ADD COLUMN license text;
ALTER TABLE versions ADD COLUMN rust_version text;
ALTER TABLE versions ADD COLUMN yank_message text;
ALTER TABLE packages ADD COLUMN max_upload_size int;

CREATE VIEW package_summaries AS
    SELECT p.id, p.name, p.description, p.downloads, pub.login AS publisher,
           (SELECT v.num FROM versions v WHERE v.package_id = p.id AND NOT v.yanked
             ORDER BY v.major DESC, v.minor DESC, v.patch DESC LIMIT 1) AS newest
    FROM packages p JOIN publishers pub ON pub.id = p.publisher_id;

CREATE MATERIALIZED VIEW recent_downloads AS
    SELECT v.package_id, sum(vd.count)::bigint AS downloads
    FROM version_downloads vd JOIN versions v ON v.id = vd.version_id
    WHERE vd.day > '2023-10-01' GROUP BY v.package_id;

CREATE FUNCTION package_search(q text, max_results int DEFAULT 20)
    RETURNS TABLE (id bigint, name text, rank real) LANGUAGE sql STABLE
    AS $$ SELECT p.id, p.name, (CASE WHEN p.name = q THEN 2 ELSE 1 END)::real
          FROM packages p WHERE p.name ILIKE '%' || q || '%' OR p.description ILIKE '%' || q || '%'
          ORDER BY 3 DESC, p.downloads DESC LIMIT max_results $$;

CREATE FUNCTION semver_key(major int, minor int, patch int) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT major::bigint * 1000000 + minor * 1000 + patch $$;

CREATE FUNCTION is_owner(p_package bigint, p_publisher bigint) RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT EXISTS (SELECT 1 FROM owners WHERE package_id = p_package AND publisher_id = p_publisher) $$;
