import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    include: ['test/**/*.test.ts', 'connectors/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Files wait on PostgreSQL, browsers and child processes far more than on
    // CPU, so more workers than cores pays; reusing a worker's module cache
    // across files (no per-file isolation) removes most of the import cost.
    // Safe here: every file builds its own app and database, nothing is mocked.
    isolate: false,
    maxWorkers: 3,
  },
})
