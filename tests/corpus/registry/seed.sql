INSERT INTO publishers (login, email, verified) VALUES ('ann', 'ann@example.com', true), ('bob', NULL, false);
INSERT INTO packages (name, publisher_id, description, keywords, downloads, website)
VALUES ('serde', 1, 'serialization', '{ser,json}', 100, NULL), ('tokio', 1, NULL, '{}', 50, 'https://tokio.rs'),
       ('lonely', 2, NULL, '{misc}', 0, NULL);
INSERT INTO versions (package_id, num, major, minor, patch, size_bytes, checksum, features)
VALUES (1, '1.0.0', 1, 0, 0, 1200, '\x00', '{"std": []}'), (1, '1.0.1', 1, 0, 1, NULL, '\x01', '{}'),
       (2, '0.1.0', 0, 1, 0, 300, '\x02', '{"full": ["rt"]}');
INSERT INTO dependencies VALUES (3, 1, '^1', false, 0), (2, 2, '^0.1', true, 1);
INSERT INTO version_downloads VALUES (1, '2024-01-01', 5), (1, '2024-01-02', 7), (3, '2024-01-01', 1);
