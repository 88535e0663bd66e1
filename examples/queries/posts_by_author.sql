SELECT p.id, p.title, p.published_at
FROM posts p
WHERE p.author_id = $1
ORDER BY p.id
