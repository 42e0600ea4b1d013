/**
 * A narrow test seam for the writer: every change the writer makes to the
 * output folder is one numbered step, announced to a `StepHook` before it is
 * made. Tests use it to prove that a generation interrupted at any step
 * leaves (after the next run) either the old tree or the new one.
 *
 * From a test, as a process: `DAZZLE_TEST_FAULT=<action>@<where>`, read only by
 * `deploy generate` and `deploy synth`, where
 *   - `<where>` is a step number (1-based) or the start of a step's label
 *     (`stage`, `journal`, `backup`, `place`, `delete`, `commit`, `purge`, …);
 *   - `<action>` is `kill` (SIGKILL this process before the step: a real crash),
 *     `pause:<ms>` (hold there, e.g. with the lock taken), or an errno code such as
 *     `ENOSPC` (the step fails with that error instead of running).
 * Nothing else reads it, and it cannot make dazzle write anything it would not write.
 */

/** Called before each change to the output folder, with its 1-based number and label. */
export type StepHook = (index: number, label: string) => void;

/** Number the steps of one run and announce each to `hook`. */
export function stepper(hook?: StepHook): (label: string) => void {
  let n = 0;
  return (label) => {
    n += 1;
    hook?.(n, label);
  };
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** An error as the file system would raise it. */
export function ioError(code: string, label: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: injected failure, ${label}`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

/** The hook for a `DAZZLE_TEST_FAULT` value (undefined when unset or malformed). */
export function faultFromSpec(spec: string | undefined): StepHook | undefined {
  const m = /^(kill|pause:\d+|E[A-Z]+)@(.+)$/.exec(spec ?? '');
  if (!m) return undefined;
  const [, action, where] = m as unknown as [string, string, string];
  let fired = false;
  return (index, label) => {
    if (fired) return;
    const hit = /^\d+$/.test(where) ? index === Number(where) : label.startsWith(where);
    if (!hit) return;
    fired = true;
    if (action === 'kill') {
      process.kill(process.pid, 'SIGKILL');
      for (;;) sleep(1000); // the signal is on its way: make no further step
    } else if (action.startsWith('pause:')) sleep(Number(action.slice('pause:'.length)));
    else throw ioError(action, label);
  };
}
