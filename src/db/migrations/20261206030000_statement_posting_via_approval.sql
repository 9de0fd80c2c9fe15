-- Interest and bank fees posted from a statement line are manual postings like any other: the
-- maker's request is a ledger_approval (kind manual_transfer, payload.statementLineId) decided by a
-- second person in the one approvals queue (issue 20 with issue 15's maker-checker). The proposals
-- kept so far in ledger_statement_posting move there, pending ones stay pending; the table goes.
insert into ledger_approval (
  province_code, region_code, kind, idempotency_id, request_hash, payload, amount_fen, summary,
  status, requested_by, decided_by, decided_at, decision_reason, result, created_at
)
select p.province_code,
       p.region_code,
       'manual_transfer',
       'manual_transfer:statement-line:' || p.statement_line_id || ':moved-' || p.id,
       'moved-statement-posting-' || p.id,
       jsonb_build_object(
         'debitAccountId', case when p.kind = 'interest' then bank.id else special.id end,
         'creditAccountId', case when p.kind = 'interest' then special.id else bank.id end,
         'amountFen', p.amount_fen,
         'code', p.kind,
         'valueDate', to_char(p.value_date, 'YYYY-MM-DD'),
         'description', '对账单行 ' || p.statement_line_id,
         'statementLineId', p.statement_line_id
       ),
       p.amount_fen,
       case when p.kind = 'interest' then '利息收入' else '银行手续费' end || ' ' || p.region_code
         || '：对账单行 ' || p.statement_line_id,
       case p.status when 'posted' then 'approved' else p.status end,
       p.requested_by,
       p.decided_by,
       p.decided_at,
       null,
       case when p.journal_id is null then null else jsonb_build_object('journalId', p.journal_id) end,
       p.created_at
from ledger_statement_posting p
join ledger_account bank
  on bank.province_code = p.province_code and bank.region_code = p.region_code and bank.kind = 'bank'
join ledger_account special
  on special.province_code = p.province_code and special.region_code = p.region_code and special.kind = 'special';

drop table ledger_statement_posting;
