-- One trust score per platform and day (Asia/Shanghai by default): the last one computed that day.
-- score is null when the grade is '?' (too little evidence).
create table score_history (
    platform_id varchar(64) not null,
    score_day   date        not null,
    score       numeric(6, 2),
    grade       varchar(2)  not null,
    computed_at timestamp with time zone not null,
    constraint pk_score_history primary key (platform_id, score_day)
);
