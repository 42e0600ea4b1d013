/**
 * The catalogue of diagnostic codes. A code, once published, keeps its meaning
 * forever and is never reused; retired codes stay here marked as such.
 *
 * Ranges: DZ0xxx project and input files, DZ1xxx lexical, DZ2xxx syntax and
 * construct shape, DZ3xxx linking, DZ4xxx configuration, DZ5xxx lowering,
 * DZ6xxx writing output, DZ7xxx generating and synthesizing, DZ9xxx internal.
 */

export type Severity = 'error' | 'warning' | 'note';

/** The pipeline phase that produced a diagnostic. */
export type Phase = 'usage' | 'input' | 'lex' | 'parse' | 'link' | 'config' | 'lower' | 'write' | 'generate' | 'synth' | 'internal';

export interface CatalogueEntry {
  readonly severity: Severity;
  readonly phase: Phase;
  /** A short title, used in the README table and `--format json`. */
  readonly title: string;
}

export const CATALOGUE = {
  DZ0001: { severity: 'error', phase: 'input', title: 'project directory or file not found' },
  DZ0002: { severity: 'error', phase: 'input', title: 'no DSL files in the project' },
  DZ0003: { severity: 'error', phase: 'input', title: 'file is not valid UTF-8' },
  DZ0004: { severity: 'error', phase: 'input', title: 'file contains a NUL byte' },
  DZ0005: { severity: 'error', phase: 'input', title: 'file cannot be read' },
  DZ0006: { severity: 'error', phase: 'input', title: 'dazzle.toml is not valid TOML' },
  DZ0007: { severity: 'error', phase: 'input', title: 'module path does not exist' },
  DZ0008: { severity: 'error', phase: 'input', title: '[modules] paths is not a list of strings' },
  DZ0009: { severity: 'note', phase: 'input', title: 'no dazzle.toml; using the default module path' },
  DZ0101: { severity: 'error', phase: 'usage', title: 'invalid command line' },

  DZ1001: { severity: 'error', phase: 'lex', title: 'unexpected character' },
  DZ1002: { severity: 'error', phase: 'lex', title: 'unterminated string' },
  DZ1003: { severity: 'error', phase: 'lex', title: 'indentation mixes tabs and spaces' },
  DZ1004: { severity: 'error', phase: 'lex', title: 'dedent does not match any outer indentation level' },
  DZ1005: { severity: 'error', phase: 'lex', title: 'unexpected indentation' },
  DZ1006: { severity: 'error', phase: 'lex', title: 'bracket is never closed' },
  DZ1007: { severity: 'error', phase: 'lex', title: 'closing bracket does not match' },
  DZ1008: { severity: 'error', phase: 'lex', title: 'nesting is too deep' },
  DZ1009: { severity: 'warning', phase: 'lex', title: 'file indents with both tabs and spaces' },

  DZ2001: { severity: 'error', phase: 'parse', title: 'unexpected token' },
  DZ2002: { severity: 'error', phase: 'parse', title: 'unexpected end of file' },
  DZ2102: { severity: 'error', phase: 'parse', title: 'invalid field type arguments' },
  DZ2103: { severity: 'warning', phase: 'parse', title: 'unknown field modifier' },
  DZ2201: { severity: 'error', phase: 'parse', title: 'unknown property' },
  DZ2202: { severity: 'error', phase: 'parse', title: 'property given twice' },
  DZ2203: { severity: 'error', phase: 'parse', title: 'property value has the wrong kind' },
  DZ2204: { severity: 'error', phase: 'parse', title: 'property value is not one of the allowed values' },
  DZ2205: { severity: 'error', phase: 'parse', title: 'required property is missing' },

  DZ3001: { severity: 'error', phase: 'link', title: 'the project has no app declaration' },
  DZ3002: { severity: 'error', phase: 'link', title: 'the project has more than one app declaration' },
  DZ3003: { severity: 'error', phase: 'link', title: 'name declared twice' },
  DZ3004: { severity: 'error', phase: 'link', title: 'reference to an unknown entity' },
  DZ3005: { severity: 'error', phase: 'link', title: 'transfer names an unknown ledger' },
  DZ3006: { severity: 'error', phase: 'link', title: 'use of an unknown module' },
  DZ3007: { severity: 'error', phase: 'link', title: 'field declared twice in one entity' },
  DZ3008: { severity: 'error', phase: 'link', title: 'channel sends an unknown message' },
  DZ3009: { severity: 'error', phase: 'link', title: 'event names an unknown topic' },
  DZ3010: { severity: 'error', phase: 'link', title: 'reference to an unknown LLM model' },
  DZ3011: { severity: 'error', phase: 'link', title: 'unknown field type' },

  DZ4000: { severity: 'note', phase: 'config', title: 'no [deploy] table; every deployment setting is its default' },
  DZ4001: { severity: 'error', phase: 'config', title: 'unknown key in [deploy]' },
  DZ4002: { severity: 'error', phase: 'config', title: 'config value has the wrong type' },
  DZ4003: { severity: 'error', phase: 'config', title: 'config value is not one of the allowed values' },
  DZ4004: { severity: 'error', phase: 'config', title: 'config value is out of range' },
  DZ4005: { severity: 'error', phase: 'config', title: 'config value has the wrong form' },
  DZ4006: { severity: 'error', phase: 'config', title: 'unknown environment' },
  DZ4007: { severity: 'error', phase: 'config', title: 'config list repeats an item' },
  DZ4010: { severity: 'error', phase: 'config', title: 'Fargate has no such CPU and memory pair' },
  DZ4011: { severity: 'error', phase: 'config', title: 'service counts are not min <= desired <= max' },
  DZ4012: { severity: 'error', phase: 'config', title: 'more NAT gateways than availability zones' },
  DZ4013: { severity: 'error', phase: 'config', title: 'database capacity range is empty' },
  DZ4014: { severity: 'error', phase: 'config', title: 'volume settings exceed what EBS allows' },
  DZ4015: { severity: 'note', phase: 'config', title: 'TigerBeetle volumes become io2 above gp3 limits' },
  DZ4016: { severity: 'error', phase: 'config', title: 'Kafka brokers are not a multiple of the availability zones' },
  DZ4017: { severity: 'error', phase: 'config', title: 'both image and dockerfile are set' },
  DZ4018: { severity: 'error', phase: 'config', title: 'key does not apply to this service runtime' },
  DZ4019: { severity: 'error', phase: 'config', title: 'secret is not an ssm: or secretsmanager: reference' },
  DZ4020: { severity: 'error', phase: 'config', title: 'fixed node addresses do not fit the subnet' },
  DZ5001: { severity: 'warning', phase: 'lower', title: 'the DSL has ledgers but TigerBeetle is disabled' },
  DZ5002: { severity: 'error', phase: 'lower', title: 'channel setting is not valid' },
  DZ5003: { severity: 'error', phase: 'lower', title: 'schedule expression is not valid' },
  DZ5004: { severity: 'warning', phase: 'lower', title: 'schedule has no cron or interval' },
  DZ5005: { severity: 'warning', phase: 'lower', title: 'config() value is not supplied' },
  DZ6001: { severity: 'error', phase: 'write', title: 'generated files were edited by hand' },
  DZ6002: { severity: 'error', phase: 'write', title: 'the output cannot be written' },
  DZ6003: { severity: 'error', phase: 'write', title: 'no generated app in the output directory' },
  DZ6004: { severity: 'warning', phase: 'write', title: 'the generated app is older than its inputs' },
  DZ7001: { severity: 'error', phase: 'generate', title: 'the plan needs something this version cannot generate' },
  DZ7002: { severity: 'warning', phase: 'generate', title: 'the Dockerfile for a service image does not exist' },
  DZ7003: { severity: 'error', phase: 'generate', title: "an email channel's from address is not an email address" },
  DZ7101: { severity: 'error', phase: 'synth', title: 'the app does not compile' },
  DZ7102: { severity: 'error', phase: 'synth', title: 'the app failed to synthesize' },
  DZ7103: { severity: 'error', phase: 'synth', title: 'cdk-nag rule failed (unacknowledged error)' },
  DZ7104: { severity: 'warning', phase: 'synth', title: 'cdk-nag rule warning' },
  DZ9001: { severity: 'error', phase: 'internal', title: 'internal error' },
} as const satisfies Record<string, CatalogueEntry>;

export type DiagnosticCode = keyof typeof CATALOGUE;
