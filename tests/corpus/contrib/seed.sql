INSERT INTO people (email, full_name, nickname, password_hash, attrs) VALUES
  ('Ann@Example.com', 'Ann Émile', NULL, crypt('pw', gen_salt('bf', 4)), 'a=>1, b=>NULL'),
  ('bob@example.com', 'Bob Stone', 'bobby', crypt('pw2', gen_salt('bf', 4)), NULL);
