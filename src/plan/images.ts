/**
 * The app's own image repository. A service whose image is built from the project's Dockerfile
 * gets it from here when the workflow built and pushed it (`cdk deploy -c dazzle:imageTag=<tag>`),
 * so nothing is built where `cdk deploy` runs and no Docker is needed there; without the tag,
 * `cdk deploy` builds the image itself (Docker on the deploying machine). The repository is in a
 * stack of its own that deploys before Compute, so a first deploy can push before any service
 * needs the image.
 */
import { imageRepositoryName } from '../lower/index.js';
import type { AwsService } from './aws.js';

/** The CDK context key the workflow sets to the tag it pushed. */
export const IMAGE_TAG_CONTEXT = 'dazzle:imageTag';

/** The newest images the repository keeps (a lifecycle rule expires older ones). */
export const KEPT_IMAGES = 30;

export interface AwsImages {
  readonly repositoryName: string;
  /**
   * One image per Dockerfile, in the order the services name them: each is tagged
   * `<tag><tagSuffix>`; the suffix is empty when the app has one Dockerfile.
   */
  readonly builds: readonly { readonly dockerfile: string; readonly tagSuffix: string; readonly services: readonly string[] }[];
}

/** The repository and the images to build, or null when no service builds its image. */
export function imagesOf(app: string, environment: string, services: readonly Pick<AwsService, 'id' | 'image'>[]): AwsImages | null {
  const byFile = new Map<string, string[]>();
  for (const s of services) if (s.image.kind === 'asset') byFile.set(s.image.dockerfile, [...(byFile.get(s.image.dockerfile) ?? []), s.id]);
  if (!byFile.size) return null;
  const used = new Set<string>();
  const builds = [...byFile].map(([dockerfile, ids]) => {
    if (byFile.size === 1) return { dockerfile, tagSuffix: '', services: ids };
    const slug = dockerfile.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'image';
    let suffix = `-${slug}`;
    for (let n = 2; used.has(suffix); n++) suffix = `-${slug}-${n}`;
    used.add(suffix);
    return { dockerfile, tagSuffix: suffix, services: ids };
  });
  return { repositoryName: imageRepositoryName(app, environment), builds };
}
