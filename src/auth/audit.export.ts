import { AUDIT_OBJECTS, AUDIT_OUTCOMES, auditActionLabel } from '../shared/audit-labels.ts';
import type { AuditEntryView } from './audit.service.ts';
import { chinaDateTime, type ExportColumn } from './list-export.ts';
import { isRole, ROLE_LABELS } from './roles.ts';

/**
 * The filtered audit entries as a sheet: who (by name and role), what (in Chinese, the code
 * beside it for machines), on which object, when and with what outcome.
 */
export const AUDIT_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<AuditEntryView>> = [
  { header: '序号', width: 10, value: (entry) => entry.id },
  { header: '时间（北京时间）', width: 20, value: (entry) => chinaDateTime(entry.occurredAt) },
  {
    header: '操作人',
    width: 24,
    value: (entry) =>
      entry.actorLoginName
        ? `${entry.actorDisplayName ?? ''}（${entry.actorLoginName}）`
        : entry.actorUserId === null
          ? '系统'
          : `用户 ${entry.actorUserId}`,
  },
  {
    header: '角色',
    width: 18,
    value: (entry) =>
      entry.actorRole && isRole(entry.actorRole) ? ROLE_LABELS[entry.actorRole] : (entry.actorRole ?? ''),
  },
  { header: '操作', width: 28, value: (entry) => auditActionLabel(entry.action) },
  { header: '操作代码', width: 28, value: (entry) => entry.action },
  { header: '对象', width: 16, value: (entry) => AUDIT_OBJECTS[entry.objectType]?.[0] ?? entry.objectType },
  { header: '对象编号', width: 14, value: (entry) => entry.objectId ?? '' },
  { header: '结果', width: 10, value: (entry) => AUDIT_OUTCOMES[entry.outcome]?.[0] ?? entry.outcome },
  { header: '来源地址', width: 16, value: (entry) => entry.ip ?? '' },
];
