/**
 * How the application's names become names in AWS and in the generated code.
 * One rule each, used by the linker (to find names that would collide once
 * mangled), the plan (construct IDs, variables) and emission (members).
 */

/** A name as a construct-ID fragment: `payment_jobs` → `PaymentJobs`. */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => (p[0] ?? '').toUpperCase() + p.slice(1))
    .join('');
}

/** `payment_jobs` → `PAYMENT_JOBS` (environment variable fragment). */
export const envName = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
