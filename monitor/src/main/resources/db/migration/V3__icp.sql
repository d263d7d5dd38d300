-- The latest ICP check per platform: its status and what it found (footer, number, the registry's record).
create table icp_status (
    platform_id varchar(64) primary key,
    status      varchar(32) not null,
    facts       varchar(4000) not null,
    evidence    varchar(1000) not null default '',
    checked_at  timestamp with time zone not null
);
