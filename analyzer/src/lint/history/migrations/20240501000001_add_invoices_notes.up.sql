SET lock_timeout = '2s';
ALTER TABLE invoices ADD COLUMN notes text;
COMMENT ON COLUMN invoices.notes IS 'free text shown on the PDF';
