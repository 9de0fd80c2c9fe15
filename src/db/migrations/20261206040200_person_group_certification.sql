-- Person groups (人员类别认定) are certified by an officer from a controlled list of certifying
-- bodies, with the recording officer and date kept, and can be revoked with a reason (issue 17
-- finding 7). Rows from before keep their free-text certifier and no recorder.
alter table person_group add column certifier_code text;
alter table person_group add column recorded_by_user_id bigint;
alter table person_group add column recorded_on date;
alter table person_group add column revoked_on date;
alter table person_group add column revocation_reason text;
alter table person_group add column revoked_by_user_id bigint;
alter table person_group add constraint person_group_revocation_check
  check ((revoked_on is null) = (revocation_reason is null));
