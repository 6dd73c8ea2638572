import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Native DuckDB and spawned CLI processes: forks are the safe pool.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
