-- Qualifying flags per platform, probe and day ("notify_missing:3,notify_conflict:1"), counted over judged runs: the
-- pages say how often a platform's callbacks were missing without reading raw runs.
alter table run_daily add column flags varchar(200) default '' not null;
