/**
 * The one-time AWS side of the deploy workflow, as a CloudFormation template to deploy once per
 * account (`aws cloudformation deploy`): GitHub's OIDC provider (unless the account has one) and
 * one deploy role per environment, each assumable only by this repository's jobs running in that
 * GitHub environment (so prod's protection rules guard prod's role), with no access keys. A role
 * may only assume the CDK bootstrap roles of its region (which `cdk deploy` uses to deploy) and,
 * when the app builds images, push to the app's own ECR repository.
 */

export interface RoleEnvironment {
  readonly name: string;
  readonly region: string;
  /** The app's image repository in that environment, when the workflow pushes images. */
  readonly repository: string | null;
}

export interface RoleTemplateOptions {
  /** `owner/name` on GitHub. */
  readonly repository: string;
  readonly environments: readonly RoleEnvironment[];
  /** The CDK bootstrap qualifier. @default 'hnb659fds' */
  readonly qualifier?: string;
}

const ISSUER = 'token.actions.githubusercontent.com';
const PUSH = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:GetDownloadUrlForLayer', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart'];

const logical = (env: string) => `DeployRole${env.charAt(0).toUpperCase()}${env.slice(1)}`;

/** The template, as JSON (which is YAML too, so the writer's comment header keeps it valid). */
export function deployRoleTemplate(o: RoleTemplateOptions): string {
  const qualifier = o.qualifier ?? 'hnb659fds';
  const provider = { 'Fn::If': ['CreateProvider', { Ref: 'GitHubOidcProvider' }, { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${ISSUER}` }] };
  const resources: Record<string, unknown> = {
    GitHubOidcProvider: {
      Type: 'AWS::IAM::OIDCProvider',
      Condition: 'CreateProvider',
      Properties: { Url: `https://${ISSUER}`, ClientIdList: ['sts.amazonaws.com'] },
    },
  };
  const outputs: Record<string, unknown> = {};
  for (const e of o.environments) {
    const statements: unknown[] = [
      {
        Sid: 'DeployWithTheCdkBootstrapRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-${qualifier}-*-\${AWS::AccountId}-${e.region}` },
      },
    ];
    if (e.repository) {
      statements.push(
        { Sid: 'LogInToEcr', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        { Sid: 'PushTheAppImages', Effect: 'Allow', Action: PUSH, Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:ecr:${e.region}:\${AWS::AccountId}:repository/${e.repository}` } },
      );
    }
    resources[logical(e.name)] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: `Deploys ${e.name} from GitHub Actions: ${o.repository}, environment ${e.name}`,
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: provider },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com', [`${ISSUER}:sub`]: `repo:${o.repository}:environment:${e.name}` } },
            },
          ],
        },
        Policies: [{ PolicyName: 'deploy', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
      },
    };
    outputs[`${logical(e.name)}Arn`] = { Description: `Set it as the variable DAZZLE_AWS_ROLE_ARN of the GitHub environment ${e.name}`, Value: { 'Fn::GetAtt': [logical(e.name), 'Arn'] } };
  }
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `GitHub Actions deploy roles for ${o.repository} (OIDC, no access keys), written by dazzle deploy ci init`,
    Parameters: {
      CreateOidcProvider: { Type: 'String', AllowedValues: ['true', 'false'], Default: 'true', Description: `false when the account already has the OIDC provider ${ISSUER}` },
    },
    Conditions: { CreateProvider: { 'Fn::Equals': [{ Ref: 'CreateOidcProvider' }, 'true'] } },
    Resources: resources,
    Outputs: outputs,
  };
  return `${JSON.stringify(template, null, 2)}\n`;
}
