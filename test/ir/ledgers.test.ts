/** TigerBeetle's hard limits are errors at `dazzle check`, at the line that breaks them. */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import { APP, checkTexts } from '../helpers.js';

const check = (dsl: string) => checkTexts({ 'dsl/app.dsl': `${APP}${dsl}` }).diagnostics;
const where = (ds: readonly Diagnostic[]) => ds.map((d) => [d.code, `${d.span?.line}:${d.span?.col}`, d.related.map((r) => `${r.message} ${r.span.line}:${r.span.col}`)]);

const ledger = (name: string, lines: string) => `ledger ${name} "${name}":
  account_type: asset
  currency: GBP
${lines}
`;
const transfer = (lines: string) => `transaction Pay "Pay":
  transfer move:
${lines}
    amount: event.amount
`;

describe('TigerBeetle limits', () => {
  it.each([
    ['ledger_id: 0', '6:14'],
    ['ledger_id: 4294967296', '6:14'],
    ['account_code: 0', '6:17'],
    ['account_code: 65536', '6:17'],
  ])('ledger %s is DZ3014 at the value', (line, at) => {
    const ds = check(ledger('Wallet', `  ${line}\n  ${line.startsWith('ledger_id') ? 'account_code: 1' : 'ledger_id: 1'}`));
    expect(where(ds)).toEqual([['DZ3014', at, []]]);
  });

  it('accepts the edges: ledger 1 and 2^32-1, codes 1 and 65535', () => {
    expect(check(ledger('A', '  ledger_id: 4294967295\n  account_code: 65535') + ledger('B', '  ledger_id: 1\n  account_code: 1'))).toEqual([]);
  });

  it('an account cannot forbid both debits beyond credits and credits beyond debits', () => {
    const ds = check(ledger('Wallet', '  account_code: 1\n  flags: debits_must_not_exceed_credits, credits_must_not_exceed_debits'));
    expect(where(ds)).toEqual([['DZ3014', '7:10', []]]);
  });

  it.each([
    ['code: 0', '15:11'],
    ['code: 65536', '15:11'],
  ])('transfer %s is DZ3014 at the value', (line, at) => {
    const ds = check(ledger('A', '  account_code: 1') + ledger('B', '  account_code: 2') + transfer(`    debit: A\n    credit: B\n    ${line}`));
    expect(where(ds)).toEqual([['DZ3014', at, []]]);
  });

  it('a transfer is at most one of pending, post_pending and void_pending', () => {
    const ds = check(ledger('A', '  account_code: 1') + ledger('B', '  account_code: 2') + transfer('    debit: A\n    credit: B\n    code: 1\n    flags: pending, void_pending'));
    expect(where(ds)).toEqual([['DZ3014', '16:12', []]]);
  });

  it('a transfer whose debit and credit accounts are the same is DZ3015 at the credit, with the debit as related', () => {
    const ds = check(ledger('A', '  account_code: 1') + transfer('    debit: A\n    credit: A\n    code: 1'));
    expect(where(ds)).toEqual([['DZ3015', '10:13', ['debited here 9:12']]]);
  });

  it('a transfer between accounts on different ledgers is DZ3016, with both ledger_id lines', () => {
    const ds = check(ledger('A', '  account_code: 1\n  ledger_id: 1') + ledger('B', '  account_code: 2\n  ledger_id: 2') + transfer('    debit: A\n    credit: B\n    code: 1'));
    expect(where(ds)).toEqual([['DZ3016', '16:13', ["ledger 'A' has ledger_id 1 here 7:14", "ledger 'B' has ledger_id 2 here 12:14"]]]);
  });

  it('an unknown ledger is only DZ3005 (no cascade)', () => {
    const ds = check(ledger('A', '  account_code: 1\n  ledger_id: 1') + transfer('    debit: A\n    credit: Nowhere\n    code: 1'));
    expect(ds.map((d) => d.code)).toEqual(['DZ3005']);
  });
});
