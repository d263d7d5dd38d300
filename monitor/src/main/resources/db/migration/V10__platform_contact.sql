-- When each platform first answered (a connection to one of its own hosts was set up). A platform without a row has
-- never been reached since it was added: a typo in its URL, or a site that is gone. It is shown as unverified and
-- pages nobody until it answers once.
create table platform_contact (
    platform_id      varchar(64) primary key,
    first_reached_at timestamp with time zone not null
);
