INSERT INTO sessions VALUES ('00000000-0000-0000-0000-000000000001', '2024-01-05 10:00+00', NULL, 'FR', 'web'),
  ('00000000-0000-0000-0000-000000000002', '2024-02-01 08:00+00', '2024-02-01 09:00+00', NULL, 'ios');
INSERT INTO events (occurred_at, kind, user_id, session, props, value) VALUES
  ('2024-01-05 10:01+00', 'view', 1, '00000000-0000-0000-0000-000000000001', '{"path": "/"}', NULL),
  ('2024-01-05 10:02+00', 'click', NULL, NULL, NULL, 2.5),
  ('2024-02-01 08:30+00', 'view', 2, '00000000-0000-0000-0000-000000000002', '{"path": "/a", "tags": ["x"]}', 1);
INSERT INTO daily_rollup VALUES ('2024-01-05', 'view', 1, NULL), ('2024-01-05', 'click', 1, 2.5);
