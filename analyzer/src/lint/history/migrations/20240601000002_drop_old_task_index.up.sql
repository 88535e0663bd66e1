-- strata:no-transaction
DROP INDEX CONCURRENTLY tasks_assignee_id;
