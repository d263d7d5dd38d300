-- A waiting purchase run's state (JSON: phase, deadlines, evidence so far) and when it next acts. A run between two
-- steps holds no thread: any start of the service continues it from here, never with a second order.
alter table probe_run add column run_state varchar(16000);
alter table probe_run add column next_action_at timestamp with time zone;
