import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests drive real tmux and screen servers; give them room but keep the suite in minutes.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
