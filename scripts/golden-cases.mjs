// The golden plan cases: a name, the CLI arguments, and the files they produce.
// `npm run accept` (scripts/accept-golden.mjs) rewrites test/golden/ from them; tests compare, never accept.
export const PLAN_CASES = [
  { name: 'ledger-app-prod', args: ['-p', 'examples/ledger-app', '--env', 'prod'] },
  { name: 'ledger-app-staging', args: ['-p', 'examples/ledger-app'] },
  { name: 'acme_billing', args: ['-p', '../shared/corpus/dazzle/acme_billing'] },
  { name: 'fieldtest_hub', args: ['-p', '../shared/corpus/dazzle/fieldtest_hub'] },
  { name: 'invoice_ops', args: ['-p', '../shared/corpus/dazzle/invoice_ops'] },
  { name: 'simple_task', args: ['-p', '../shared/corpus/dazzle/simple_task'] },
  { name: 'support_tickets', args: ['-p', '../shared/corpus/dazzle/support_tickets', '--env', 'prod'] },
];

export const FORMATS = [
  ['plan.txt', 'text'],
  ['plan.json', 'json'],
];

// Generated apps pinned file by file, with the construct paths of their synthesized templates
// (construct IDs are a contract: changing one replaces the resource in AWS).
export const APP_CASES = [{ name: 'ledger-app-prod', project: 'examples/ledger-app', env: 'prod' }];

/** The version file's `generated_at` is the one value that may differ between two runs. */
export const normalizeVersionFile = (text) => text.replace(/"generated_at": "[^"]*"/, '"generated_at": "(time of generation)"');

/** `Stack/Path/To/Resource  AWS::Type` for every resource of the templates in a cloud assembly, sorted. */
export function constructIds(templates) {
  const lines = [];
  for (const t of templates) {
    for (const r of Object.values(t.Resources ?? {})) {
      const path = r.Metadata?.['aws:cdk:path'];
      if (path) lines.push(`${path}  ${r.Type}`);
    }
  }
  return `${lines.sort().join('\n')}\n`;
}
