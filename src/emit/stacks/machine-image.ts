/**
 * The image an EC2 group runs, one mechanism for the TigerBeetle replicas and the node groups: the
 * AMI pinned in dazzle.toml, or Amazon Linux 2023 read once from its public SSM parameter when the
 * stack is created (an `Image` custom resource, called again only if its properties change) and
 * kept. Either way a new Amazon Linux release replaces no instance; a changed image replaces them
 * one at a time. The generated code defines `IMAGE_ID` or `IMAGE_PARAMETER` and a function that
 * returns the image for a stack.
 */
import { jsdoc, str } from '../code.js';

/** Graviton (arm64) instance families: `t4g`, `m7g`, `r8g`, `c7gn`, `x2gd`, `im4gn`, `a1`… */
export function isGraviton(instanceType: string): boolean {
  const family = instanceType.split('.')[0] ?? '';
  return family === 'a1' || /^[a-z]+\d+g/.test(family);
}

/** Where the image comes from: the pinned AMI, or Amazon Linux 2023 as it is when the stack is first deployed. */
export type ImageSource = { readonly kind: 'pinned'; readonly ami: string } | { readonly kind: 'first-deploy' };

/** The words the generated comments and resources use for one group. */
export interface ImageText {
  /** The generated function's name: `replicaImage`. */
  readonly fn: string;
  /** Who runs the image, singular: `replica`. */
  readonly one: string;
  /** Plural: `replicas`. */
  readonly many: string;
  /** The dazzle.toml key that pins it: `tigerbeetle.ami`. */
  readonly key: string;
  /** The custom resource's type: `Custom::TigerBeetleImage`. */
  readonly resourceType: string;
}

/** Amazon Linux 2023's public parameter of the image for an instance type's architecture. */
export function amazonLinuxParameter(instanceType: string): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${isGraviton(instanceType) ? 'arm64' : 'x86_64'}`;
}

/**
 * The generated code of the image: constants and the function `t.fn(stack)`. The first-deploy form
 * needs `cr` (aws-cdk-lib/custom-resources) and `Validations` imported by the stack.
 */
export function machineImageCode(image: ImageSource, instanceType: string, region: string, t: ImageText): string {
  const arm = isGraviton(instanceType);
  if (image.kind === 'pinned') {
    return `${jsdoc(`The image every ${t.one} runs: ${t.key} in dazzle.toml, an Amazon Linux 2023 AMI in ${region} for ${arm ? 'arm64' : 'x86_64'}. A new Amazon Linux release replaces nothing; changing this ID replaces the ${t.many} one at a time.`)}
const IMAGE_ID = ${str(image.ami)};

/** The pinned image, in this stack's region. */
function ${t.fn}(stack: Stack): ec2.IMachineImage {
  return ec2.MachineImage.genericLinux({ [stack.region]: IMAGE_ID });
}`;
  }
  return `/**
 * Amazon Linux 2023's public parameter for the ${t.many}' architecture. The Image resource reads it once, when
 * this stack is created, and the ${t.many} keep the image it named then: a later Amazon Linux release replaces
 * nothing. To move them to another image, set ${t.key} in dazzle.toml (see the README): they are then
 * replaced one at a time.
 */
const IMAGE_PARAMETER = ${str(amazonLinuxParameter(instanceType))};

/** The image every ${t.one} runs: one Image resource for the stack, which resolves IMAGE_PARAMETER once. */
function ${t.fn}(stack: Stack): ec2.IMachineImage {
  let image = stack.node.tryFindChild('Image') as cr.AwsCustomResource | undefined;
  if (!image) {
    image = new cr.AwsCustomResource(stack, 'Image', {
      resourceType: ${str(t.resourceType)},
      // CloudFormation calls it on creation, and on an update only when these properties change.
      onCreate: readImageParameter(),
      onUpdate: readImageParameter(),
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({
        resources: [stack.formatArn({ service: 'ssm', account: '', resource: 'parameter', resourceName: IMAGE_PARAMETER.slice(1) })],
      }),
      installLatestAwsSdk: false,
    });
    Validations.of(stack).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "The function behind the Image resource (aws-cdk's AwsCustomResource) logs with the AWS managed basic execution policy; its own policy allows only ssm:GetParameter on IMAGE_PARAMETER.",
    });
  }
  return ec2.MachineImage.genericLinux({ [stack.region]: image.getResponseField('Parameter.Value') });
}

/** ssm:GetParameter of IMAGE_PARAMETER; the image ID is the resource's physical ID. */
function readImageParameter(): cr.AwsSdkCall {
  return {
    service: 'SSM',
    action: 'GetParameter',
    parameters: { Name: IMAGE_PARAMETER },
    physicalResourceId: cr.PhysicalResourceId.fromResponse('Parameter.Value'),
    outputPaths: ['Parameter.Value'],
  };
}`;
}
