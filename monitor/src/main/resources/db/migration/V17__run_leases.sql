-- Which instance runs an unfinished purchase, and until when its lease holds. The owner renews the lease while the
-- run is in its hands; another instance takes the run over only once the lease has run out (a run begun but not yet
-- renewed counts as leased from its start for one lease period).
alter table probe_run add column owner varchar(100);
alter table probe_run add column lease_until timestamp with time zone;
