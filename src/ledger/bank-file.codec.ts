import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { csvAppError } from '../shared/csv.ts';
import { AppError } from '../shared/errors.ts';

/**
 * Reading and writing the tables banks exchange: xlsx, CSV and fixed-column text, in GBK (what
 * most Chinese bank systems and Excel on a Chinese Windows machine use) or UTF-8 with a byte-order
 * mark. Everything above this file sees a table of strings.
 */
export type FileFormat = 'xlsx' | 'csv' | 'txt';
export type TextEncoding = 'gbk' | 'utf8bom';

export interface TableFile {
  format: FileFormat;
  encoding: TextEncoding | null;
  rows: string[][];
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export const CONTENT_TYPES: Record<FileFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
  txt: 'text/plain',
};

const unreadable = (message: string) =>
  new AppError('VALIDATION_FAILED', '无法读取文件', [{ field: 'file', message }]);

/** Decodes bank text: UTF-8 (with or without BOM) when it is valid UTF-8, else GBK. */
export function decodeText(content: Buffer): { text: string; encoding: TextEncoding } {
  if (content.subarray(0, 3).equals(UTF8_BOM))
    return { text: content.subarray(3).toString('utf8'), encoding: 'utf8bom' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(content), encoding: 'utf8bom' };
  } catch {
    return { text: iconv.decode(content, 'gbk'), encoding: 'gbk' };
  }
}

export function encodeText(text: string, encoding: TextEncoding): Buffer {
  return encoding === 'gbk'
    ? iconv.encode(text, 'gbk')
    : Buffer.concat([UTF8_BOM, Buffer.from(text, 'utf8')]);
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return cellText((value.result ?? '') as ExcelJS.CellValue);
    if ('text' in value && typeof value.text === 'string') return value.text;
    return '';
  }
  return String(value).trim();
}

async function readXlsx(content: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ExcelJS.Buffer);
  } catch {
    throw unreadable('not a readable xlsx workbook');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let column = 1; column <= sheet.columnCount; column += 1)
      cells.push(cellText(row.getCell(column).value));
    rows[rowNumber - 1] = cells;
  });
  return Array.from(rows, (cells) => cells ?? []);
}

/** Splits fixed-column lines by the widths, counted in bytes of the file's encoding. */
function readFixed(text: string, widths: number[], encoding: TextEncoding): string[][] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const bytes = encoding === 'gbk' ? iconv.encode(line, 'gbk') : Buffer.from(line, 'utf8');
      const cells: string[] = [];
      let offset = 0;
      for (const width of widths) {
        const slice = bytes.subarray(offset, offset + width);
        cells.push((encoding === 'gbk' ? iconv.decode(slice, 'gbk') : slice.toString('utf8')).trim());
        offset += width;
      }
      return cells;
    });
}

/**
 * Reads an uploaded table: xlsx by its zip signature, otherwise text in UTF-8 or GBK, as CSV
 * (comma or tab) or — when `fixedWidths` is given and the text has no delimiter — fixed columns.
 */
export async function readTableFile(
  content: Buffer,
  options: { fixedWidths?: number[] } = {},
): Promise<TableFile> {
  if (content.length === 0) throw unreadable('empty file');
  if (content[0] === 0x50 && content[1] === 0x4b)
    return { format: 'xlsx', encoding: null, rows: await readXlsx(content) };
  if (content[0] === 0xd0 && content[1] === 0xcf)
    throw unreadable('old .xls workbooks are not read: save as .xlsx or CSV');
  const { text, encoding } = decodeText(content);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(',') ? ',' : firstLine.includes('\t') ? '\t' : null;
  if (delimiter === null && options.fixedWidths)
    return { format: 'txt', encoding, rows: readFixed(text, options.fixedWidths, encoding) };
  try {
    const rows = parse(text, {
      delimiter: delimiter ?? ',',
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
    return { format: 'csv', encoding, rows };
  } catch (error) {
    // A malformed CSV is the sender's error: 422 naming the line (csv.line[n]), never a 500.
    throw csvAppError(error, '文件');
  }
}

export interface WrittenTable {
  rows: (string | number)[][];
  /** Cells in these (0-based) columns of rows after `headerRowIndex` are amounts in yuan. */
  amountColumns?: number[];
  headerRowIndex?: number;
  sheetName?: string;
  fixedWidths?: number[];
}

export function writeCsv(table: WrittenTable, encoding: TextEncoding): Buffer {
  return encodeText(
    stringify(
      table.rows.map((row) => row.map(String)),
      { record_delimiter: '\r\n' },
    ),
    encoding,
  );
}

/** The bytes of text in the encoding, without a byte-order mark (fixed-column text counts bytes). */
const textBytes = (value: string, encoding: TextEncoding): Buffer =>
  encoding === 'gbk' ? iconv.encode(value, 'gbk') : Buffer.from(value, 'utf8');

function padBytes(text: string, width: number, encoding: TextEncoding, isRight: boolean): Buffer {
  const encode = (value: string) => textBytes(value, encoding);
  let value = text;
  while (encode(value).length > width) value = value.slice(0, -1);
  const padding = ' '.repeat(width - encode(value).length);
  return encode(isRight ? padding + value : value + padding);
}

/**
 * Fixed-column text: each cell of the header and detail rows padded with spaces to its width in
 * bytes (no BOM, CRLF lines). Lines above the header (the batch summary, "批次号：…") are written
 * as they are: padded to the first column's width they would lose everything after its few bytes.
 */
export function writeFixed(table: WrittenTable, encoding: TextEncoding): Buffer {
  const widths = table.fixedWidths ?? [];
  const amountColumns = new Set(table.amountColumns ?? []);
  const headerRowIndex = table.headerRowIndex ?? 0;
  const lines = table.rows.map((row, rowIndex) =>
    rowIndex < headerRowIndex
      ? Buffer.concat([textBytes(row.map(String).join(''), encoding), Buffer.from('\r\n')])
      : Buffer.concat([
          ...row.map((cell, index) =>
            padBytes(
              String(cell),
              widths[index] ?? String(cell).length,
              encoding,
              amountColumns.has(index) && rowIndex > headerRowIndex,
            ),
          ),
          Buffer.from('\r\n'),
        ]),
  );
  return Buffer.concat(lines);
}

export async function writeXlsx(table: WrittenTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(table.sheetName ?? 'Sheet1');
  const amountColumns = new Set(table.amountColumns ?? []);
  table.rows.forEach((row, rowIndex) => {
    const added = sheet.addRow(row);
    row.forEach((_, index) => {
      const cell = added.getCell(index + 1);
      if (amountColumns.has(index) && rowIndex > (table.headerRowIndex ?? -1)) cell.numFmt = '0.00';
      // Account numbers and codes stay text: a number cell would lose digits past the 15th.
      else if (typeof row[index] === 'string') cell.numFmt = '@';
    });
  });
  (table.fixedWidths ?? []).forEach((width, index) => {
    sheet.getColumn(index + 1).width = Math.min(Math.max(width, 8), 60);
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function writeTableFile(
  table: WrittenTable,
  format: FileFormat,
  encoding: TextEncoding,
): Promise<Buffer> {
  switch (format) {
    case 'xlsx':
      return writeXlsx(table);
    case 'csv':
      return writeCsv(table, encoding);
    case 'txt':
      return writeFixed(table, encoding);
  }
}
