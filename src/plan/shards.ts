/**
 * Which stack each queue, schedule, bus, email identity, bucket and web service goes to, when a
 * family of stacks (Messaging, Data, Compute) holds more than one stack can.
 *
 * The rule, in order:
 * 1. A unit keeps the stack the last generation put it in (`.dazzle-infra-version.json` records
 *    where each one went). Moving a queue, a bucket or a service to another stack would delete it
 *    in one and create it in the other: a replacement, with its messages, objects or tasks lost.
 * 2. A new unit goes to the first stack of its family, in the order `Messaging`, `Messaging2`, …,
 *    that stays below 80% of CloudFormation's limits with it (resources and template size), so a
 *    split stack keeps room and raises no warning. When none has room, a new stack follows the
 *    last one.
 * 3. New units are placed in the order of their keys (`bus:…`, `email:…`, `queue:…`, `schedule:…`,
 *    by name), so the first generation of a project always splits it the same way.
 *
 * So adding a unit never moves another: it only fills room or adds a stack. Removing one leaves
 * room that a later unit may take. Pure: the previous placement is an input like the DSL.
 */
import type { ShardedStackName, StackName } from './model.js';
import { shardIndex, shardName, stackFamily } from './model.js';

/** What one unit adds to its stack. */
export interface Load {
  readonly resources: number;
  /** Template bytes (estimated). */
  readonly bytes: number;
}

/** A thing that is placed as a whole: a queue with its dead letters and alarms, a bucket, a service. */
export interface Unit extends Load {
  /** `queue:payment_jobs`, `bucket:files`, `service:web` … (also what the version file records). */
  readonly key: string;
  readonly family: ShardedStackName;
  /**
   * What the first unit of its kind adds to a stack on top of its own load (the schedules' role,
   * a stack's bucket for access logs). @default none
   */
  readonly setup?: { readonly kind: string; readonly load: Load };
}

/** Where every unit goes: unit key → stack. */
export type Placement = ReadonlyMap<string, StackName>;

/** A stack fills to this share of a limit before the next one is used (the warning threshold). */
export const FILL = 0.8;

/** What a family's stacks may hold: CloudFormation's limits. */
export interface Capacity {
  readonly resources: number;
  readonly bytes: number;
}

interface Shard {
  resources: number;
  bytes: number;
  readonly kinds: Set<string>;
}

const SHARD_NAME = /^(Data|Messaging|Compute)([2-9]|[1-9]\d{1,2})?$/;

/** A stack name the version file may record for a family (`Messaging`, `Messaging2` … `Messaging999`), or undefined. */
export function recordedStack(value: unknown, family: ShardedStackName): StackName | undefined {
  if (typeof value !== 'string') return undefined;
  const m = SHARD_NAME.exec(value);
  return m && m[1] === family ? (value as StackName) : undefined;
}

/**
 * Place the units. `fixed`: what each family's first stack holds besides its units (the
 * database, the schedule queue, the load balancer …); a further stack starts empty. Units come
 * in any order; the result does not depend on it.
 */
export function placeUnits(units: readonly Unit[], fixed: Readonly<Record<ShardedStackName, Load>>, capacity: Capacity, previous: Placement = new Map()): Map<string, StackName> {
  const out = new Map<string, StackName>();
  const families = new Map<ShardedStackName, Map<number, Shard>>();
  const shardsOf = (family: ShardedStackName) => {
    let shards = families.get(family);
    if (!shards) {
      shards = new Map([[1, { resources: fixed[family].resources, bytes: fixed[family].bytes, kinds: new Set<string>() }]]);
      families.set(family, shards);
    }
    return shards;
  };
  const shardAt = (shards: Map<number, Shard>, index: number) => {
    let s = shards.get(index);
    if (!s) {
      s = { resources: 0, bytes: 0, kinds: new Set() };
      shards.set(index, s);
    }
    return s;
  };
  const added = (s: Shard, u: Unit): Load => {
    const setup = u.setup && !s.kinds.has(u.setup.kind) ? u.setup.load : { resources: 0, bytes: 0 };
    return { resources: u.resources + setup.resources, bytes: u.bytes + setup.bytes };
  };
  const put = (s: Shard, u: Unit) => {
    const l = added(s, u);
    s.resources += l.resources;
    s.bytes += l.bytes;
    if (u.setup) s.kinds.add(u.setup.kind);
  };
  const sorted = [...units].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // 1. Where the last generation put them.
  const fresh: Unit[] = [];
  for (const u of sorted) {
    const was = recordedStack(previous.get(u.key), u.family);
    if (was === undefined) {
      fresh.push(u);
      continue;
    }
    put(shardAt(shardsOf(u.family), shardIndex(was)), u);
    out.set(u.key, was);
  }
  // 2. The first stack with room, else a new one after the last.
  for (const u of fresh) {
    const shards = shardsOf(u.family);
    const indexes = [...shards.keys()].sort((a, b) => a - b);
    const fits = (s: Shard) => {
      const l = added(s, u);
      return s.resources + l.resources < FILL * capacity.resources && s.bytes + l.bytes < FILL * capacity.bytes;
    };
    let index = indexes.find((i) => fits(shards.get(i) as Shard));
    if (index === undefined) {
      const last = indexes[indexes.length - 1] ?? 1;
      // A stack that is empty (even the first) takes the unit whatever its size: a unit never waits for an emptier stack.
      index = (shards.get(last) as Shard).resources === 0 && !(shards.get(last) as Shard).kinds.size ? last : last + 1;
    }
    put(shardAt(shards, index), u);
    out.set(u.key, shardName(u.family, index));
  }
  return out;
}

/** The stacks of a family that hold units or are its first stack, in order. */
export function familyStacks(placement: Placement, family: ShardedStackName): StackName[] {
  const indexes = new Set<number>([1]);
  for (const s of placement.values()) if (stackFamily(s) === family) indexes.add(shardIndex(s));
  return [...indexes].sort((a, b) => a - b).map((i) => shardName(family, i));
}
