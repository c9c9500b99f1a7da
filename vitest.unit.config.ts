import { defineConfig } from 'vitest/config';

// `npm run test:unit`: the pure-rule tests alone, without a database or a
// browser, for the fast loop while editing. `npm test` runs them too.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    pool: 'forks',
    retry: 0,
  },
});
