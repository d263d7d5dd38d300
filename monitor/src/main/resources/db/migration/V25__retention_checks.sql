-- Storefront checks (probe 'availability') have raw and hourly windows of their own (cardwatch.retention.raw-checks,
-- hourly-checks): a check a minute is 95 % of the raw rows, and the pages and the score read them from the
-- roll-ups. checks_pruned_before: raw storefront checks that ended before it may be gone.
alter table retention_state add column checks_pruned_before timestamp with time zone;
