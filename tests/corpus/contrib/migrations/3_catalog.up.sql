-- A product catalog on contrib types: ltree categories, hstore attributes, citext codes,
-- trigram search, intarray tag ids, cube embeddings and isn barcodes.
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS intarray;
CREATE EXTENSION IF NOT EXISTS cube;
CREATE EXTENSION IF NOT EXISTS isn;
CREATE EXTENSION IF NOT EXISTS tablefunc;

CREATE TABLE categories (
    id serial PRIMARY KEY,
    path ltree NOT NULL UNIQUE,
    label text NOT NULL
);
CREATE INDEX categories_path_gist ON categories USING gist (path);

CREATE TABLE products (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    sku citext NOT NULL UNIQUE,
    name text NOT NULL,
    category ltree,
    attrs hstore NOT NULL DEFAULT '',
    tag_ids int[] NOT NULL DEFAULT '{}',
    embedding cube,
    barcode ean13,
    price_cents int,
    owner_id uuid REFERENCES people (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_name_trgm ON products USING gist (name gist_trgm_ops);

CREATE TABLE sessions (
    token text PRIMARY KEY DEFAULT encode(gen_random_bytes(24), 'hex'),
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    data hstore,
    expires_at timestamptz NOT NULL DEFAULT now() + interval '7 days'
);

ALTER TABLE people ADD COLUMN country citext;
ALTER TABLE people ADD COLUMN login_count int NOT NULL DEFAULT 0;

CREATE VIEW product_listing AS
    SELECT p.id, p.sku, p.name, c.label AS category_label, p.category, nlevel(p.category) AS depth, p.price_cents
    FROM products p LEFT JOIN categories c ON c.path = p.category;

CREATE FUNCTION normalize_name(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT lower(unaccent(t)) $$;

CREATE FUNCTION similar_products(p_name text, p_limit int DEFAULT 5)
    RETURNS TABLE (id uuid, name text, score real) LANGUAGE sql STABLE
    AS $$ SELECT id, name, similarity(name, p_name) FROM products ORDER BY name <-> p_name LIMIT p_limit $$;
