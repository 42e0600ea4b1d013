/** Async transactions, jobs, queue consumers and schedules → a worker service. */
import { dsl, type Pass } from '../context.js';
import type { Because } from '../requirements.js';

export const worker: Pass = ({ spec, draft }) => {
  const handles: string[] = [];
  const because: Because[] = [];
  for (const t of spec.transactions) {
    if (t.execution !== 'async') continue;
    handles.push(`transaction ${t.name}`);
    because.push(dsl('transaction (execution: async)', t));
  }
  for (const j of spec.jobs) {
    handles.push(`job ${j.name}`);
    because.push(dsl('job', j));
  }
  for (const c of spec.channels) {
    if (c.kind !== 'queue') continue;
    handles.push(`queue ${c.name}`);
    because.push(dsl('channel (kind: queue)', c));
  }
  for (const s of draft.schedules) handles.push(`schedule ${s.name}`);
  // The schedules the schedules pass kept (one lookup each: a project may have thousands).
  const kept = new Set(draft.schedules.map((d) => d.name));
  for (const s of spec.schedules) if (kept.has(s.name)) because.push(dsl('schedule', s));
  if (handles.length === 0) return;
  draft.worker = { id: 'worker', handles, because };
};
