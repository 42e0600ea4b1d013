/**
 * The Images stack: the app's ECR repository, when a service's image is built from the project's
 * Dockerfile. The workflow builds the image on its runner (docker buildx), pushes it here and
 * deploys with `-c dazzle:imageTag=<tag>`, so nothing is built where `cdk deploy` runs. It is a
 * stack of its own that deploys before Compute (and depends on nothing), so a first deploy can
 * create it, push, then deploy the services that run the image.
 */
import { KEPT_IMAGES } from '../../plan/index.js';
import { commentBlock, header, lit } from '../code.js';
import { because, propsInterface, stackSource, type EmitContext, type StackSource } from '../model.js';

export function imagesStack(ctx: EmitContext): StackSource {
  const { plan, projectRoot } = ctx;
  const source = `${header("Images stack: the ECR repository the workflow pushes the app's images to, deployed before Compute.", plan.app, plan.environment)}
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import type { Construct } from 'constructs';
import { NAMES } from './wiring';

${propsInterface('ImagesStack', [])}

export class ImagesStack extends Stack {
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props: ImagesStackProps) {
    super(scope, id, props);

${commentBlock("The app's images. Tags are immutable (the workflow tags each image with its commit), each push is scanned, and only the newest ones are kept.", because(plan, 'Images', 'ImageRepository'), projectRoot, '    ')}
    this.repository = new ecr.Repository(this, 'ImageRepository', {
      repositoryName: NAMES.imageRepository,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.AES_256,
      lifecycleRules: [{ description: ${lit(`Keep the newest ${KEPT_IMAGES} images`)}, maxImageCount: ${lit(KEPT_IMAGES)} }],
      // Its name is fixed (the workflow pushes to it by name), so it is not kept when its stack is deleted:
      // the images are built again from the project. Delete Compute first (cdk destroy does).
      removalPolicy: RemovalPolicy.DESTROY,
      emptyOnDelete: true,
    });
  }
}
`;
  return stackSource('Images', [], source);
}
