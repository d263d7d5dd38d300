-- Backoff belongs to a channel, not to a message: while a receiver is down one probe message is tried at the
-- channel's backoff, and when it answers the channel's whole queue goes out at once, in order. Kept here so a
-- restart mid-outage neither forgets the backoff nor hammers the receiver. The lease keeps one instance of a cluster
-- delivering a channel's queue at a time, so its order holds across instances too.
create table hook_channel (
    channel         varchar(32)  primary key,
    failures        integer      default 0 not null,
    next_attempt_at timestamp with time zone,
    last_error      varchar(500) default '' not null,
    lease_owner     varchar(64),
    lease_until     timestamp with time zone
);
-- a message's next_attempt_at is now only "not before" (the chat grouping window, a refusal's own backoff): messages
-- that failed for want of a receiver no longer wait out a backoff of their own
update hook_outbox set next_attempt_at = created_at
    where delivered_at is null and dead_at is null and refused_since is null and attempts > 0;
create index ix_hook_outbox_queue on hook_outbox (channel, delivered_at, dead_at, id);
