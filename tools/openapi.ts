// The OpenAPI document's tools (package.json scripts):
//   tsx tools/openapi.ts lint        — `npm run lint:openapi`: Redocly's recommended rules (redocly.yaml)
//                                      on the document the routes declare; exits non-zero on any error.
//   tsx tools/openapi.ts gen-client  — `npm run gen:client`: writes web/src/api/openapi.d.ts.
//   tsx tools/openapi.ts dump FILE   — writes the document to FILE (JSON).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clientTypesOf } from 'skillfund-openapi-typescript';
import { CLIENT_TYPES_FILE, openApiDocument } from '../src/api/openapi.document.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

async function lint(): Promise<number> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-openapi-'));
  const file = path.join(directory, 'openapi.json');
  try {
    fs.writeFileSync(file, JSON.stringify(await openApiDocument(), null, 2));
    const result = spawnSync(
      path.join(ROOT, 'node_modules', '.bin', 'redocly'),
      ['lint', '--config', path.join(ROOT, 'redocly.yaml'), '--format', 'summary', file],
      // No telemetry or update check: the machines reach no host but the package registry.
      {
        stdio: 'inherit',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    return result.status ?? 1;
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

async function generateClient(): Promise<number> {
  const target = path.join(ROOT, CLIENT_TYPES_FILE);
  fs.writeFileSync(target, await clientTypesOf(await openApiDocument()));
  process.stdout.write(`gen:client: wrote ${CLIENT_TYPES_FILE}\n`);
  return 0;
}

async function dump(file: string | undefined): Promise<number> {
  if (!file) throw new Error('usage: tsx tools/openapi.ts dump FILE');
  fs.writeFileSync(file, `${JSON.stringify(await openApiDocument(), null, 2)}\n`);
  return 0;
}

const [command, argument] = process.argv.slice(2);
const commands: Record<string, () => Promise<number>> = {
  lint,
  'gen-client': generateClient,
  dump: () => dump(argument),
};
const run = command ? commands[command] : undefined;
if (!run) {
  process.stderr.write('usage: tsx tools/openapi.ts lint | gen-client | dump FILE\n');
  process.exit(2);
}
process.exitCode = await run();
