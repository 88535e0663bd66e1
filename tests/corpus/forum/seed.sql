INSERT INTO forum.users (name, signature, karma, last_seen) VALUES ('ann', NULL, 3.5, NULL), ('bob', 'cheers', 0, '2024-01-01 10:00');
INSERT INTO forum.topics (title, author_id) VALUES ('hello', 1), ('rust', 2), ('empty', 1);
INSERT INTO forum.posts (topic_id, author_id, parent_id, body, score) VALUES
  (1, 1, NULL, 'first', 1.5), (1, 2, 1, 'reply', 0), (1, NULL, 2, 'deleted user', -1), (2, 2, NULL, 'borrowck', 3);
INSERT INTO forum.tags (label) VALUES ('meta'), ('lang');
INSERT INTO forum.topic_tags VALUES (1, 1), (2, 2);
INSERT INTO forum.tags (label) VALUES (NULL);
INSERT INTO forum.users (name, signature, karma, last_seen, moderator) VALUES ('mod', 'be nice', 10, now(), true);
UPDATE forum.posts SET edited_at = '2024-01-02 10:00+00' WHERE id = 2;
INSERT INTO forum.votes (post_id, user_id, value) VALUES (1, 2, 1), (1, 3, 1), (2, 1, -1), (4, 1, 1);
INSERT INTO forum.bookmarks VALUES (1, 1, NULL, 2), (2, 1, 'read later', NULL), (2, 2, NULL, NULL);
INSERT INTO forum.notifications (user_id, post_id, kind, data, read_at) VALUES
  (1, 2, 'reply', '{"from": "bob"}', NULL), (1, NULL, 'system', '{}', '2024-01-03'), (2, 1, 'vote', '{"value": 1}', NULL);
INSERT INTO forum.reports (post_id, reporter_id, reason, details, resolved_by, resolved_at) VALUES
  (3, NULL, 'spam', NULL, NULL, NULL), (2, 1, 'off_topic', 'not rust', 3, '2024-01-04');
INSERT INTO forum.bans VALUES (2, 'trolling', NULL, 3);
UPDATE forum.topics SET pinned_until = '2030-01-01', views = 42 WHERE id = 1;
