-- Only the installing superuser may migrate by default. Functions are
-- executable by PUBLIC unless revoked, and migrating is a privileged act: a
-- DBA grants it to a migration role explicitly (see README.md).
-- Runs last (finalize) so it covers every object created above.

REVOKE ALL ON ALL TABLES IN SCHEMA strata FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA strata FROM PUBLIC;
