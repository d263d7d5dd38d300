-- Why an incident opened, in words, in both languages ("4 次测试购买连续失败" / "4 test purchases failed in a row").
alter table incident add column why_zh varchar(300) default '' not null;
alter table incident add column why_en varchar(300) default '' not null;
-- An incident resolves on the pages at once; its notice is held until the platform has stayed well for a few runs
-- (cardwatch.incidents.continue-within). false while a resolve is held, true once announced (and for older rows).
alter table incident add column resolve_announced boolean default true not null;
-- The failure reasons seen during an incident and their counts ("timeout:12,http_error:3"): the cause is the most
-- frequent. Written with the failure count at most every few minutes while the incident stays open, not per failure.
alter table incident add column reasons varchar(1000) default '' not null;
