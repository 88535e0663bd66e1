-- strata:no-transaction
CREATE INDEX CONCURRENTLY users_created_at ON users (created_at);
