import ExcelJS from 'exceljs';
import { creditCodeCheckCharacter, idNumberCheckCharacter } from '../../src/registry/identifiers.ts';

/** A valid GB 11643 ID number: region, birth date (YYYYMMDD), 3-digit sequence (odd = male). */
export function idNumber(region: string, birth: string, sequence: string): string {
  const first17 = `${region}${birth}${sequence}`;
  return `${first17}${idNumberCheckCharacter(first17)}`;
}

/** The same number with a wrong check character. */
export function withWrongCheck(valid: string): string {
  const last = valid[17] === '0' ? '1' : '0';
  return `${valid.slice(0, 17)}${last}`;
}

export function creditCode(first17: string): string {
  return `${first17}${creditCodeCheckCharacter(first17)}`;
}

/** A multipart/form-data body with one file field named `file`. */
export function multipartFile(fileName: string, content: Buffer, contentType: string) {
  const boundary = `----skillfund${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, content, tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

export async function xlsxOf(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('名单');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function csvOf(rows: string[][]): Buffer {
  return Buffer.from(rows.map((row) => row.join(',')).join('\n'), 'utf8');
}

/** An instant `days` from now at a China-time hour. */
export function futureAt(days: number, hour: number, minute = 0): string {
  const day = new Date(Date.now() + days * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
  return `${day}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+08:00`;
}
