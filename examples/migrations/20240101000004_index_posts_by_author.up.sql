-- strata:no-transaction
-- Built concurrently so writes to posts are not blocked while it builds.
CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_author_id_idx ON posts (author_id);
