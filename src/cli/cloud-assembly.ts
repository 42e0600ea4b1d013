/**
 * Read a cloud assembly that synth wrote: each stack's template (and its size)
 * and the acknowledgements the app's code records on its constructs
 * (`aws:cdk:acknowledged-rules`), from the manifest and the stacks' metadata
 * files. The assembly is ours (synth has just written it), but it is parsed
 * defensively: what cannot be read is an error of the run, never a crash.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppAcknowledgement, CfnTemplate, StackTemplate } from '../preflight/index.js';

interface Manifest {
  readonly artifacts?: Readonly<
    Record<
      string,
      {
        readonly type?: string;
        readonly properties?: { readonly templateFile?: string; readonly stackName?: string };
        readonly additionalMetadataFile?: string;
        readonly metadata?: Readonly<Record<string, readonly MetadataEntry[]>>;
      }
    >
  >;
}

interface MetadataEntry {
  readonly type?: string;
  readonly data?: unknown;
}

export interface Assembly {
  readonly templates: readonly StackTemplate[];
  /** Template texts, for validation. */
  readonly texts: ReadonlyMap<string, string>;
  readonly acknowledgements: readonly AppAcknowledgement[];
}

const ACKNOWLEDGED = 'aws:cdk:acknowledged-rules';

/** `outdir`: the assembly folder; `shownDir`: the same as the user sees it (for file names in reports). */
export function readAssembly(outdir: string, shownDir: string): Assembly {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
  const templates: StackTemplate[] = [];
  const texts = new Map<string, string>();
  const acknowledgements: AppAcknowledgement[] = [];
  for (const [id, a] of Object.entries(manifest.artifacts ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    if (a.type !== 'aws:cloudformation:stack' || !a.properties?.templateFile) continue;
    const stack = a.properties.stackName ?? id;
    const bytes = readFileSync(join(outdir, a.properties.templateFile));
    const text = bytes.toString('utf8');
    templates.push({ stack, file: `${shownDir}/${a.properties.templateFile}`, template: JSON.parse(text) as CfnTemplate, bytes: bytes.length });
    texts.set(stack, text);
    const metadata: Readonly<Record<string, readonly MetadataEntry[]>> = a.additionalMetadataFile
      ? (JSON.parse(readFileSync(join(outdir, a.additionalMetadataFile), 'utf8')) as Record<string, MetadataEntry[]>)
      : (a.metadata ?? {});
    for (const [path, entries] of Object.entries(metadata)) {
      for (const e of entries) {
        if (e.type !== ACKNOWLEDGED || typeof e.data !== 'object' || e.data === null) continue;
        for (const [rule, reason] of Object.entries(e.data as Record<string, unknown>)) {
          // aws-cdk-lib records acknowledgements of annotations as `Annotation::<id>` (older versions: `annotation::`).
          acknowledgements.push({ path: path.replace(/^\//, ''), rule: rule.replace(/^annotation::/i, ''), reason: String(reason) });
        }
      }
    }
  }
  return { templates, texts, acknowledgements };
}
