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

/** `Media` → `media`, `my_files` → `my-files`: a store's part of its S3 bucket name. */
export const bucketPart = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** `STRIPE` → the secret `Secret` construct ID fragment, as the Compute stack names it. */
const secretId = (env: string): string => `Secret${pascal(env.toLowerCase())}`;

/** One name the deployment gets from a DSL name, in the namespace where it must be unique. */
export interface GeneratedName {
  /** Where the name must be unique, in the user's terms (e.g. `Messaging stack construct ID`). */
  readonly namespace: string;
  readonly name: string;
}

const messagingId = (name: string): GeneratedName => ({ namespace: 'Messaging stack construct ID', name });
/** The namespace of the environment variables the services receive. */
export const VARIABLE_NAMESPACE = 'service environment variable';
const variable = (name: string): GeneratedName => ({ namespace: VARIABLE_NAMESPACE, name });

/**
 * The names each kind of DSL resource becomes (construct IDs, AWS names, the
 * services' environment variables), in the order a message should name them.
 * The plan and the generated app derive the same names (`src/plan/build.ts`,
 * `src/emit/stacks/*`); test/ir/names.test.ts holds them to it.
 */
export const GENERATED_NAMES = {
  /** A `kind: queue` channel: an SQS queue and its dead-letter queue. */
  queue: (name: string): GeneratedName[] => [messagingId(`Queue${pascal(name)}`), messagingId(`Queue${pascal(name)}DeadLetters`), variable(`QUEUE_${envName(name)}_URL`)],
  /** A `kind: stream` channel or an event_model topic: an EventBridge bus. */
  bus: (name: string): GeneratedName[] => [{ namespace: 'EventBridge bus name', name }, messagingId(`Bus${pascal(name)}`), variable(`EVENT_BUS_${envName(name)}`)],
  /** An object store (`storage=name`, or `files` for file fields without one): an S3 bucket. */
  bucket: (name: string): GeneratedName[] => [
    { namespace: 'S3 bucket name part', name: bucketPart(name) },
    { namespace: 'Data stack construct ID', name: `Bucket${pascal(name)}` },
    variable(`BUCKET_${envName(name)}`),
  ],
  /** A `kind: email` channel: an SES identity. */
  emailSender: (name: string): GeneratedName[] => [messagingId(`Email${pascal(name)}`), variable(`EMAIL_${envName(name)}_FROM`)],
  /** The address an SES identity verifies (SES compares addresses without regard to case). */
  emailIdentity: (address: string): GeneratedName[] => [{ namespace: 'SES email identity', name: address.toLowerCase() }],
  /** A `schedule` with a cron or interval, or a `job` with a schedule: an EventBridge Scheduler schedule. */
  schedule: (name: string): GeneratedName[] => [messagingId(`Schedule${pascal(name)}`)],
  /** A secret the services receive (`config("NAME")`, a service's credentials, an LLM provider's key). */
  secret: (env: string): GeneratedName[] => [{ namespace: 'Compute stack construct ID', name: secretId(env) }, variable(env)],
} as const;

/** The secret holding a DSL service's credentials (a service with an `auth_profile`). */
export const serviceCredentials = (service: string): string => `${service.toUpperCase()}_CREDENTIALS`;

/** The environment variable each LLM provider's client reads its key from (providers using IAM need none). */
export const LLM_KEY_ENV: Readonly<Record<string, string>> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  azure_openai: 'AZURE_OPENAI_API_KEY',
  google: 'GOOGLE_API_KEY',
  mistral: 'MISTRAL_API_KEY',
};

/** Names dazzle generates for itself, with what each is: a DSL name must not become one of them. */
export const RESERVED_NAMES: readonly (GeneratedName & { readonly what: string })[] = [
  { ...messagingId('ScheduleQueue'), what: 'the queue every schedule sends to' },
  { ...messagingId('ScheduleQueueDeadLetters'), what: "the schedule queue's dead-letter queue" },
  { ...messagingId('ScheduleRole'), what: 'the role EventBridge Scheduler sends with' },
  ...['DAZZLE_ENV', 'DAZZLE_PROCESS', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER', 'DATABASE_PASSWORD', 'DATABASE_URL', 'DATABASE_READER_HOST', 'PGPASSWORD', 'TIGERBEETLE_ADDRESSES', 'TIGERBEETLE_CLUSTER_ID', 'SCHEDULE_QUEUE_URL', 'REDIS_URL'].map(
    (n) => ({ ...variable(n), what: 'a variable dazzle sets for the services' }),
  ),
];
