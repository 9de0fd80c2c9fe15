#!/usr/bin/env node
// Runs the compiled CLI in dist/ (`npm run build`, also run by `npm install`). When src/ changed
// since that build (someone is editing the code), it runs the TypeScript sources through tsx
// instead, so a stale build is never run; `npm run build` makes the fast path current again.
import { isBuildCurrent } from './build-state.js';

if (isBuildCurrent()) {
  const { main } = await import('../dist/cli/main.js');
  await main(process.argv);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  await main(process.argv);
}
