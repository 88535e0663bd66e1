-- strata.record: write the ledger row for a migration that just ran.
--
-- The migrator calls it inside the migration's own transaction, right before
-- COMMIT, so the schema change and its ledger row commit or roll back
-- together. The checks below turn migrator bugs and concurrent runs into
-- clear errors instead of a silently wrong ledger. Migrations that cannot
-- run in a transaction use strata.start / strata.finish (sql/journal.sql).

-- The checks every new ledger row needs, shared by strata.record and
-- strata.start (sql/journal.sql) so both fail with the same SQLSTATEs, messages
-- and HINTs. caller names the public function in the messages.
CREATE FUNCTION strata.check_new_entry(caller text, version bigint, checksum bytea)
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    -- Aliases because the parameter names are also strata.history columns.
    new_version  ALIAS FOR $2;
    new_checksum ALIAS FOR $3;
    previous strata.history;
BEGIN
    PERFORM strata.require_lock(caller);

    IF octet_length(new_checksum) <> 32 THEN
        RAISE EXCEPTION '%: checksum of version % is % bytes, expected 32',
                caller, new_version, octet_length(new_checksum)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the raw SHA-256 digest of the .up.sql file (32 bytes), not its hex text.';
    END IF;

    -- Checked before INSERT so the error says who applied it and when; the
    -- primary key still guards against a race with a lock-less writer.
    SELECT * INTO previous FROM strata.history h WHERE h.version = new_version;
    IF FOUND THEN
        RAISE EXCEPTION '%: version % (%) is already recorded as % at % by %',
                caller, previous.version, previous.name, previous.state,
                previous.applied_at, previous.applied_by
            USING ERRCODE = 'unique_violation',
                  HINT = 'A version is recorded once: give a new migration a new version. To redo this one, a DBA must first delete its row from strata.history.';
    END IF;
END
$$;

COMMENT ON FUNCTION strata.check_new_entry(text, bigint, bytea) IS
    'Raise unless a new strata.history row for version may be written: 55P03 without the migration lock, 22023 if checksum is not 32 bytes, 23505 if the version is already recorded. caller prefixes the messages. Internal, used by strata.record() and strata.start().';

CREATE FUNCTION strata.record(
    version       bigint,
    name          text,
    checksum      bytea,
    transactional boolean  DEFAULT true,
    duration      interval DEFAULT NULL
)
RETURNS strata.history
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    -- Aliases because the parameter names are also strata.history columns.
    new_version       ALIAS FOR $1;
    new_name          ALIAS FOR $2;
    new_checksum      ALIAS FOR $3;
    new_transactional ALIAS FOR $4;
    new_duration      ALIAS FOR $5;
    recorded strata.history;
BEGIN
    PERFORM strata.check_new_entry('strata.record', new_version, new_checksum);

    INSERT INTO strata.history
        (version, name, checksum, state, duration, transactional)
    VALUES
        (new_version, new_name, new_checksum, 'applied',
         -- Time spent so far in this transaction, i.e. by the migration.
         coalesce(new_duration, clock_timestamp() - transaction_timestamp()),
         coalesce(new_transactional, true))
    RETURNING * INTO recorded;

    RETURN recorded;
END
$$;

COMMENT ON FUNCTION strata.record(bigint, text, bytea, boolean, interval) IS
    'Record a migration as applied (state applied) in strata.history. Call it in the migration''s transaction, right before COMMIT, while holding strata.try_lock(). duration defaults to the time spent in the current transaction.';
