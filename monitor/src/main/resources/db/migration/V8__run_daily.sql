-- Runs rolled up per platform, probe and day (Asia/Shanghai), rebuilt from probe_run in the background so that no
-- page request reads raw runs. reasons holds failure counts as "reason:count,..." (most frequent first).
create table run_daily (
    platform_id      varchar(64)   not null,
    probe            varchar(32)   not null,
    run_day          date          not null,
    successes        integer       not null,
    failures         integer       not null,
    errors           integer       not null,
    maintenance      integer       not null,
    delivery_p50_ms  bigint,
    delivery_p95_ms  bigint,
    reasons          varchar(1000) not null,
    constraint pk_run_daily primary key (platform_id, probe, run_day)
);
create index ix_run_daily_day on run_daily (run_day);
