INSERT INTO people (email, full_name, nickname, password_hash, attrs) VALUES
  ('Ann@Example.com', 'Ann Émile', NULL, crypt('pw', gen_salt('bf', 4)), 'a=>1, b=>NULL'),
  ('bob@example.com', 'Bob Stone', 'bobby', crypt('pw2', gen_salt('bf', 4)), NULL);
UPDATE people SET country = 'FR', login_count = 3 WHERE email = 'ann@example.com';
INSERT INTO people (email, full_name, nickname, password_hash, attrs) VALUES
  ('carl@example.com', 'Carl Müller', 'CJ', crypt('pw3', gen_salt('md5')), '');
INSERT INTO categories (path, label) VALUES ('top', 'Everything'), ('top.garden', 'Garden'), ('top.garden.tools', 'Tools'),
  ('top.kitchen', 'Kitchen');
INSERT INTO products (sku, name, category, attrs, tag_ids, embedding, barcode, price_cents, owner_id) VALUES
  ('SKU-1', 'Garden Hose', 'top.garden', 'color=>green, length=>20', '{1,2,3}', '(1, 2, 3)', '978-0-306-40615-7', 2500,
   (SELECT id FROM people WHERE email = 'ann@example.com')),
  ('sku-2', 'Hose Reel', 'top.garden.tools', 'color=>NULL', '{2}', NULL, NULL, NULL, NULL),
  ('SKU-3', 'Kitchen Knife', NULL, '', '{}', '(0, 0, 1)', NULL, 1500, NULL),
  ('sku-4', 'Crème Brûlée Torch', 'top.kitchen', 'fuel=>butane', '{3,4}', '(5, 5, 5)', NULL, 3000, NULL);
INSERT INTO sessions (person_id, data) SELECT id, 'theme=>dark' FROM people WHERE email = 'ann@example.com';
INSERT INTO sessions (person_id, data, expires_at) SELECT id, NULL, now() - interval '1 day' FROM people WHERE email = 'bob@example.com';
