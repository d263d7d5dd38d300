-- Runs that spend nothing (storefront, ICP and complaint checks) are written once, at their end, many to a
-- transaction, and carry no client order id (they place no order). Each index a row goes into costs a write at a
-- place of its own in the file: the platform-and-start index repeated the unique (platform_id, probe, scheduled_fire)
-- index, which serves the same look-ups, ordered by the fire time instead of the start.
drop index ix_probe_run_platform_start;
