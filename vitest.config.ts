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
    // A worker imports the sources once and runs its test files one after another in that module
    // graph: importing the app costs about 1.5 s of CPU, paid once per worker instead of once per
    // file. Every file still gets its own databases and apps; test/support/per-file.setup.ts puts
    // the process-wide keys back before each file. A file that stubs a global restores it itself.
    isolate: false,
    setupFiles: ['test/support/per-file.setup.ts'],
    // Fails the run when any test app let an unmasked ID number or phone out (issue 7).
    // One migrated database the test databases are copied from (test/support/database.ts).
    globalSetup: ['test/support/pii-scan.global.ts', 'test/support/template.global.ts'],
  },
});
