import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Suite-wide scan for unmasked personal data (issue 7): every test app created through
 * createTestApp reports what its pii-capture found (test/support/pii-capture.ts); after the run
 * this teardown fails the run when any log line, error body or non-privileged response held an
 * unmasked ID number or mobile number.
 */
let dir = '';

export default function setup(project: TestProject) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-pii-scan-'));
  project.provide('piiScanDir', dir);
  return () => {
    const reports = fs
      .readdirSync(dir)
      .flatMap((file) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean))
      .map(
        (line) =>
          JSON.parse(line) as { file: string; logLines: number; responses: number; findings: unknown[] },
      );
    fs.rmSync(dir, { recursive: true, force: true });
    const findings = reports.flatMap((report) =>
      report.findings.map((finding) => ({ file: report.file, ...(finding as object) })),
    );
    const logLines = reports.reduce((sum, report) => sum + report.logLines, 0);
    const responses = reports.reduce((sum, report) => sum + report.responses, 0);
    if (findings.length > 0) {
      // vitest reports a teardown error but keeps exit code 0; the scan must fail the run.
      process.exitCode = 1;
      throw new Error(
        `unmasked personal data left the app in the test suite:\n${JSON.stringify(findings, null, 2)}`,
      );
    }
    if (reports.length > 0) {
      process.stdout.write(
        `PII scan: ${logLines} log lines and ${responses} responses/error bodies, no unmasked ID or phone\n`,
      );
    }
  };
}
