import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AppError } from '../shared/errors.ts';

/**
 * How a date cell reads: its calendar day `YYYY-MM-DD` (a roster) or its date and time
 * `YYYY-MM-DD HH:mm:ss` (device attendance).
 */
export type DateCells = 'date' | 'date-time';

/**
 * A cell as text. Excel stores date-times without a zone; ExcelJS hands them back as a Date whose
 * UTC fields are the wall-clock fields, so they come out in local time.
 */
function cellText(value: ExcelJS.CellValue, dates: DateCells): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const text = value.toISOString();
    return dates === 'date' ? text.slice(0, 10) : text.slice(0, 19).replace('T', ' ');
  }
  if (typeof value === 'object') {
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return String(value.result ?? '');
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
  }
  return String(value);
}

/** The first sheet of an xlsx file as rows of text cells (an empty row stays, as no cells). */
export async function readFirstSheet(content: Buffer, dates: DateCells): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ExcelJS.Buffer);
  } catch {
    throw new AppError('VALIDATION_FAILED', '无法读取 xlsx 文件', [
      { field: 'file', message: '无法读取的 xlsx 文件' },
    ]);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let column = 1; column <= sheet.columnCount; column += 1)
      cells.push(cellText(row.getCell(column).value, dates));
    table[rowNumber - 1] = cells;
  });
  return Array.from(table, (cells) => cells ?? []);
}

/** The first sheet of an xlsx file, or a csv file, as rows of text cells; the format follows the name. */
export async function readTableFile(content: Buffer, fileName: string): Promise<string[][]> {
  if (/\.xlsx$/i.test(fileName)) return readFirstSheet(content, 'date-time');
  if (/\.csv$/i.test(fileName)) {
    try {
      return parse(content, { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
    } catch {
      throw new AppError('VALIDATION_FAILED', '无法读取 CSV 文件', [
        { field: 'file', message: '无法读取的 CSV 文件' },
      ]);
    }
  }
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', '文件须为 xlsx 或 CSV 文件', [
    { field: 'file', message: `不支持的文件：${fileName}` },
  ]);
}
