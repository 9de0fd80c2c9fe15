import ExcelJS from 'exceljs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Executor } from '../db/database.ts';
import { maskPiiDeep } from '../shared/crypto.ts';
import { recordAudit } from './audit.service.ts';

/**
 * The xlsx export of a filtered list (issue 21: "lists with … xlsx export of what is filtered").
 * Every list route that exports has a sibling `GET <list>.xlsx` taking the list's own filters
 * (without the paging) whose handler reads the list through the same service call as the JSON
 * route, so the caller's scope and the masking of personal data are the list's, and hands the
 * items to {@link sendListExport}: one sheet with Chinese headers, regions, occupations and
 * organisations by name, and one audit entry (`<domain>.export`) saying who exported what with
 * which filters.
 */

/** At most this many rows go into one export (a narrower filter gets the rest; the sheet says so). */
export const LIST_EXPORT_LIMIT = 10_000;

/** Names of the reference data a cell may show instead of its code. */
export interface ExportNames {
  /** `430421` → 衡阳县; an unknown code stays as it is. */
  region(code: string | null | undefined): string;
  /** `4-07-05-01` → the occupation's name; an unknown code stays as it is. */
  occupation(code: string | null | undefined): string;
  /** An organisation's name by id (those the items name); else `单位 <id>`. */
  organisation(id: number | null | undefined): string;
}

export type ExportCell = string | number | boolean | null | undefined;

export interface ExportColumn<Item> {
  /** The column's header, in Chinese. */
  header: string;
  width?: number;
  value(item: Item, names: ExportNames): ExportCell;
}

export interface ListExport<Item> {
  /** The sheet's name and the downloaded file's name (`<title>.xlsx`), in Chinese. */
  title: string;
  /** An ASCII file name for clients that cannot read the Chinese one (`persons.xlsx`). */
  asciiFileName: string;
  /** The audit entry of the export: its action code (`person.export`) and object type. */
  action: string;
  objectType: string;
  columns: ReadonlyArray<ExportColumn<Item>>;
  /** Organisation ids an item names, so that their names are read once for the whole sheet. */
  organisationIdsOf?: (item: Item) => ReadonlyArray<number | null>;
  /** The list as the JSON route reads it: one page of at most `pageSize` items and the total. */
  read(paging: { page: number; pageSize: number }): Promise<{ items: Item[]; total: number }>;
  /**
   * Lines written below the rows, after an empty row (an account statement's account and opening
   * and closing balances); asked after `read`, so they may say what it read.
   */
  notes?(names: ExportNames): string[];
}

/** Reads the list, writes the workbook, records the export and sends the file. */
export async function sendListExport<Item>(
  executor: Executor,
  request: FastifyRequest,
  reply: FastifyReply,
  spec: ListExport<Item>,
): Promise<FastifyReply> {
  const { items, total } = await spec.read({ page: 1, pageSize: LIST_EXPORT_LIMIT });
  const organisationIds = items
    .flatMap((item) => spec.organisationIdsOf?.(item) ?? [])
    .filter((id): id is number => id !== null);
  const names = await exportNames(executor, [...new Set(organisationIds)]);
  const workbook = listWorkbook(spec, items, total, names);
  // A filter may be a full ID number or phone (the persons list searches by them): kept masked.
  const filters = maskPiiDeep({ ...(request.query as Record<string, unknown>) });
  await recordAudit(executor, request.auditContext, {
    action: spec.action,
    objectType: spec.objectType,
    after: { filters, rows: items.length, total },
  });
  const body = Buffer.from(await workbook.xlsx.writeBuffer());
  return reply
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header(
      'content-disposition',
      `attachment; filename="${spec.asciiFileName}"; filename*=UTF-8''${encodeURIComponent(`${spec.title}.xlsx`)}`,
    )
    .send(body);
}

function listWorkbook<Item>(
  spec: ListExport<Item>,
  items: Item[],
  total: number,
  names: ExportNames,
): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(spec.title);
  sheet.columns = spec.columns.map((column, index) => ({
    header: column.header,
    key: String(index),
    width: column.width ?? Math.max(10, column.header.length * 2 + 2),
  }));
  sheet.getRow(1).font = { bold: true };
  for (const item of items) {
    sheet.addRow(spec.columns.map((column) => cellOf(column.value(item, names))));
  }
  const notes = spec.notes?.(names) ?? [];
  if (total > items.length)
    notes.push(`共 ${total} 条，本文件只含前 ${items.length} 条；请缩小筛选范围后再导出其余记录。`);
  if (notes.length > 0) {
    sheet.addRow([]);
    for (const note of notes) sheet.addRow([note]);
  }
  return workbook;
}

function cellOf(value: ExportCell): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '是' : '否';
  return value;
}

/**
 * Region and occupation names (reference data, a few thousand rows at most) and the names of the
 * organisations the sheet names, read once per export.
 */
async function exportNames(executor: Executor, organisationIds: number[]): Promise<ExportNames> {
  const [regions, occupations, organisations] = await Promise.all([
    executor.selectFrom('region').select(['code', 'name']).execute(),
    executor.selectFrom('occupation').select(['code', 'name']).execute(),
    organisationIds.length === 0
      ? Promise.resolve([])
      : executor
          .selectFrom('organisation')
          .select(['id', 'name'])
          .where('id', 'in', organisationIds)
          .execute(),
  ]);
  const regionNames = new Map(regions.map((row) => [row.code, row.name]));
  const occupationNames = new Map(occupations.map((row) => [row.code, row.name]));
  const organisationNames = new Map(organisations.map((row) => [row.id, row.name]));
  return {
    region: (code) => (code ? (regionNames.get(code) ?? code) : ''),
    occupation: (code) => (code ? (occupationNames.get(code) ?? code) : ''),
    organisation: (id) =>
      id === null || id === undefined ? '' : (organisationNames.get(id) ?? `单位 ${id}`),
  };
}

/** A record time as it is read in China: `2021-05-06 09:00:00`. */
export function chinaDateTime(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '';
  const time = typeof value === 'string' ? Date.parse(value) : value.getTime();
  return new Date(time + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** `123456` fen → 1234.56 (yuan, as a number the sheet can add up). */
export function yuanOf(amountFen: number): number {
  return Math.round(amountFen) / 100;
}
