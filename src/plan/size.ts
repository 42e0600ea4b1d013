/**
 * How many bytes of its stack's template a plan resource takes: the estimate the plan checks
 * against CloudFormation's 1 MB template limit and splits stacks by, before anything is
 * synthesized.
 *
 * A template is the file `cdk synth` writes (JSON, one space of indentation, the construct path
 * of each resource in its metadata). Each CloudFormation type has a typical size, measured on the
 * synthesized templates of the example and the corpus; what grows with the project is counted on
 * top: a container's variables, a policy's resources, a dashboard's alarms. The acceptance test
 * compares the estimate with every synthesized template.
 */

/** Typical bytes of one resource of a type in a synthesized template (its logical ID, properties and metadata). */
const BYTES: Readonly<Record<string, number>> = {
  'AWS::ApiGatewayV2::Api': 370,
  'AWS::ApiGatewayV2::ApiMapping': 450,
  'AWS::ApiGatewayV2::DomainName': 650,
  'AWS::ApiGatewayV2::Integration': 550,
  'AWS::ApiGatewayV2::Route': 395,
  'AWS::ApiGatewayV2::Stage': 985,
  'AWS::ApiGatewayV2::VpcLink': 935,
  'AWS::ApplicationAutoScaling::ScalableTarget': 1220,
  'AWS::ApplicationAutoScaling::ScalingPolicy': 725,
  'AWS::AutoScaling::AutoScalingGroup': 1870,
  'AWS::CertificateManager::Certificate': 670,
  'AWS::CloudFormation::CustomResource': 700,
  'AWS::CloudWatch::Alarm': 1540,
  'AWS::CloudWatch::Dashboard': 2400,
  'AWS::EC2::EIP': 460,
  'AWS::EC2::FlowLog': 760,
  'AWS::EC2::InternetGateway': 410,
  'AWS::EC2::LaunchTemplate': 15600,
  'AWS::EC2::NatGateway': 770,
  'AWS::EC2::NetworkInterface': 940,
  'AWS::EC2::Route': 415,
  'AWS::EC2::RouteTable': 515,
  'AWS::EC2::SecurityGroup': 655,
  'AWS::EC2::SecurityGroupEgress': 670,
  'AWS::EC2::SecurityGroupIngress': 680,
  'AWS::EC2::Subnet': 760,
  'AWS::EC2::SubnetCidrReservation': 600,
  'AWS::EC2::SubnetRouteTableAssociation': 395,
  'AWS::EC2::VPC': 530,
  'AWS::EC2::VPCGatewayAttachment': 290,
  'AWS::EC2::Volume': 680,
  'AWS::ECR::Repository': 830,
  'AWS::ECS::Cluster': 440,
  'AWS::ECS::Service': 2150,
  'AWS::ECS::TaskDefinition': 3200,
  'AWS::EFS::AccessPoint': 730,
  'AWS::EFS::FileSystem': 585,
  'AWS::EFS::MountTarget': 625,
  'AWS::ElastiCache::ReplicationGroup': 955,
  'AWS::ElastiCache::SubnetGroup': 1050,
  'AWS::ElasticLoadBalancingV2::Listener': 625,
  'AWS::ElasticLoadBalancingV2::ListenerRule': 800,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 1785,
  'AWS::ElasticLoadBalancingV2::TargetGroup': 890,
  'AWS::Events::Archive': 540,
  'AWS::Events::EventBus': 400,
  'AWS::IAM::InstanceProfile': 290,
  'AWS::IAM::ManagedPolicy': 1000,
  'AWS::IAM::Policy': 900,
  'AWS::IAM::Role': 745,
  'AWS::KMS::Key': 1230,
  'AWS::Lambda::Function': 1100,
  'AWS::Logs::LogGroup': 805,
  'AWS::MSK::Cluster': 4030,
  'AWS::MSK::Configuration': 905,
  'AWS::RDS::DBCluster': 2100,
  'AWS::RDS::DBInstance': 830,
  'AWS::RDS::DBSubnetGroup': 1120,
  'AWS::Route53::RecordSet': 650,
  'AWS::S3::Bucket': 1100,
  'AWS::S3::BucketPolicy': 950,
  'AWS::SES::EmailIdentity': 400,
  'AWS::SNS::Subscription': 420,
  'AWS::SNS::Topic': 530,
  'AWS::SNS::TopicPolicy': 1050,
  'AWS::SQS::Queue': 640,
  'AWS::SQS::QueuePolicy': 720,
  'AWS::SSM::Parameter': 560,
  'AWS::Scheduler::Schedule': 830,
  'AWS::SecretsManager::Secret': 920,
  'AWS::SecretsManager::SecretTargetAttachment': 390,
  'AWS::ServiceDiscovery::PrivateDnsNamespace': 475,
  'AWS::ServiceDiscovery::Service': 945,
  'Custom::EnvironmentFile': 1500,
  'Custom::KafkaBootstrapBrokers': 1385,
  'Custom::S3AutoDeleteObjects': 590,
  'Custom::TigerBeetleImage': 1005,
};

/** Bytes of a type dazzle has not measured: generous, so an estimate errs on the large side. */
const UNKNOWN_TYPE_BYTES = 2000;

/** What every template has besides its resources: the description, the bootstrap version check. */
export const TEMPLATE_BASE_BYTES = 900;
/** A template parameter for an SSM parameter the stack reads when it deploys. */
export const PARAMETER_BYTES = 220;
/** A stack output. */
export const OUTPUT_BYTES = 180;

/** What grows with the project, per item, on top of the resources' typical sizes. */
export const EXTRA_BYTES = {
  /** One variable of a container, besides its name and its value as the template writes it. */
  variable: 58,
  /** A value written as an Fn::Sub (a queue's URL, a bucket's name), besides the text of the Fn::Sub. */
  sub: 32,
  /** A value written as a reference to a template parameter (a database endpoint). */
  reference: 110,
  /** A value joined from parts (the database URL, the cache URL). */
  joined: 330,
  /** A container's environment file: its entry in the task definition, and the execution role's statements that read it. */
  environmentFile: 900,
  /** One variable in a Compute stack's environment file, besides its name and its value as the template writes it. */
  environmentFileLine: 20,
  /** One secret of a container. */
  secret: 220,
  /** One statement of a task role's policy (its actions, effect and one resource), besides the policy's own. */
  policyStatement: 280,
  /** One more resource named in an IAM policy statement. */
  policyResource: 220,
  /** One alarm in the dashboard's alarm-status widgets, besides its name. */
  dashboardStatusAlarm: 165,
  /** One alarm widget (a graph of an alarm's metric) of the dashboard, besides twice its name. */
  dashboardAlarmWidget: 380,
  /** A bucket whose access logs a bucket policy lets the S3 logging service write (its statement), besides twice the bucket's name. */
  accessLogSource: 660,
  /** A bucket of the project, besides ten times its name (its logical ID, path, name prefix and log prefix, in the bucket and its policy): the name, the logging and versioning settings. */
  bucket: 500,
  /** A bucket emptied when it is removed: its tag and the statement that lets the emptying function read and delete. */
  emptiedBucket: 800,
  /** An alarm on the metric of a service in a further Compute stack (it names the first stack's cluster through its exports), besides an alarm's own. */
  serviceAlarm: 150,
  /** A schedule in a further Messaging stack: it names the schedule queue and the role through the first stack's exports. */
  crossStackSchedule: 180,
  /** The policy of a bucket that receives logs (it names the logging service), besides a bucket's own. */
  logBucketPolicy: 1_500,
  /** An alarm on a metric math expression (tasks below desired), besides an alarm's own. */
  mathAlarm: 1_100,
  /** An alarm on a target group's metric (it names the load balancer too), besides an alarm's own. */
  targetAlarm: 900,
  /** A TigerBeetle replica's role policy and user data (a larger launch template than a node's), besides their types' typical sizes. */
  replica: 3_400,
} as const;

/** The text of an Fn::Sub of a queue URL, before the queue's name. */
export const QUEUE_URL_SUB = 'https://sqs.${AWS::Region}.${AWS::URLSuffix}/${AWS::AccountId}/';
/** The logical ID of a template parameter for an SSM parameter (`SsmParameterValue<name>C96584B6…Parameter`), besides the name. */
export const PARAMETER_ID_CHARS = 'SsmParameterValueC96584B6F00A464EAD1953AFF4B05118Parameter'.length;

/**
 * What the estimate adds to the typical sizes: the synthesized resources spread a few percent
 * around them (names, references between stacks), and an estimate below the template would let a
 * stack pass CloudFormation's limit, its warning or its split unnoticed.
 */
export const SIZE_MARGIN = 0.045;

/** The estimated bytes of a plan resource's CloudFormation expansion, plus what grows with the project, with SIZE_MARGIN. */
export function resourceBytes(cloudformation: Readonly<Record<string, number>>, extra = 0): number {
  let n = extra;
  for (const [type, count] of Object.entries(cloudformation)) n += count * (BYTES[type] ?? UNKNOWN_TYPE_BYTES);
  return Math.ceil(n * (1 + SIZE_MARGIN));
}

/** An alarm's bytes besides its type's: its construct ID (in its logical ID, path, name and description) and what its metric names. */
export function alarmExtraBytes(id: string, kind: string, stack: string): number {
  const service = stack !== 'Compute' && (kind === 'service-cpu' || kind === 'service-memory' || kind === 'tasks-below-desired' || kind === 'healthy-targets' || kind === 'unhealthy-targets');
  const metric = kind === 'tasks-below-desired' ? EXTRA_BYTES.mathAlarm : kind === 'healthy-targets' || kind === 'unhealthy-targets' ? EXTRA_BYTES.targetAlarm : 0;
  return 4 * id.length + metric + (service ? EXTRA_BYTES.serviceAlarm : 0);
}

/** A project bucket's bytes besides its types' (the bucket, its policy, the emptying resource). */
export function bucketExtraBytes(name: string, emptied: boolean): number {
  return EXTRA_BYTES.bucket + 10 * name.length + (emptied ? EXTRA_BYTES.emptiedBucket : 0);
}

/** The access-log bucket's policy statements for `count` buckets whose names are at most `longest` characters, besides the policy's own. */
export function accessLogSourceBytes(count: number, longest: number): number {
  return count * (EXTRA_BYTES.accessLogSource + 2 * longest);
}
