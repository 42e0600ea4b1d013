/**
 * `deploy diff` as a pure function: (baseline templates + version file + plan)
 * and (current templates + version file + plan) → the report. Stack level from
 * the version files' checksums, resource level from cloudformation-diff, each
 * change in its impact class, plan level from the two plans.
 */
import { exportTraps, outputChanges } from './exports.js';
import type { Change, DiffInput, DiffReport, Impact, ResourceChange, StackDiff, StackStatus, Template } from './model.js';
import { DIFF_FORMAT_VERSION, IMPACTS } from './model.js';
import { planChanges } from './plan-changes.js';
import { provenanceIndex } from './provenance.js';
import { classify, diffStack, type RawChange } from './resources.js';
import { exportsOf, fixedName, referencedIds } from './templates.js';
import { tigerBeetleChanges } from './tigerbeetle.js';

const EMPTY: ReadonlyMap<string, Template> = new Map();

/** Stack IDs in deploy order: the current generation's order, then stacks only the baseline has. */
function stackOrder(input: DiffInput): string[] {
  const ids: string[] = [];
  const add = (id: string) => {
    if (!ids.includes(id)) ids.push(id);
  };
  for (const s of input.current.version.stacks) add(s.id);
  for (const id of [...input.current.templates.keys()].sort()) add(id);
  for (const s of input.baseline?.version?.stacks ?? []) add(s.id);
  for (const id of [...(input.baseline?.templates.keys() ?? [])].sort()) add(id);
  return ids;
}

/** Literal strings of a name value (the pieces of an `Fn::Join`), long enough to recognise in an ARN. */
function nameFragments(v: unknown): string[] {
  if (typeof v === 'string') return v.length >= 6 ? [v] : [];
  if (Array.isArray(v)) return v.flatMap(nameFragments);
  if (v && typeof v === 'object') return Object.values(v).flatMap(nameFragments);
  return [];
}

function toChange(r: ResourceChange): Change {
  return {
    kind: 'resource',
    impact: r.impact,
    critical: false,
    stack: r.stack,
    subject: r.logicalId,
    type: r.type,
    action: r.action,
    title: `${r.logicalId} (${r.type})`,
    reasons: r.reasons,
    hint: r.hint,
    because: r.because,
  };
}

/** Compare the baseline with the current side. */
export function diffDeployments(input: DiffInput): DiffReport {
  const before = input.baseline?.templates ?? EMPTY;
  const after = input.current.templates;
  const order = stackOrder(input);
  const names = new Map<string, string>();
  for (const s of [...(input.baseline?.version?.stacks ?? []), ...input.current.version.stacks]) names.set(s.id, s.name);
  const provenance = {
    before: provenanceIndex(before, input.baseline?.plan),
    after: provenanceIndex(after, input.current.plan),
  };

  const raw = new Map<string, readonly RawChange[]>();
  for (const id of order) raw.set(id, diffStack(before.get(id), after.get(id)).changes);
  const added = new Map<string, Set<string>>();
  const replaced = new Map<string, Set<string>>();
  const addedNames: string[] = [];
  for (const [id, changes] of raw) {
    added.set(id, new Set(changes.filter((c) => c.action === 'add').map((c) => c.logicalId)));
    replaced.set(id, new Set(changes.filter((c) => c.action === 'replace' || c.action === 'may-replace').map((c) => c.logicalId)));
    for (const c of changes) if (c.action === 'add' && c.after) addedNames.push(...nameFragments(fixedName(c.after)?.value));
  }
  // An export of the current side whose value names only resources this change creates.
  const newExports = new Set<string>();
  for (const [id, t] of after) {
    const fresh = added.get(id) ?? new Set();
    for (const [name, e] of exportsOf(t)) {
      const refs = [...referencedIds(e.value)];
      if (refs.length && refs.every((r) => fresh.has(r))) newExports.add(name);
    }
  }
  const onlyNew = (stack: string, rendered: string): boolean => {
    if (rendered === '*' || rendered.startsWith('NOT ')) return false;
    const refs = [...rendered.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}/g)].map((m) => m[1] as string).filter((r) => !r.startsWith('AWS'));
    const imports = [...rendered.matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((m) => m[1] as string);
    if (!refs.length && !imports.length) return addedNames.some((n) => rendered.includes(n));
    return refs.every((r) => added.get(stack)?.has(r)) && imports.every((i) => newExports.has(i));
  };

  const stacks: StackDiff[] = [];
  const changes: Change[] = [];
  for (const id of order) {
    const resources = (raw.get(id) ?? []).map((c) => classify(c, { stack: id, onlyNew, provenance }));
    const outputs = outputChanges(id, before, after);
    const b = input.baseline?.version?.stacks.find((s) => s.id === id);
    const a = input.current.version.stacks.find((s) => s.id === id);
    const inBefore = before.has(id) || b !== undefined;
    const inAfter = after.has(id) || a !== undefined;
    const status: StackStatus = !inBefore ? 'added' : !inAfter ? 'removed' : (b && a && b.checksum !== a.checksum) || resources.length || outputs.length ? 'modified' : 'unchanged';
    stacks.push({ id, name: names.get(id) ?? null, status, checksum: { before: b?.checksum ?? null, after: a?.checksum ?? null }, resources, outputs });
    changes.push(...resources.map(toChange));
  }
  changes.push(...exportTraps(before, after, (stack, logicalId) => replaced.get(stack)?.has(logicalId) ?? false));
  changes.push(...tigerBeetleChanges(input.baseline, input.current));
  const rank = (i: Impact) => IMPACTS.indexOf(i);
  const position = (s: string) => order.indexOf(s);
  changes.sort((x, y) => rank(x.impact) - rank(y.impact) || Number(y.critical) - Number(x.critical) || position(x.stack) - position(y.stack) || (x.subject < y.subject ? -1 : x.subject > y.subject ? 1 : 0));

  const plan = planChanges(input.baseline?.plan, input.current.plan, input.baseline !== undefined);
  const impacts = Object.fromEntries(IMPACTS.map((i) => [i, changes.filter((c) => c.impact === i).length])) as Record<Impact, number>;
  const count = (s: StackStatus) => stacks.filter((x) => x.status === s).length;
  const all = stacks.flatMap((s) => s.resources);
  const notes = [...(input.notes ?? [])];
  if (!input.baseline) notes.push(`No baseline: ${input.baselineInfo.label} holds no generation yet, so everything counts as added.`);
  for (const s of stacks.filter((x) => x.status === 'removed')) {
    notes.push(`${s.id} is no longer in the app: \`cdk deploy\` leaves a stack it no longer has deployed; \`npx cdk destroy ${s.id}\` deletes it, and its resources go as listed above.`);
  }
  const changed = stacks.some((s) => s.status !== 'unchanged') || changes.length > 0 || plan.added.length + plan.removed.length + plan.modified.length > 0;
  return {
    format_version: DIFF_FORMAT_VERSION,
    app: input.current.version.app,
    environment: input.current.version.environment,
    baseline: { ...input.baselineInfo, version: input.baseline?.version?.version ?? null },
    current: { version: input.current.version.version },
    summary: {
      changed,
      worst: changes[0]?.impact ?? null,
      impacts,
      critical: changes.filter((c) => c.critical).length,
      stacks: { added: count('added'), removed: count('removed'), modified: count('modified'), unchanged: count('unchanged') },
      resources: {
        added: all.filter((r) => r.action === 'add').length,
        removed: all.filter((r) => r.action === 'remove' || r.action === 'orphan').length,
        updated: all.filter((r) => r.action === 'update').length,
        replaced: all.filter((r) => r.action === 'replace' || r.action === 'may-replace').length,
      },
    },
    changes,
    stacks,
    plan,
    edited_files: [...(input.editedFiles ?? [])].sort(),
    notes,
  };
}

// The gate reads only the report: it lives apart from the comparison (and its CloudFormation diff engine).
export { failsOn } from './gate.js';
