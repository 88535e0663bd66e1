CREATE SCHEMA forum;
CREATE TABLE forum.users (
    id serial PRIMARY KEY,
    name text NOT NULL,
    signature text,
    joined date NOT NULL DEFAULT current_date,
    karma numeric(10, 2) NOT NULL DEFAULT 0,
    last_seen timestamp
);
CREATE TABLE forum.topics (
    id serial PRIMARY KEY,
    title varchar(300) NOT NULL,
    author_id int NOT NULL REFERENCES forum.users (id),
    locked boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE forum.posts (
    id bigserial PRIMARY KEY,
    topic_id int NOT NULL REFERENCES forum.topics (id),
    author_id int REFERENCES forum.users (id),
    parent_id bigint REFERENCES forum.posts (id),
    body text NOT NULL,
    score real NOT NULL DEFAULT 0,
    edited_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
