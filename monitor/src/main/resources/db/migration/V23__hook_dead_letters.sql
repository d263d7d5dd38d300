-- Dead letters: a message whose receiver has refused it (HTTP 4xx other than 429: a revoked robot, a deleted
-- channel) since refused_since, for longer than cardwatch.hooks.dead-letter-after, is no longer tried (dead_at). It
-- stays until an admin retries it (both cleared) or drops it. Any other failure ends a refusal streak.
alter table hook_outbox add column refused_since timestamp with time zone;
alter table hook_outbox add column dead_at timestamp with time zone;
