import fs from 'node:fs';
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { expect, inject } from 'vitest';
import type { BuildOptions } from '../../src/api/app.ts';
import { findUnmaskedPii } from '../../src/shared/crypto.ts';

/**
 * Collects what the app lets out — log lines, error bodies and every response except an audited
 * reveal (routes with `config.revealsPersonalData`) — and scans each for unmasked ID numbers and mobile numbers. createTestApp
 * wires one into every test app, and the vitest globalSetup (test/support/pii-scan.global.ts)
 * fails the run when any test file produced a finding. Use it directly in a test:
 *
 *   const capture = createPiiCapture();
 *   const app = await buildApp(deps, capture.buildOptions);
 *   ...
 *   expect(capture.findings).toEqual([]);
 */
export interface PiiFinding {
  source: 'log' | 'response';
  /** What was found, masked again so the report itself does not spread it. */
  values: string[];
  where: string;
}

export interface PiiCapture {
  buildOptions: Required<Pick<BuildOptions, 'logStream' | 'onResponse'>>;
  findings: PiiFinding[];
  logLines: string[];
  /** Responses scanned: all but successful reveals. */
  scannedResponses: number;
  /** Appends this capture's findings and counts to the run's report (globalSetup). */
  flush(): void;
}

declare module 'vitest' {
  export interface ProvidedContext {
    piiScanDir: string;
  }
}

const maskFinding = (value: string) => `${value.slice(0, 3)}…${value.slice(-2)} (${value.length} chars)`;

/** The run's report directory, when the globalSetup is active. */
function reportDir(): string | undefined {
  try {
    return inject('piiScanDir') || undefined;
  } catch {
    return undefined;
  }
}

export function createPiiCapture(options: { keepLogLines?: boolean } = {}): PiiCapture {
  const capture: PiiCapture = {
    findings: [],
    logLines: [],
    scannedResponses: 0,
    buildOptions: {
      logStream: {
        write(line: string) {
          if (options.keepLogLines) capture.logLines.push(line);
          scanLogLine(line);
        },
      } satisfies DestinationStream,
      onResponse(request: FastifyRequest, statusCode: number, payload: string) {
        if (request.routeOptions.config?.revealsPersonalData && statusCode < 400) return;
        capture.scannedResponses += 1;
        const values = findUnmaskedPii(payload);
        if (values.length > 0) {
          capture.findings.push({
            source: 'response',
            values: values.map(maskFinding),
            where: `${request.method} ${request.routeOptions.url ?? request.url} → ${statusCode} as ${request.principal?.role ?? 'anonymous'}`,
          });
        }
      },
    },
    flush() {
      const dir = reportDir();
      if (!dir) return;
      fs.appendFileSync(
        path.join(dir, `${process.pid}.jsonl`),
        `${JSON.stringify({ file: expectTestPath(), logLines: logCount, responses: capture.scannedResponses, findings: capture.findings })}\n`,
      );
      logCount = 0;
      capture.scannedResponses = 0;
      capture.findings = [];
    },
  };
  let logCount = 0;
  function scanLogLine(line: string) {
    logCount += 1;
    const values = findUnmaskedPii(line);
    if (values.length > 0)
      capture.findings.push({ source: 'log', values: values.map(maskFinding), where: line.slice(0, 200) });
  }
  return capture;
}

function expectTestPath(): string {
  const testPath = expect.getState().testPath;
  return testPath ? path.relative(process.cwd(), testPath) : 'unknown';
}
