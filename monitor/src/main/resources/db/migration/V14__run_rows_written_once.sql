-- Runs that spend nothing (storefront, ICP and complaint checks) are written once, at their end, many to a
-- transaction, and carry no client order id (they place no order). Each index a row goes into costs a write at a
-- place of its own in the file, so two go:
-- * the platform-and-start index repeated the unique (platform_id, probe, scheduled_fire) index, which serves the
--   same look-ups, ordered by the fire time instead of the start;
-- * the status index served no query (unfinished runs are found by ended_at), and on a new, empty table H2 planned
--   the score's per-platform reads on it, then kept the plan: every read went through every finished row.
drop index ix_probe_run_platform_start;
drop index ix_probe_run_status;
