/** What every check sees, and what it returns: findings before they are located and acknowledged. */
import type { Facts, Res } from '../facts.js';
import type { Location, PreflightInput, RegionFacts, RuleInfo } from '../model.js';
import type { Provenance } from '../../plan/index.js';
import type { RuleId } from '../rules.js';

export interface CheckContext {
  readonly input: PreflightInput;
  readonly facts: Facts;
  readonly provenance: Provenance;
  readonly environment: string;
  readonly region: string;
  readonly regionFacts: RegionFacts;
}

/** A finding as a check reports it. */
export interface Draft {
  /** One of {@link RULES}, or a rule `info` describes (cdk-nag's). */
  readonly rule: RuleId | string;
  /** For rules that are not dazzle's own. */
  readonly info?: RuleInfo;
  readonly message: string;
  /** @default the rule's help */
  readonly fix?: string;
  readonly resource?: Res;
  /**
   * The [deploy] keys that set what the finding is about (`tigerbeetle.volume_iops`): the finding
   * goes to the first one written in dazzle.toml, else to the resource's cause, else to the
   * key's table in dazzle.toml.
   */
  readonly keys?: readonly string[];
  /** A location that overrides all of that (a file edited by hand). */
  readonly at?: Location;
}

/** A check: reads the context, reports drafts. */
export type Check = (ctx: CheckContext) => readonly Draft[];
