-- Retention (cardwatch.retention.*): runs are rolled up per platform, probe and hour (the hour a run ended, UTC),
-- then raw runs older than the raw window are deleted. The score reads the hours before retention_state's
-- pruned_before from here and the rest from probe_run; run_daily, the ledger and incidents are never pruned.
-- Counts follow the score's rules: successes and failures of finished ('done') runs, maintenance apart, our own
-- errors apart; money_lost: failures that cost money (charged twice, or a failed paid order not refunded).
create table run_hourly (
    platform_id      varchar(64)   not null,
    probe            varchar(32)   not null,
    hour_start       timestamp with time zone not null,
    successes        integer       not null,
    failures         integer       not null,
    errors           integer       not null,
    maintenance      integer       not null,
    money_lost       integer       not null,
    delivery_p50_ms  bigint,
    delivery_p95_ms  bigint,
    reasons          varchar(1000) not null,
    constraint pk_run_hourly primary key (platform_id, probe, hour_start)
);
create index ix_run_hourly_hour on run_hourly (hour_start);

-- rolled_until: every hour before it is in run_hourly; pruned_before: raw runs that ended before it may be gone.
create table retention_state (
    id            int primary key,
    rolled_until  timestamp with time zone,
    pruned_before timestamp with time zone
);
insert into retention_state (id, rolled_until, pruned_before) values (1, null, null);

create index ix_probe_run_ended on probe_run (ended_at);
