CREATE TABLE forum.tags (id smallserial PRIMARY KEY, label text NOT NULL UNIQUE);
CREATE TABLE forum.topic_tags (topic_id int NOT NULL, tag_id smallint NOT NULL, PRIMARY KEY (topic_id, tag_id));
ALTER TABLE forum.users ADD COLUMN moderator boolean NOT NULL DEFAULT false;
ALTER TABLE forum.posts ALTER COLUMN score TYPE double precision;
ALTER TABLE forum.users ALTER COLUMN signature SET NOT NULL;
ALTER TABLE forum.users ALTER COLUMN signature DROP NOT NULL;
