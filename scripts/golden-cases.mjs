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
