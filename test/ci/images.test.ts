/**
 * No local Docker: an image built from the project's Dockerfile lives in the Images stack's ECR
 * repository, which deploys before Compute and depends on nothing, so the workflow can create
 * it, push the image it built on its runner, and deploy with `-c dazzle:imageTag=<tag>`. Then
 * the cloud assembly holds no Docker image asset: `cdk deploy` builds nothing and needs no
 * Docker. Without the tag the asset path stays (`cdk deploy` builds with Docker).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthApp } from '../../src/cli/synth.js';
import { IMAGE_TAG_CONTEXT } from '../../src/plan/index.js';
import { resourcesOf, generateApp, projectCopy, writeApp } from '../cdk-helpers.js';
import { REPO } from '../helpers.js';
import { planWith } from '../emit/in-process.js';

const EXAMPLE = join(REPO, 'examples', 'ledger-app');

type Json = Record<string, any>;

/** Synthesize the example's staging app, with `context` in its cdk.context.json. */
async function synth(context: Record<string, string>): Promise<{ templates: Map<string, Json>; dockerImages: number; stacks: Json }> {
  const copy = projectCopy(EXAMPLE);
  const prepared = generateApp(copy, 'staging');
  const dir = writeApp(prepared.app.files, join(copy, 'infra'));
  writeFileSync(join(dir, 'cdk.context.json'), JSON.stringify(context));
  const out = await synthApp(dir, { nag: false });
  expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const templates = new Map<string, Json>();
  let dockerImages = 0;
  for (const f of readdirSync(out.outdir)) {
    if (f.endsWith('.template.json')) templates.set(f.replace('.template.json', ''), JSON.parse(readFileSync(join(out.outdir, f), 'utf8')));
    if (f.endsWith('.assets.json')) dockerImages += Object.keys((JSON.parse(readFileSync(join(out.outdir, f), 'utf8')) as Json).dockerImages ?? {}).length;
  }
  const manifest = JSON.parse(readFileSync(join(out.outdir, 'manifest.json'), 'utf8')) as Json;
  return { templates, dockerImages, stacks: manifest.artifacts };
}

const images = (t: Json) => resourcesOf(t, 'AWS::ECS::TaskDefinition').map(([, r]) => (r.Properties?.ContainerDefinitions as Json[])[0]?.Image);

describe('the image the workflow pushed, with no Docker where cdk deploy runs', () => {
  it('plans the Images stack first, and Compute after it', () => {
    const plan = planWith(EXAMPLE, 'prod');
    expect(plan.aws.images).toEqual({ repositoryName: 'ledger-app-prod', builds: [{ dockerfile: 'Dockerfile', tagSuffix: '', services: ['ServiceWeb', 'Worker'] }] });
    const images = plan.stacks.find((s) => s.name === 'Images');
    expect(images?.dependsOn).toEqual([]);
    expect(images?.resources.map((r) => [r.id, r.type])).toEqual([['ImageRepository', 'AWS::ECR::Repository']]);
    expect(plan.stacks.find((s) => s.name === 'Compute')?.dependsOn).toContain('Images');
  });

  it('has no Images stack when every image is published', () => {
    const plan = planWith(EXAMPLE, 'prod', (c) => ({ ...c, deploy: { ...c.deploy, compute: { ...c.deploy.compute, image: 'public.ecr.aws/acme/ledger:1.0' } } }));
    expect(plan.aws.images).toBeNull();
    expect(plan.stacks.map((s) => s.name)).not.toContain('Images');
  });

  it('deploys with the tag: the services run the pushed image, and nothing is built', async () => {
    const { templates, dockerImages, stacks } = await synth({ [IMAGE_TAG_CONTEXT]: 'sha-0123abc' });
    expect(dockerImages).toBe(0);
    const compute = templates.get('LedgerApp-staging-Compute') as Json;
    const uri = { 'Fn::Join': ['', [{ Ref: 'AWS::AccountId' }, '.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/ledger-app-staging:sha-0123abc']] };
    expect(images(compute)).toEqual([uri, uri]);
    // The execution roles may pull from exactly that repository.
    const pulls = resourcesOf(compute, 'AWS::IAM::Policy').flatMap(([, p]) => ((p.Properties?.PolicyDocument as Json).Statement as Json[]).filter((s) => [s.Action].flat().includes('ecr:BatchGetImage')));
    expect(pulls.length).toBe(2);
    for (const s of pulls) expect(JSON.stringify(s.Resource)).toContain(':repository/ledger-app-staging');
    // The repository: its own stack, with no dependency, before Compute.
    const repo = resourcesOf(templates.get('LedgerApp-staging-Images') as Json, 'AWS::ECR::Repository');
    expect(repo.map(([, r]) => r.Properties)).toEqual([expect.objectContaining({ RepositoryName: 'ledger-app-staging', ImageTagMutability: 'IMMUTABLE', ImageScanningConfiguration: { ScanOnPush: true }, EmptyOnDelete: true })]);
    expect(((stacks['LedgerApp-staging-Images'].dependencies ?? []) as string[]).filter((d) => !d.endsWith('.assets'))).toEqual([]);
    expect(stacks['LedgerApp-staging-Compute'].dependencies).toContain('LedgerApp-staging-Images');
  }, 120_000);

  it('without the tag, keeps the asset path: cdk deploy builds the Dockerfile (with Docker)', async () => {
    const { templates, dockerImages } = await synth({});
    expect(dockerImages).toBe(1);
    for (const image of images(templates.get('LedgerApp-staging-Compute') as Json)) expect(JSON.stringify(image)).toContain('cdk-hnb659fds-container-assets');
  }, 120_000);

  it('refuses a tag ECR would refuse, when the app is synthesized', async () => {
    const copy = projectCopy(EXAMPLE);
    const dir = writeApp(generateApp(copy, 'staging').app.files, join(copy, 'infra'));
    writeFileSync(join(dir, 'cdk.context.json'), JSON.stringify({ [IMAGE_TAG_CONTEXT]: '-bad tag' }));
    const out = await synthApp(dir, { nag: false });
    expect(out.diagnostics.map((d) => d.code)).toEqual(['DZ7102']);
    expect(out.diagnostics[0]?.message).toContain('not an image tag');
  }, 120_000);
});
