// The vitest configuration StrykerJS uses (stryker.config.mjs): the unit tests only. The
// integration tests run the built bundle, which never contains Stryker's mutants.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.mts';

export default defineConfig({ ...base, test: { ...base.test, include: ['test/unit/**/*.test.ts'] } });
