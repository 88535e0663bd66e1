-- The previous file's search path is gone: this is public.invoices again.
ALTER TABLE invoices ADD COLUMN memo text;
