-- Backfills and a conditional change the replay cannot follow: forum.topics and forum.tags are
-- named in the body, so their columns are typed as nullable from here on.
DO $$
BEGIN
    UPDATE forum.topics SET locked = false WHERE locked IS NULL;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'tags_label_short') THEN
        ALTER TABLE forum.tags ALTER COLUMN label DROP NOT NULL;
    END IF;
END
$$;
-- Vouched for again by a statement the replay models.
ALTER TABLE forum.topics ALTER COLUMN title SET NOT NULL;
