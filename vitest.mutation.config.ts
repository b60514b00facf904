// Vitest for mutation testing (stryker.config.mjs): the main config, but only the domain's tests (so no PostgreSQL).
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/domain/**/*.test.ts'], globalSetup: [], setupFiles: ['test/support/fast-check-seed.ts'] },
});
