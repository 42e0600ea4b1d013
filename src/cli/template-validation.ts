/**
 * CloudFormation template validation for preflight: every template against
 * CloudFormation's resource schemas and the resource types the region
 * offers, with the engine aws-cdk-lib's own template validation uses
 * (`@aws/cloudformation-validate`, bundled with aws-cdk-lib; its schema
 * validator, offline). Loading its ~1,800 schemas takes over a second, so it
 * starts in a worker thread (when preflight's cache of findings does not
 * already hold every template: see template-validation-cache.ts) and loads
 * while the project is read and the app synthesized; validating is then quick.
 * The engine runs on V8's baseline WebAssembly compiler only: optimizing its
 * hot functions cost more CPU than it saved.
 *
 * Only errors are reported (CloudFormation would reject the template);
 * warnings and notes are not findings.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SchemaIssue } from '../preflight/index.js';

/** A template to validate: its stack, a name for messages, and its JSON text. */
export interface TemplateText {
  readonly stack: string;
  readonly name: string;
  readonly text: string;
}

/** Validates templates for a region; `close` ends the worker. */
export interface TemplateValidator {
  /**
   * Prepare for templates with these resource types (the engine's first validation, and its first
   * of each type, cost extra): done in the worker while the app is synthesized. Returns at once.
   */
  warm(types: readonly string[], region: string): void;
  validate(templates: readonly TemplateText[], region: string): Promise<readonly SchemaIssue[]>;
  close(): Promise<void>;
}

/** The worker: loads the engine at once, then validates what it is sent. CommonJS, as `eval` workers are. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
// The engine is a large WebAssembly module run for a second or two: V8's optimizing tier would spend
// more CPU compiling its hot functions than it saves (it halved validation's CPU time on the example).
// A process-wide V8 setting, read when a module is compiled; dazzle runs no other WebAssembly.
require('node:v8').setFlagsFromString('--liftoff-only');
let engine;
let failure;
try {
  const cv = require(workerData.module);
  engine = { cv, validator: new cv.SchemaValidator() };
} catch (e) {
  failure = String((e && e.message) || e);
}
parentPort.on('message', (job) => {
  if (job.warm) {
    // A template of one resource per type, without properties: its findings are not wanted.
    const resources = {};
    job.warm.forEach((type, i) => { resources['R' + i] = { Type: type, Properties: {} }; });
    try { if (engine) engine.validator.validate(new engine.cv.TemplateContent(JSON.stringify({ Resources: resources }), 'warm.json'), job.region); } catch {}
    return;
  }
  if (failure) return parentPort.postMessage({ id: job.id, error: failure });
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
    parentPort.postMessage({ id: job.id, issues });
  } catch (e) {
    parentPort.postMessage({ id: job.id, error: String((e && e.message) || e) });
  }
});
`;

/** Where the engine is: a dependency of aws-cdk-lib (resolved from it, not loaded here). */
function engineModule(): string {
  const fromHere = createRequire(import.meta.url);
  return createRequire(fromHere.resolve('aws-cdk-lib')).resolve('@aws/cloudformation-validate');
}

/** Start loading the validator now (in a worker thread); validate later. */
export function startTemplateValidation(): TemplateValidator {
  const worker = new Worker(WORKER, { eval: true, workerData: { module: engineModule() } });
  worker.unref();
  let next = 0;
  const pending = new Map<number, { resolve: (v: readonly SchemaIssue[]) => void; reject: (e: Error) => void }>();
  worker.on('message', (m: { id: number; issues?: SchemaIssue[]; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(`CloudFormation template validation failed: ${m.error}`));
    else p?.resolve(m.issues ?? []);
  });
  worker.on('error', (e) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  });
  return {
    warm(types, region) {
      worker.postMessage({ warm: [...types], region });
    },
    validate(templates, region) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, templates, region });
      }).finally(() => worker.unref()) as Promise<readonly SchemaIssue[]>;
    },
    async close() {
      await worker.terminate();
    },
  };
}
