/**
 * The app skeleton templates (`templates/`), bundled into the CLI as text at
 * build time (esbuild's text loader; the same in tests through vitest).
 */
import binApp from '../../templates/bin/app.ts.tmpl';
import cdkJson from '../../templates/cdk.json.tmpl';
import packageJson from '../../templates/package.json.tmpl';
import nodeGroup from '../../templates/lib/node-group.ts.tmpl';
import tsconfigJson from '../../templates/tsconfig.json.tmpl';

export const TEMPLATES = { binApp, cdkJson, nodeGroup, packageJson, tsconfigJson } as const;
