/**
 * TigerBeetle's hard limits, checked where the ledger or transfer says them
 * (https://docs.tigerbeetle.com/reference/account, …/reference/transfer):
 * an account's `ledger` is a u32 and not 0, its `code` a u16 and not 0; a
 * transfer's `code` likewise; a transfer moves money between two different
 * accounts on the same ledger; an account cannot both forbid debits beyond
 * credits and credits beyond debits; a transfer is at most one of pending,
 * post-pending and void-pending.
 */
import { diag, quote, type Diagnostic, type RelatedLocation } from '../diagnostics/index.js';
import type { Decl, Property, PropertyConstructDecl, TransactionDecl } from '../syntax/index.js';
import { decimalInteger, plainValue, propertyMap, valueSpan } from './values.js';

const U16_MAX = 65_535;
const U32_MAX = 4_294_967_295;

interface LedgerInfo {
  readonly id: number | null;
  readonly idProperty: Property | undefined;
}

/** Check ledgers and the transfers between them; `flagged` properties are already reported. */
export function checkLedgers(decls: readonly Decl[], flagged: ReadonlySet<Property>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ledgers = new Map<string, LedgerInfo>();
  for (const d of decls) {
    if (d.kind !== 'ledger' || ledgers.has(d.name)) continue;
    ledgers.set(d.name, ledger(d, flagged, out));
  }
  for (const d of decls) if (d.kind === 'transaction') transaction(d, ledgers, flagged, out);
  return out;
}

/**
 * A whole number in [1, max] or a diagnostic. Numbers the syntax or the whole-number
 * check rejects (not decimal, beyond 2^53) are theirs to report.
 */
function inRange(p: Property | undefined, max: number, what: string, hint: string, flagged: ReadonlySet<Property>, out: Diagnostic[]): number | null {
  if (!p || flagged.has(p)) return null;
  const n = decimalInteger(p.value.text);
  if (n === null) return null;
  if (n >= 1 && n <= max) return n;
  out.push(diag('DZ3014', `${what} is ${p.value.text}; TigerBeetle allows 1 to ${max}${n === 0 ? ' (0 is reserved)' : ''}`, { span: valueSpan(p), hint }));
  return null;
}

function ledger(d: PropertyConstructDecl, flagged: ReadonlySet<Property>, out: Diagnostic[]): LedgerInfo {
  const p = propertyMap(d.members);
  inRange(p.get('account_code'), U16_MAX, `ledger '${d.name}': account_code`, "the account's code, a 16-bit number that says what kind of account it is, e.g. account_code: 1001", flagged, out);
  const idProperty = p.get('ledger_id');
  const id = inRange(idProperty, U32_MAX, `ledger '${d.name}': ledger_id`, 'the TigerBeetle ledger (usually one per currency or asset), a 32-bit number from 1, e.g. ledger_id: 1', flagged, out);
  const flags = p.get('flags');
  const names = flags?.value.parts.filter((x) => x.type === 'name').map((x) => x.image) ?? [];
  if (flags && names.includes('debits_must_not_exceed_credits') && names.includes('credits_must_not_exceed_debits')) {
    out.push(
      diag('DZ3014', `ledger '${d.name}' sets both debits_must_not_exceed_credits and credits_must_not_exceed_debits, which TigerBeetle does not allow together`, {
        span: valueSpan(flags),
        hint: 'keep the one that matches the account: debits_must_not_exceed_credits for an asset customers spend from, credits_must_not_exceed_debits for a liability',
      }),
    );
  }
  return { id, idProperty };
}

const PENDING_FLAGS = ['pending', 'post_pending', 'void_pending'];

function transaction(d: TransactionDecl, ledgers: ReadonlyMap<string, LedgerInfo>, flagged: ReadonlySet<Property>, out: Diagnostic[]): void {
  for (const t of d.transfers) {
    const p = propertyMap(t.members);
    const where = `transfer '${t.name}' in transaction '${d.name}'`;
    inRange(p.get('code'), U16_MAX, `${where}: code`, 'the transfer code, a 16-bit number that says why money moved, e.g. code: 1', flagged, out);
    const flags = p.get('flags');
    const pending = (flags?.value.parts ?? []).filter((x) => x.type === 'name' && PENDING_FLAGS.includes(x.image)).map((x) => x.image);
    if (flags && new Set(pending).size > 1) {
      out.push(
        diag('DZ3014', `${where} sets ${pending.join(' and ')}; TigerBeetle allows at most one of pending, post_pending and void_pending`, {
          span: valueSpan(flags),
          hint: 'a transfer either starts a two-phase transfer (pending) or ends one (post_pending or void_pending)',
        }),
      );
    }
    const debit = p.get('debit');
    const credit = p.get('credit');
    if (!debit || !credit || flagged.has(debit) || flagged.has(credit)) continue;
    const from = plainValue(debit);
    const to = plainValue(credit);
    if (from === to) {
      out.push(
        diag('DZ3015', `${where} debits and credits the same ledger ${quote(to)}; TigerBeetle moves money between two different accounts`, {
          span: valueSpan(credit),
          related: [{ message: 'debited here', span: valueSpan(debit) }],
          hint: 'credit the account the money goes to, or remove the transfer',
        }),
      );
      continue;
    }
    const a = ledgers.get(from);
    const b = ledgers.get(to);
    if (!a || !b || a.id === null || b.id === null || a.id === b.id) continue;
    const related: RelatedLocation[] = [];
    if (a.idProperty) related.push({ message: `ledger '${from}' has ledger_id ${a.id} here`, span: valueSpan(a.idProperty) });
    if (b.idProperty) related.push({ message: `ledger '${to}' has ledger_id ${b.id} here`, span: valueSpan(b.idProperty) });
    out.push(
      diag('DZ3016', `${where} moves money from ledger_id ${a.id} ('${from}') to ledger_id ${b.id} ('${to}'); TigerBeetle transfers stay on one ledger`, {
        span: valueSpan(credit),
        related,
        hint: 'give both accounts the same ledger_id, or move between ledgers with two transfers through accounts on each (a currency exchange)',
      }),
    );
  }
}
