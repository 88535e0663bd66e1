INSERT INTO sessions VALUES ('00000000-0000-0000-0000-000000000001', '2024-01-05 10:00+00', NULL, 'FR', 'web'),
  ('00000000-0000-0000-0000-000000000002', '2024-02-01 08:00+00', '2024-02-01 09:00+00', NULL, 'ios');
INSERT INTO events (occurred_at, kind, user_id, session, props, amount) VALUES
  ('2024-01-05 10:01+00', 'view', 1, '00000000-0000-0000-0000-000000000001', '{"path": "/"}', NULL),
  ('2024-01-05 10:02+00', 'click', NULL, NULL, NULL, 2.5),
  ('2024-02-01 08:30+00', 'view', 2, '00000000-0000-0000-0000-000000000002', '{"path": "/a", "tags": ["x"]}', 1);
INSERT INTO daily_rollup VALUES ('2024-01-05', 'view', 1, NULL), ('2024-01-05', 'click', 1, 2.5);
INSERT INTO audit (note) VALUES (NULL);
INSERT INTO audit_login (who, note) VALUES ('ann', 'login');
INSERT INTO sessions (id, started_at, ended_at, country, device, user_id, pages) VALUES
  ('00000000-0000-0000-0000-000000000003', '2024-03-01 12:00+00', '2024-03-01 12:30+00', 'US', 'android', 7, 3);
INSERT INTO events (occurred_at, kind, user_id, session, props, amount, source) VALUES
  ('2024-03-01 12:05+00', 'purchase', 7, '00000000-0000-0000-0000-000000000003', '{"sku": "a1", "tags": ["x", "y"]}', 19.99, 'ads'),
  ('2024-03-01 12:06+00', 'view', NULL, NULL, '{"path": "/checkout"}', NULL, NULL);
INSERT INTO page_views (region, day, path, referrer, user_id, duration_ms, utm) VALUES
  ('eu', '2024-01-05', '/', NULL, 1, 1200, '{"source": "newsletter", "campaign": "jan"}'),
  ('eu', '2024-01-05', '/pricing', 'https://google.com', NULL, NULL, NULL),
  ('us', '2024-01-06', '/', 'https://news.ycombinator.com', 2, 300, '{"source": "hn"}'),
  ('apac', '2024-01-07', '/docs', NULL, NULL, 50, '{}');
INSERT INTO metrics (series, at, value, labels) VALUES
  ('cpu', '2024-01-01 00:00+00', 0.5, '{"host": "a"}'), ('cpu', '2024-01-01 00:01+00', NULL, '{"host": "a"}'),
  ('mem', '2024-01-01 00:00+00', 1024, '{}');
INSERT INTO goals (name, kind, target_value, active) VALUES ('buy', 'purchase', 100, true), ('browse', 'view', NULL, false);
INSERT INTO events_archive (id, occurred_at, kind, user_id) VALUES (100, '2023-12-31 23:00+00', 'view', NULL);
REFRESH MATERIALIZED VIEW daily_paths;
