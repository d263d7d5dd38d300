-- When a complaint was published, as its source says (2025-11-23, 3小时前, 昨天 12:30), read when it is stored; the
-- time it was first seen where the source gives none or one that cannot be read. The 30-day complaint counts, the
-- score's complaint window and the page's order use it, so that a backlog found on the first crawl does not count as
-- this month's complaints.
alter table complaint add column happened_at timestamp with time zone;
update complaint set happened_at = first_seen where happened_at is null;
create index ix_complaint_happened on complaint (platform_id, happened_at);
