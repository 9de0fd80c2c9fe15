import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readFirstSheet, readTableFile } from './table-file.ts';

async function xlsxOf(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('名单');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('reading the first sheet of an xlsx file', () => {
  // Excel keeps no zone: the cell's UTC fields are the wall-clock fields.
  const signedIn = new Date(Date.UTC(2021, 5, 15, 8, 30, 5));

  it('reads a date cell as the calendar day for a roster', async () => {
    const file = await xlsxOf([
      ['姓名', '日期'],
      ['张三', signedIn],
    ]);
    expect(await readFirstSheet(file, 'date')).toEqual([
      ['姓名', '日期'],
      ['张三', '2021-06-15'],
    ]);
  });

  it('reads a date cell with its time for device attendance', async () => {
    const file = await xlsxOf([['张三', signedIn, { richText: [{ text: '甲' }, { text: '乙' }] }]]);
    expect(await readTableFile(file, 'attendance.xlsx')).toEqual([['张三', '2021-06-15 08:30:05', '甲乙']]);
  });

  it('refuses a file that is not xlsx', async () => {
    await expect(readFirstSheet(Buffer.from('not a workbook'), 'date')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
