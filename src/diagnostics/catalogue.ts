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
  DZ0010: { severity: 'error', phase: 'input', title: 'input is not a regular file' },
  DZ0011: { severity: 'error', phase: 'input', title: 'file is larger than the input size limit' },
  DZ0012: { severity: 'error', phase: 'input', title: 'module path is outside the project' },
  DZ0013: { severity: 'warning', phase: 'input', title: 'link leads outside the project; not followed' },
  DZ0014: { severity: 'error', phase: 'input', title: 'folder cannot be read' },
  DZ0015: { severity: 'warning', phase: 'input', title: 'link is broken or loops; not followed' },
  DZ0016: { severity: 'error', phase: 'input', title: 'project path is not a folder' },
  DZ0017: { severity: 'error', phase: 'input', title: 'file is UTF-16, not UTF-8' },
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
  DZ2206: { severity: 'error', phase: 'link', title: 'value contains a control character or line separator' },
  DZ2207: { severity: 'error', phase: 'link', title: 'number is not a decimal whole number that fits' },
  DZ2208: { severity: 'error', phase: 'link', title: 'from address is not an email address' },
  DZ2209: { severity: 'error', phase: 'link', title: 'time zone is not an IANA time zone name' },
  DZ2210: { severity: 'error', phase: 'link', title: 'storage binding is not a plain name' },

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
  DZ3012: { severity: 'error', phase: 'link', title: 'two names become the same AWS name, construct ID or variable' },
  DZ3013: { severity: 'error', phase: 'link', title: 'a name becomes a name dazzle generates for itself' },
  DZ3014: { severity: 'error', phase: 'link', title: "ledger or transfer value is outside TigerBeetle's limits" },
  DZ3015: { severity: 'error', phase: 'link', title: 'transfer debits and credits the same ledger' },
  DZ3016: { severity: 'error', phase: 'link', title: 'transfer between ledgers with different ledger ids' },

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
  DZ4021: { severity: 'error', phase: 'config', title: 'secret reference is not in a form AWS accepts' },
  DZ4022: { severity: 'error', phase: 'config', title: 'config value contains a control character' },
  DZ4023: { severity: 'error', phase: 'config', title: 'CIDR block has host bits set' },
  DZ4024: { severity: 'error', phase: 'config', title: 'VPC is too small for its subnets' },
  DZ4025: { severity: 'error', phase: 'config', title: 'not a TigerBeetle release' },
  DZ4026: { severity: 'warning', phase: 'config', title: 'TigerBeetle version is newer than the releases known to this dazzle' },
  DZ4027: { severity: 'warning', phase: 'config', title: 'two TigerBeetle replicas tolerate no failure' },
  DZ4028: { severity: 'error', phase: 'config', title: 'environment variable is also a secret' },
  DZ4029: { severity: 'warning', phase: 'config', title: 'plain environment variable looks like a secret' },
  DZ4030: { severity: 'error', phase: 'config', title: 'domain name is longer than DNS allows' },
  DZ4031: { severity: 'error', phase: 'config', title: 'domain is not inside its hosted zone' },
  DZ5001: { severity: 'warning', phase: 'lower', title: 'the DSL has ledgers but TigerBeetle is disabled' },
  DZ5002: { severity: 'error', phase: 'lower', title: 'channel setting is not valid' },
  DZ5003: { severity: 'error', phase: 'lower', title: 'schedule expression is not valid' },
  DZ5004: { severity: 'warning', phase: 'lower', title: 'schedule has no cron or interval' },
  DZ5005: { severity: 'warning', phase: 'lower', title: 'config() value is not supplied' },
  DZ5006: { severity: 'error', phase: 'lower', title: 'deployment is disabled ([deploy] enabled = false)' },
  DZ5009: { severity: 'error', phase: 'lower', title: 'two resources would get the same AWS name' },
  DZ5010: { severity: 'error', phase: 'lower', title: 'two constructs would get the same construct ID' },
  DZ5011: { severity: 'error', phase: 'lower', title: 'a name is over its AWS limit or not in the form AWS allows' },
  DZ5012: { severity: 'error', phase: 'lower', title: 'a configured variable has the name of a generated one' },
  DZ5013: { severity: 'error', phase: 'lower', title: 'a variable would be both a plain value and a secret' },
  DZ5014: { severity: 'error', phase: 'lower', title: 'config() name is not an environment variable name' },
  DZ5015: { severity: 'error', phase: 'lower', title: 'two generated variables would have the same name' },
  DZ5016: { severity: 'note', phase: 'lower', title: 'the database name differs from the app name' },
  DZ6001: { severity: 'error', phase: 'write', title: 'generated files were edited by hand' },
  DZ6002: { severity: 'error', phase: 'write', title: 'the output cannot be written' },
  DZ6003: { severity: 'error', phase: 'write', title: 'no generated app in the output directory' },
  DZ6004: { severity: 'warning', phase: 'write', title: 'the generated app is older than its inputs' },
  DZ7001: { severity: 'error', phase: 'generate', title: 'the plan needs something this version cannot generate' },
  DZ7002: { severity: 'warning', phase: 'generate', title: 'the Dockerfile for a service image does not exist' },
  DZ7101: { severity: 'error', phase: 'synth', title: 'the app does not compile' },
  DZ7102: { severity: 'error', phase: 'synth', title: 'the app failed to synthesize' },
  DZ7103: { severity: 'error', phase: 'synth', title: 'cdk-nag rule failed (unacknowledged error)' },
  DZ7104: { severity: 'warning', phase: 'synth', title: 'cdk-nag rule warning' },
  DZ9001: { severity: 'error', phase: 'internal', title: 'internal error' },
} as const satisfies Record<string, CatalogueEntry>;

export type DiagnosticCode = keyof typeof CATALOGUE;
