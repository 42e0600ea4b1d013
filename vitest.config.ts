import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    {
      // Templates are imported as text, as esbuild's text loader does for the CLI bundle.
      name: 'dazzle-templates',
      enforce: 'pre',
      load(id) {
        if (id.endsWith('.tmpl')) return `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`;
        return null;
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // Names, on one line, the suites skipped because ../shared is missing (a clone of the repository alone).
    globalSetup: ['test/shared-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
