-- Business dates beside record times (issue 21): a claim's workflow step, a class's filing and a
-- case's opening and conclusion keep the business date they happened on (the business clock, which
-- a training environment runs in 2021) apart from when the system recorded them (the system
-- clock). Rows recorded before this migration have no business date (null, shown as —).
alter table claim_transition add column business_date date;
alter table training_class add column filed_on date;
alter table supervision_case add column opened_on date;
alter table supervision_case add column decided_on date;
