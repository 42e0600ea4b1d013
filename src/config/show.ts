/**
 * `dazzle config show`: the resolved configuration, each value with its
 * source. Credentials are never printed: a plain variable shaped or named like
 * a secret is shown as "(value not shown)", and credential-shaped text
 * anywhere else as <redacted>.
 */
import type { ConfigSource, ResolvedConfig } from './load.js';
import { shownValue } from './redact.js';

export const CONFIG_SHOW_FORMAT_VERSION = 1;

export interface ShownValue {
  readonly key: string;
  readonly value: unknown;
  readonly source: ConfigSource;
}

/** Every leaf of the resolved [deploy] configuration, sorted by key. */
export function configValues(config: ResolvedConfig): ShownValue[] {
  const out: ShownValue[] = [];
  const visit = (o: unknown, prefix: string) => {
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      const key = prefix + k;
      const isTable = typeof v === 'object' && v !== null && !Array.isArray(v);
      const source = config.sources[key];
      if (isTable && (k !== 'env' && key !== 'secrets' || !source) && Object.keys(v as object).length > 0 && !(k === 'env' || key === 'secrets')) visit(v, `${key}.`);
      else if (isTable && (k === 'env' || key === 'secrets')) {
        for (const [name, val] of Object.entries(v as Record<string, unknown>)) out.push({ key: `${key}.${name}`, value: shownValue(`${key}.${name}`.split('.'), val), source: config.sources[`${key}.${name}`] ?? { kind: 'default' } });
        if (Object.keys(v as object).length === 0) out.push({ key, value: {}, source: source ?? { kind: 'default' } });
      } else out.push({ key, value: shownValue(key.split('.'), v), source: source ?? { kind: 'default' } });
    }
  };
  visit(config.deploy, '');
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function sourceText(s: ConfigSource): string {
  switch (s.kind) {
    case 'default':
      return 'default';
    case 'profile':
      return `${s.environment} profile`;
    case 'file':
      return `${s.file}:${s.line} ${s.table}`;
    case 'inherited':
      return `from ${s.from}`;
    case 'flag':
      return `flag ${s.flag}`;
    default:
      return '';
  }
}

export function showText(config: ResolvedConfig): string {
  const rows = configValues(config).map((v) => [`deploy.${v.key} = ${JSON.stringify(v.value)}`, sourceText(v.source)] as const);
  const width = Math.min(60, Math.max(...rows.map(([l]) => l.length)));
  const lines = [`# environment: ${config.deploy.environment}`, ...rows.map(([l, s]) => `${l.padEnd(width)}  # ${s}`)];
  return `${lines.join('\n')}\n`;
}

export function showJson(config: ResolvedConfig): unknown {
  return {
    format_version: CONFIG_SHOW_FORMAT_VERSION,
    environment: config.deploy.environment,
    values: configValues(config).map((v) => ({ key: `deploy.${v.key}`, value: v.value, source: v.source })),
  };
}
