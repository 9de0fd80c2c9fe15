-- Certificates (issue 17): a certificate can be revoked by its issuer with a reason; public
-- verification then answers that it is revoked.
alter table certificate add column revoked_on date;
alter table certificate add column revoked_reason text check (revoked_reason is null or length(revoked_reason) between 1 and 500);
alter table certificate add column revoked_by_user_id bigint;
