import ExcelJS from 'exceljs';
import { AUDIT_OBJECTS, AUDIT_OUTCOMES, auditActionLabel } from '../shared/audit-labels.ts';
import type { AuditEntryView } from './audit.service.ts';
import { isRole, ROLE_LABELS } from './roles.ts';

/** `2021-05-06T01:00:00.000Z` → `2021-05-06 09:00:00` (China time, as the log is read). */
function chinaTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The filtered audit entries as a workbook: who (by name and role), what (in Chinese, the code
 * beside it for machines), on which object, when and with what outcome. `total` above the number
 * of rows means the export was cut at the limit; the sheet says so.
 */
export async function auditWorkbook(entries: AuditEntryView[], total: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('审计日志');
  sheet.columns = [
    { header: '序号', key: 'id', width: 10 },
    { header: '时间（北京时间）', key: 'occurredAt', width: 20 },
    { header: '操作人', key: 'actor', width: 24 },
    { header: '角色', key: 'role', width: 18 },
    { header: '操作', key: 'action', width: 28 },
    { header: '操作代码', key: 'actionCode', width: 28 },
    { header: '对象', key: 'objectType', width: 16 },
    { header: '对象编号', key: 'objectId', width: 14 },
    { header: '结果', key: 'outcome', width: 10 },
    { header: '来源地址', key: 'ip', width: 16 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const entry of entries) {
    sheet.addRow({
      id: entry.id,
      occurredAt: chinaTime(entry.occurredAt),
      actor: entry.actorLoginName
        ? `${entry.actorDisplayName ?? ''}（${entry.actorLoginName}）`
        : entry.actorUserId === null
          ? '系统'
          : `用户 ${entry.actorUserId}`,
      role:
        entry.actorRole && isRole(entry.actorRole) ? ROLE_LABELS[entry.actorRole] : (entry.actorRole ?? ''),
      action: auditActionLabel(entry.action),
      actionCode: entry.action,
      objectType: AUDIT_OBJECTS[entry.objectType]?.[0] ?? entry.objectType,
      objectId: entry.objectId ?? '',
      outcome: AUDIT_OUTCOMES[entry.outcome]?.[0] ?? entry.outcome,
      ip: entry.ip ?? '',
    });
  }
  if (total > entries.length) {
    sheet.addRow([]);
    sheet.addRow([`共 ${total} 条，本文件只含最新的 ${entries.length} 条；请缩小筛选范围后再导出其余记录。`]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
