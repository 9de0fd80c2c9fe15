import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'web/**', 'test/browser/**'],
    // No wall-clock limit a loaded machine breaks: these only stop a test or hook that hangs.
    // Do not pass a shorter limit to a test; a slow machine is not a failure.
    testTimeout: 1_200_000,
    hookTimeout: 1_200_000,
    pool: 'forks',
    // Two cores: more workers only make PGlite instances fight for CPU.
    maxWorkers: 2,
    // Fails the run when any test app let an unmasked ID number or phone out (issue 7).
    // One migrated database the test databases are copied from (test/support/database.ts).
    globalSetup: ['test/support/pii-scan.global.ts', 'test/support/template.global.ts'],
  },
});
