-- Votes, bookmarks, notifications and moderation: the rest of a discussion forum.
CREATE TYPE forum.report_reason AS ENUM ('spam', 'abuse', 'off_topic', 'other');
CREATE DOMAIN forum.vote_value AS smallint CHECK (VALUE IN (-1, 1));

CREATE TABLE forum.votes (
    post_id bigint NOT NULL REFERENCES forum.posts (id) ON DELETE CASCADE,
    user_id int NOT NULL REFERENCES forum.users (id),
    value forum.vote_value NOT NULL,
    cast_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, user_id)
);

CREATE TABLE forum.bookmarks (
    user_id int NOT NULL REFERENCES forum.users (id),
    topic_id int NOT NULL REFERENCES forum.topics (id),
    note text,
    last_read_post bigint REFERENCES forum.posts (id),
    PRIMARY KEY (user_id, topic_id)
);

CREATE TABLE forum.notifications (
    id bigserial PRIMARY KEY,
    user_id int NOT NULL REFERENCES forum.users (id),
    post_id bigint REFERENCES forum.posts (id) ON DELETE SET NULL,
    kind text NOT NULL,
    data jsonb NOT NULL DEFAULT '{}',
    read_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE forum.reports (
    id serial PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES forum.posts (id) ON DELETE CASCADE,
    reporter_id int REFERENCES forum.users (id),
    reason forum.report_reason NOT NULL,
    details text,
    resolved_by int REFERENCES forum.users (id),
    resolved_at timestamptz
);

CREATE TABLE forum.bans (
    user_id int PRIMARY KEY REFERENCES forum.users (id),
    reason text NOT NULL,
    banned_until timestamptz,
    banned_by int NOT NULL REFERENCES forum.users (id)
);

ALTER TABLE forum.topics ADD COLUMN pinned_until date;
ALTER TABLE forum.topics ADD COLUMN views int NOT NULL DEFAULT 0;
ALTER TABLE forum.posts ADD COLUMN search_text tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED;

CREATE VIEW forum.post_scores AS
    SELECT p.id, p.topic_id, p.author_id, coalesce(sum(v.value), 0) AS votes, count(v.user_id) AS voters
    FROM forum.posts p LEFT JOIN forum.votes v ON v.post_id = p.id GROUP BY p.id;

CREATE VIEW forum.open_reports AS
    SELECT r.id, r.reason, r.details, p.body, u.name AS reporter
    FROM forum.reports r JOIN forum.posts p ON p.id = r.post_id LEFT JOIN forum.users u ON u.id = r.reporter_id
    WHERE r.resolved_at IS NULL;

CREATE FUNCTION forum.user_reputation(p_user int) RETURNS bigint LANGUAGE sql STABLE
    AS $$ SELECT coalesce(sum(v.value), 0) FROM forum.votes v JOIN forum.posts p ON p.id = v.post_id WHERE p.author_id = p_user $$;

CREATE FUNCTION forum.is_banned(p_user int) RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT EXISTS (SELECT 1 FROM forum.bans WHERE user_id = p_user AND (banned_until IS NULL OR banned_until > now())) $$;

CREATE FUNCTION forum.unread_counts(p_user int) RETURNS TABLE (kind text, unread bigint) LANGUAGE sql STABLE
    AS $$ SELECT kind, count(*) FROM forum.notifications WHERE user_id = p_user AND read_at IS NULL GROUP BY kind $$;
