INSERT INTO forum.users (name, signature, karma, last_seen) VALUES ('ann', NULL, 3.5, NULL), ('bob', 'cheers', 0, '2024-01-01 10:00');
INSERT INTO forum.topics (title, author_id) VALUES ('hello', 1), ('rust', 2), ('empty', 1);
INSERT INTO forum.posts (topic_id, author_id, parent_id, body, score) VALUES
  (1, 1, NULL, 'first', 1.5), (1, 2, 1, 'reply', 0), (1, NULL, 2, 'deleted user', -1), (2, 2, NULL, 'borrowck', 3);
INSERT INTO forum.tags (label) VALUES ('meta'), ('lang');
INSERT INTO forum.topic_tags VALUES (1, 1), (2, 2);
INSERT INTO forum.tags (label) VALUES (NULL);
