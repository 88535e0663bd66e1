SET lock_timeout = '2s';
ALTER TABLE invoices ALTER COLUMN currency TYPE text;
