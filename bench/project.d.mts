/** The sizes of a generated project (see bench/project.mjs). */
export interface ScaleSizes {
  /** Queue channels (`queue_0000`…). @default 0 */
  readonly queues?: number;
  /** Schedules (`schedule_0000`…). @default 0 */
  readonly schedules?: number;
  /** Storage bindings, one bucket each (`store_0000`…). @default 0 */
  readonly buckets?: number;
  /** Web services (`[deploy.services.web_000]`…); 1: the default service `web`. @default 1 */
  readonly services?: number;
  /** Ledgers, in pairs with a transaction each. @default 0 */
  readonly ledgers?: number;
  /** Event topics (one event bus each) with an event each. @default 0 */
  readonly topics?: number;
  /** At least this many DSL lines in all (entities pad the project). @default 0 */
  readonly lines?: number;
  /** The `environment` of dazzle.toml. @default 'prod' */
  readonly environment?: string;
}

/** A generated project: relative path → text (a dazzle.toml and DSL files under dsl/). */
export function scaleProject(sizes?: ScaleSizes): Map<string, string>;

/** Write a project's files under `dir`. */
export function writeProject(dir: string, files: ReadonlyMap<string, string>): void;
