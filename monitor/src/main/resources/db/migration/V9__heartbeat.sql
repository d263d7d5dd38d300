-- When Alertmanager's watchdog last reached POST /hooks/heartbeat: kept across restarts, so a dead man's switch that
-- was armed stays armed after Cardwatch restarts while Alertmanager is down.
create table alerting_heartbeat (
    id      integer primary key,
    last_at timestamp with time zone not null
);
