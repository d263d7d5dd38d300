-- Yesterday's and today's storefront-check figures are rebuilt at start from the checks' hourly roll-ups and the raw
-- checks not yet rolled up (raw checks are kept hours, not days). check_hours_pruned_before: the checks' hourly
-- roll-ups that began before it may be gone, so the days before it keep what run_daily holds. An existing database
-- starts from its oldest hour of checks: nothing before it can be rebuilt from hours.
alter table retention_state add column check_hours_pruned_before timestamp with time zone;
update retention_state set check_hours_pruned_before =
    (select min(hour_start) from run_hourly where probe = 'availability') where id = 1;
