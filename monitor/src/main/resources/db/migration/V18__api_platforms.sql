-- Platforms added through the admin API: each row one entry in the platforms file's shape (its YAML or JSON text).
-- The platforms file wins over a row with the same id. Every node reads this table when catalog_generation moves.
create table platform_entry (
    platform_id varchar(64)    primary key,
    entry       varchar(65536) not null,
    updated_by  varchar(64)    not null,
    updated_at  timestamp with time zone not null
);

-- One row. generation moves with every change to platform_entry; file_generation with every re-read of the platforms
-- file asked for through the admin API. A node that sees either move reads the table again (or its own copy of the
-- file), so a change made on one node reaches all of them within seconds and without a restart.
create table catalog_generation (
    id              int    primary key,
    generation      bigint not null,
    file_generation bigint not null
);
insert into catalog_generation (id, generation, file_generation) values (1, 0, 0);

-- An API platform's entry, before and after, goes in the audit whole.
alter table admin_audit alter column before_state set data type varchar(65536);
alter table admin_audit alter column after_state set data type varchar(65536);
