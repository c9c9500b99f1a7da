import { defineConfig } from 'vitest/config';

// One run for everything: unit tests of pure rules, integration tests against
// a real PostgreSQL (a template database cloned per test file) and browser
// flows in Debian's Chromium. TEST_DATABASE_URL selects an external server
// (CI: PostgreSQL 15); otherwise an embedded PostgreSQL 18 is started.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts', 'e2e/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    retry: 0,
  },
});
