INSERT INTO publishers (login, email, verified) VALUES ('ann', 'ann@example.com', true), ('bob', NULL, false);
INSERT INTO packages (name, publisher_id, description, keywords, downloads, website)
VALUES ('serde', 1, 'serialization', '{ser,json}', 100, NULL), ('tokio', 1, NULL, '{}', 50, 'https://tokio.rs'),
       ('lonely', 2, NULL, '{misc}', 0, NULL);
INSERT INTO versions (package_id, num, major, minor, patch, size_bytes, checksum, features)
VALUES (1, '1.0.0', 1, 0, 0, 1200, '\x00', '{"std": []}'), (1, '1.0.1', 1, 0, 1, NULL, '\x01', '{}'),
       (2, '0.1.0', 0, 1, 0, 300, '\x02', '{"full": ["rt"]}');
INSERT INTO dependencies VALUES (3, 1, '^1', false, 0), (2, 2, '^0.1', true, 1);
INSERT INTO version_downloads VALUES (1, '2024-01-01', 5), (1, '2024-01-02', 7), (3, '2024-01-01', 1);
INSERT INTO publishers (login, email, verified) VALUES ('carol', 'carol@example.com', false);
UPDATE versions SET license = 'MIT', rust_version = '1.60' WHERE id = 1;
INSERT INTO versions (package_id, num, major, minor, patch, size_bytes, checksum, features, yanked, yank_message, license)
VALUES (1, '2.0.0-beta', 2, 0, 0, NULL, '\x03', '{}', true, 'broken build', NULL),
       (3, '0.0.1', 0, 0, 1, 10, '\x04', '{"default": []}', false, NULL, 'Apache-2.0');
INSERT INTO owners (package_id, publisher_id, role, invited_by) VALUES (1, 1, 'owner', NULL), (1, 2, 'maintainer', 1), (2, 1, 'owner', NULL);
INSERT INTO categories (slug, parent_id, description) VALUES ('encoding', NULL, 'Encoding data'), ('async', NULL, NULL),
  ('json', 1, 'JSON'), ('empty', NULL, NULL);
INSERT INTO package_categories VALUES (1, 1), (1, 3), (2, 2);
INSERT INTO api_tokens (publisher_id, name, token_hash, scopes, last_used_at, expires_at) VALUES
  (1, 'ci', '\xaa', '{publish}', '2024-01-02', NULL), (2, 'laptop', '\xbb', NULL, NULL, '2023-01-01');
INSERT INTO version_downloads VALUES (4, '2024-01-02', 0);
REFRESH MATERIALIZED VIEW recent_downloads;
