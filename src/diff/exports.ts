/**
 * The export trap: CloudFormation refuses to delete or change an export that
 * another stack imports. Stacks deploy in dependency order, so the exporting
 * stack is updated while the importers still hold the old import, and its
 * update fails. Read from the templates (any `Export` and `Fn::ImportValue`),
 * whatever the generated app exports.
 */
import type { Change, OutputChange, Template } from './model.js';
import { canonical, exportsOf, importsOf, referencedIds } from './templates.js';

const list = (xs: readonly string[]) => xs.join(', ');

/** Output changes of one stack, with the stacks importing each export. */
export function outputChanges(stack: string, before: ReadonlyMap<string, Template>, after: ReadonlyMap<string, Template>): OutputChange[] {
  const b = before.get(stack)?.Outputs ?? {};
  const a = after.get(stack)?.Outputs ?? {};
  const names = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  const out: OutputChange[] = [];
  for (const name of names) {
    const o = b[name];
    const n = a[name];
    const change = !o ? 'add' : !n ? 'remove' : canonical(o) !== canonical(n) ? 'update' : undefined;
    if (!change) continue;
    const exported = (n ?? o)?.Export?.Name;
    const exportName = exported === undefined ? null : typeof exported === 'string' ? exported : JSON.stringify(exported);
    const side = change === 'add' ? after : before;
    const importedBy = exportName === null ? [] : [...side.keys()].filter((s) => s !== stack && importsOf(side.get(s) as Template).has(exportName)).sort();
    out.push({ name, exportName, change, importedBy });
  }
  return out;
}

/**
 * Exports removed, changed, or whose resource is replaced, while a deployed
 * stack imports them. `replaced(stack, id)`: whether that resource is (possibly) replaced.
 */
export function exportTraps(before: ReadonlyMap<string, Template>, after: ReadonlyMap<string, Template>, replaced: (stack: string, logicalId: string) => boolean): Change[] {
  const out: Change[] = [];
  const imports = new Map([...before.entries()].map(([id, t]) => [id, importsOf(t)]));
  const importsAfter = new Map([...after.entries()].map(([id, t]) => [id, importsOf(t)]));
  for (const [stack, template] of [...before.entries()].sort(([x], [y]) => (x < y ? -1 : 1))) {
    // A stack that leaves the app stays deployed (`cdk deploy` deletes no stack): its exports stay too.
    const next = after.get(stack);
    if (!next) continue;
    const nextExports = exportsOf(next);
    for (const [name, old] of [...exportsOf(template).entries()].sort(([x], [y]) => (x < y ? -1 : 1))) {
      const importers = [...imports.entries()].filter(([s, set]) => s !== stack && set.has(name)).map(([s]) => s).sort();
      if (!importers.length) continue;
      const now = nextExports.get(name);
      const swapped = [...referencedIds(old.value)].filter((id) => replaced(stack, id)).sort();
      let why: string;
      if (!now) why = `it is removed while ${list(importers)} still import${importers.length === 1 ? 's' : ''} it: CloudFormation refuses to delete an export in use, so the update of ${stack} fails and rolls back`;
      else if (canonical(now.value) !== canonical(old.value)) why = `its value changes while ${list(importers)} import${importers.length === 1 ? 's' : ''} it: CloudFormation refuses to change an export in use, so the update of ${stack} fails and rolls back`;
      else if (swapped.length) why = `${list(swapped)}, which it exports, is replaced, so its value changes while ${list(importers)} import${importers.length === 1 ? 's' : ''} it: the update of ${stack} fails and rolls back`;
      else continue;
      const stillImport = importers.filter((s) => importsAfter.get(s)?.has(name));
      const gone = importers.filter((s) => !after.has(s));
      const hint = gone.length
        ? `${list(gone)} ${gone.length === 1 ? 'is' : 'are'} no longer in the app but stay${gone.length === 1 ? 's' : ''} deployed and keep${gone.length === 1 ? 's' : ''} the import: delete ${gone.length === 1 ? 'it' : 'them'} first (npx cdk destroy ${gone.join(' ')}), then deploy`
        : stillImport.length
          ? `stop importing it first: deploy ${list(stillImport)} without the reference (or keep the old export one more deployment with Stack.exportValue), then make the change`
          : `deploy in two steps: first the importing stack${importers.length === 1 ? '' : 's'} alone (npx cdk deploy ${importers.join(' ')} --exclusively), which stop${importers.length === 1 ? 's' : ''} importing it, then everything (npx cdk deploy --all)`;
      out.push({
        kind: 'export',
        impact: 'breaks-deploy',
        critical: false,
        stack,
        subject: name,
        type: null,
        action: now ? 'update' : 'remove',
        title: `export ${name}`,
        reasons: [why],
        hint,
        because: null,
      });
    }
  }
  return out;
}
