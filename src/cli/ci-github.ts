/**
 * The pull request comment of `dazzle deploy ci report`, through the GitHub CLI
 * (`gh api`, authenticated by GH_TOKEN or GITHUB_TOKEN: the workflow's own
 * token, no third-party action and no other secret). One comment per project
 * and environment, found again by its hidden marker and edited in place.
 */
import { spawnSync } from 'node:child_process';

/** Runs `gh` with arguments and standard input. */
export type GhRunner = (args: readonly string[], input?: string) => { readonly status: number | null; readonly stdout: string; readonly stderr: string; readonly error?: string };

/** `gh` on PATH, with the environment of this process. */
export const gh: GhRunner = (args, input) => {
  const r = spawnSync('gh', [...args], { input: input ?? '', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const error = r.error ? ((r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the GitHub CLI (gh) is not on PATH' : r.error.message) : undefined;
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ...(error ? { error } : {}) };
};

/** The pull request a workflow event is about, from GITHUB_EVENT_PATH's payload. */
export function pullRequestNumber(event: unknown): number | undefined {
  const pr = (event as { pull_request?: { number?: unknown } } | null)?.pull_request;
  return typeof pr?.number === 'number' && Number.isSafeInteger(pr.number) && pr.number > 0 ? pr.number : undefined;
}

/** GitHub's page size maximum; more pages are read until one is short. */
const PAGE = 100;
const MAX_PAGES = 100;

export type Upserted = { readonly action: 'created' | 'updated'; readonly id: number } | { readonly error: string };

function failed(what: string, r: ReturnType<GhRunner>): string {
  return r.error ?? `gh api ${what} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}`;
}

/**
 * Create the comment, or edit the first comment of the pull request whose body
 * starts with `marker`. `repository` is `owner/name`.
 */
export function upsertComment(run: GhRunner, repository: string, pr: number, marker: string, body: string): Upserted {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) return { error: `GITHUB_REPOSITORY ${JSON.stringify(repository)} is not owner/name` };
  let found: number | undefined;
  for (let page = 1; page <= MAX_PAGES && found === undefined; page++) {
    const r = run(['api', '--method', 'GET', `repos/${repository}/issues/${pr}/comments?per_page=${PAGE}&page=${page}`]);
    if (r.status !== 0) return { error: failed('listing the comments', r) };
    let comments: unknown;
    try {
      comments = JSON.parse(r.stdout);
    } catch {
      return { error: 'gh api returned comments that are not JSON' };
    }
    if (!Array.isArray(comments)) return { error: 'gh api returned comments that are not a list' };
    for (const c of comments as { id?: unknown; body?: unknown }[]) {
      if (typeof c.id === 'number' && typeof c.body === 'string' && c.body.startsWith(marker)) {
        found = c.id;
        break;
      }
    }
    if (comments.length < PAGE) break;
  }
  const input = JSON.stringify({ body });
  if (found !== undefined) {
    const r = run(['api', '--method', 'PATCH', `repos/${repository}/issues/comments/${found}`, '--input', '-'], input);
    return r.status === 0 ? { action: 'updated', id: found } : { error: failed('editing the comment', r) };
  }
  const r = run(['api', '--method', 'POST', `repos/${repository}/issues/${pr}/comments`, '--input', '-'], input);
  if (r.status !== 0) return { error: failed('creating the comment', r) };
  let id = 0;
  try {
    id = Number((JSON.parse(r.stdout) as { id?: unknown }).id) || 0;
  } catch {
    // created; its id is only for the log
  }
  return { action: 'created', id };
}
