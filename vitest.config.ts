import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // ORGLIFE_TEST_STORE=postgres: one migrated template database per run, dropped at the end.
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests share one Redis and spawn child processes; keep parallelism modest for 2-core CI.
    maxWorkers: 2,
  },
});
