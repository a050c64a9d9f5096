import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // forks: native addons are safest in child processes (vitest docs on native libraries).
    pool: 'forks',
    globals: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
