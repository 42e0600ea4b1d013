/**
 * CloudFormation template validation for preflight: every template against
 * CloudFormation's resource schemas and the resource types the region
 * offers, with the engine aws-cdk-lib's own template validation uses
 * (`@aws/cloudformation-validate`, bundled with aws-cdk-lib; its schema
 * validator, offline). Loading its ~1,800 schemas takes over a second, so it
 * starts in a process of its own (when preflight's cache of findings does not
 * already hold every template: see template-validation-cache.ts) and loads
 * while the project is read and the app synthesized; validating is then quick.
 *
 * Only errors are reported (CloudFormation would reject the template);
 * warnings and notes are not findings.
 */
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import type { SchemaIssue } from '../preflight/index.js';

/** A template to validate: its stack, a name for messages, and its JSON text. */
export interface TemplateText {
  readonly stack: string;
  readonly name: string;
  readonly text: string;
}

/** Validates templates for a region; `close` ends its process. */
export interface TemplateValidator {
  /**
   * Prepare for templates with these resource types (the engine's first validation, and its first
   * of each type, cost extra): done in the validating process while the app is synthesized. Returns at once.
   */
  warm(types: readonly string[], region: string): void;
  validate(templates: readonly TemplateText[], region: string): Promise<readonly SchemaIssue[]>;
  close(): Promise<void>;
}

/**
 * The validating process: loads the engine at once, then validates what it is sent over IPC, and
 * exits when dazzle does (its channel closes). The engine is a large WebAssembly module run for a
 * second or two, so the process runs with V8 settings that suit it and would not suit dazzle:
 * `--liftoff-only` (optimizing the module's hot functions cost more CPU than it saved) and
 * `--single-threaded-gc` (each growth of the module's memory starts a collection; with concurrent
 * marking threads that cost over a second of CPU). Together they cut the CPU time of loading
 * the engine and validating the example's templates from about 2.2 s to 0.8 s.
 */
const VALIDATOR_FLAGS = ['--liftoff-only', '--single-threaded-gc'] as const;

const VALIDATOR = `
let engine;
let failure;
try {
  const cv = require(process.argv[1]);
  engine = { cv, validator: new cv.SchemaValidator() };
} catch (e) {
  failure = String((e && e.message) || e);
}
process.on('disconnect', () => process.exit(0));
process.on('message', (job) => {
  if (job.warm) {
    // A template of one resource per type, without properties: its findings are not wanted.
    const resources = {};
    job.warm.forEach((type, i) => { resources['R' + i] = { Type: type, Properties: {} }; });
    try { if (engine) engine.validator.validate(new engine.cv.TemplateContent(JSON.stringify({ Resources: resources }), 'warm.json'), job.region); } catch {}
    return;
  }
  if (failure) return process.send({ id: job.id, error: failure });
  try {
    const issues = [];
    for (const t of job.templates) {
      for (const d of engine.validator.validate(new engine.cv.TemplateContent(t.text, t.name), job.region)) {
        if (d.severity !== 'FATAL' && d.severity !== 'ERROR') continue;
        issues.push({
          rule: d.ruleId,
          severity: 'error',
          description: d.message,
          stack: t.stack,
          ...(d.entity && d.entity.logicalId ? { logicalId: d.entity.logicalId } : {}),
          ...(d.propertyPath ? { properties: [d.propertyPath] } : {}),
          ...(d.entity && d.entity.resourceType ? { resourceType: d.entity.resourceType } : {}),
        });
      }
    }
    process.send({ id: job.id, issues });
  } catch (e) {
    process.send({ id: job.id, error: String((e && e.message) || e) });
  }
});
`;

/** Where the engine is: a dependency of aws-cdk-lib (resolved from it, not loaded here). */
function engineModule(): string {
  const fromHere = createRequire(import.meta.url);
  return createRequire(fromHere.resolve('aws-cdk-lib')).resolve('@aws/cloudformation-validate');
}

/** Start loading the validator now (in a process of its own); validate later. */
export function startTemplateValidation(): TemplateValidator {
  const child = spawn(process.execPath, [...VALIDATOR_FLAGS, '-e', VALIDATOR, engineModule()], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], windowsHide: true });
  // Idle, it keeps nothing alive: dazzle waits for it only while a validation is pending.
  const hold = (on: boolean) => {
    if (on) child.ref();
    else child.unref();
    const channel = child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    if (on) channel?.ref?.();
    else channel?.unref?.();
  };
  hold(false);
  let next = 0;
  let closing = false;
  let gone: Error | undefined;
  const pending = new Map<number, { resolve: (v: readonly SchemaIssue[]) => void; reject: (e: Error) => void }>();
  const failAll = (e: Error) => {
    gone ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  child.on('message', (m: { id: number; issues?: SchemaIssue[]; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(`CloudFormation template validation failed: ${m.error}`));
    else p?.resolve(m.issues ?? []);
  });
  child.on('error', (e) => failAll(new Error(`CloudFormation template validation failed: ${e.message}`)));
  child.on('exit', (code, signal) => failAll(new Error(`CloudFormation template validation failed: its process exited (${signal ?? `code ${code}`})`)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    warm(types, region) {
      if (!gone) child.send({ warm: [...types], region });
    },
    validate(templates, region) {
      const id = next++;
      return new Promise<readonly SchemaIssue[]>((resolve, reject) => {
        if (gone) return reject(gone);
        pending.set(id, { resolve, reject });
        hold(true);
        child.send({ id, templates, region });
      }).finally(() => {
        // Validations overlap (one ahead of synth, one after): let go only when none is left.
        if (!pending.size && !closing) hold(false);
      });
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        // Held until it has exited (and been reaped): an unreferenced child would let dazzle's
        // event loop end here, before the report is printed.
        closing = true;
        hold(true);
        child.kill();
        await exited;
      }
    },
  };
}
