-- Rows written before the seals existed (by strata 0.1.0) get an 'import'
-- event and a seal, so strata.verify() accepts the ledger as it was at the
-- upgrade. A no-op on a fresh install.
DO $$
DECLARE
    h strata.history;
BEGIN
    FOR h IN SELECT * FROM strata.history t WHERE t.seal IS NULL ORDER BY t.version LOOP
        h.event_id := strata.emit('import', h.version, h.name, h.checksum, NULL,
            format('%s row written before strata 0.2.0 (at %s by %s)', h.state, h.applied_at, h.applied_by),
            NULL, NULL, NULL);
        PERFORM strata.put_history(h);
    END LOOP;
END
$$;
