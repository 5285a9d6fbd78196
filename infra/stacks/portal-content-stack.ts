/**
 * The portal's files: the Vite build (web/dist, `npm run web:build`) copied into PortalStack's bucket, and
 * `/config.json`, the runtime config the portal reads at start (web/src/config.ts): the API's URL, the region,
 * the user pool and its client. Deployed last, since config.json names what the other stacks create.
 *
 * Two deployments into one bucket: the hashed files under `assets/` (cached for a year, never pruned, so a
 * tab opened before a deploy still loads its chunks), then everything else (`no-cache`: index.html and
 * config.json are checked on every load), pruning what the new build no longer has outside `assets/`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Aws, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { Construct } from 'constructs';
import { PORTAL_TAG } from './portal-stack';

/** Where the portal fetches its runtime config from (web/src/config.ts). */
export const CONFIG_KEY = 'config.json';

/** What the portal reads from /config.json (web/src/config.ts, PortalConfig), less the twin's cognitoEndpoint. */
export interface PortalRuntimeConfig {
  readonly apiUrl: string;
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
}

export interface PortalContentStackProps extends StackProps {
  /** PortalStack's bucket, by its named export (PortalStack.bucketName). */
  readonly bucketName: string;
  /** The built portal: a folder with index.html and assets/ (web/dist). */
  readonly siteDir: string;
  /** Written as /config.json; tokens are filled in at deploy time. The region is this stack's own. */
  readonly runtimeConfig: Omit<PortalRuntimeConfig, 'region'>;
  readonly logRetention: logs.RetentionDays;
}

export class PortalContentStack extends Stack {
  readonly assets: s3deploy.BucketDeployment;
  readonly site: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: PortalContentStackProps) {
    super(scope, id, { ...props, tags: { ...props.tags, [PORTAL_TAG.key]: PORTAL_TAG.value } });
    const build = this.buildSource(props.siteDir);
    const runtimeConfig: PortalRuntimeConfig = { ...props.runtimeConfig, region: Aws.REGION };

    // One log group for the deployment function both deployments share (CDK makes it once per stack).
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const bucket = s3.Bucket.fromBucketName(this, 'SiteBucket', props.bucketName);
    const common = { destinationBucket: bucket, logGroup };
    this.assets = new s3deploy.BucketDeployment(this, 'Assets', {
      ...common,
      sources: [build],
      // The CLI's filters apply in order: nothing, then assets/ back in.
      exclude: ['*'],
      include: ['assets/*'],
      prune: false,
      cacheControl: [s3deploy.CacheControl.fromString('public, max-age=31536000, immutable')],
    });
    this.site = new s3deploy.BucketDeployment(this, 'Site', {
      ...common,
      sources: [build, s3deploy.Source.jsonData(CONFIG_KEY, runtimeConfig)],
      // Excluded files are neither copied nor pruned: assets/ stays the other deployment's.
      exclude: ['assets/*'],
      prune: true,
      cacheControl: [s3deploy.CacheControl.noCache()],
    });
    // index.html names the new chunks: it goes live only once they are there.
    this.site.node.addDependency(this.assets);
    this.acknowledgeDeploymentFunction(bucket);
  }

  /**
   * The built portal. Missing, it fails a synth that will be deployed, with what to run; a synth with bundling
   * skipped (the tests, the twin: `aws:cdk:bundling-stacks`) gets a placeholder page instead, as the functions
   * get placeholder bundles then.
   */
  private buildSource(siteDir: string): s3deploy.ISource {
    if (!this.bundlingRequired) {
      return s3deploy.Source.data('index.html', '<!doctype html><title>portal not built</title>');
    }
    if (!existsSync(join(siteDir, 'index.html'))) {
      throw new Error(
        `${this.stackName}: the portal is not built (no ${join(siteDir, 'index.html')}). ` +
          'Run `npm run web:build`, then synthesize or deploy again.',
      );
    }
    return s3deploy.Source.asset(siteDir);
  }

  /**
   * The deployment function is aws-cdk-lib's own (one per stack, shared by both deployments), with the role
   * BucketDeployment grants: read the CDK asset bucket, read, write and prune the portal's bucket.
   */
  private acknowledgeDeploymentFunction(bucket: s3.IBucket): void {
    const fn = this.assets.handlerRole.node.scope;
    if (!(fn instanceof lambda.Function)) throw new Error('BucketDeployment: its handler role is not its function\'s');
    const resource = (arn: string) => `AwsSolutions-IAM5[Resource::${flattenCfnReference(this.resolve(arn))}]`;
    // The bootstrap asset bucket as cdk-nag writes it (DefaultStackSynthesizer's name for it).
    const qualifier = this.synthesizer.bootstrapQualifier;
    const assetBucket = `arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>`;
    const acks: Record<string, string> = {
      'AwsSolutions-L1':
        'The runtime of aws-cdk-lib\'s deployment handler is chosen by aws-cdk-lib with its handler code; it moves ' +
        'with aws-cdk-lib upgrades (pinned in package-lock.json), not by hand.',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'The managed policy of aws-cdk-lib\'s deployment function lets it write its log streams and nothing else; ' +
        'its log group is this stack\'s DeploymentLogs, with the retention of every other log group.',
      [resource(`${bucket.bucketArn}/*`)]:
        'The deployment syncs the whole build into the portal\'s bucket and prunes what a new build no longer has, ' +
        'so it writes and deletes any key there; the bucket holds nothing but the portal\'s build.',
      [`AwsSolutions-IAM5[Resource::${assetBucket}/*]`]:
        'Read access to the CDK bootstrap asset bucket, where `cdk deploy` uploads the zipped build; asset keys are ' +
        'content hashes chosen at synthesis, so the grant covers the bucket\'s objects.',
      'AwsSolutions-IAM5[Action::s3:GetObject*]':
        'aws-cdk-lib\'s grantRead on the asset bucket and grantReadWrite on the portal\'s bucket (object reads for ' +
        'the sync); the resources are those two buckets only.',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]':
        'aws-cdk-lib\'s read grants on the asset bucket and the portal\'s bucket: `aws s3 sync` reads the bucket\'s ' +
        'location and settings; no other bucket is named.',
      'AwsSolutions-IAM5[Action::s3:List*]':
        'aws-cdk-lib\'s read grants on the asset bucket and the portal\'s bucket: `aws s3 sync` lists the ' +
        'destination to compare and prune; no other bucket is named.',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]':
        'aws-cdk-lib\'s grantReadWrite on the portal\'s bucket: pruning deletes the files a new build no longer ' +
        'has (outside assets/); the asset bucket is read only.',
      'AwsSolutions-IAM5[Action::s3:Abort*]':
        'aws-cdk-lib\'s grantReadWrite on the portal\'s bucket: `aws s3 sync` aborts its own multipart uploads ' +
        'of large chunks when they fail.',
    };
    for (const [id, reason] of Object.entries(acks)) Validations.of(fn).acknowledge({ id, reason });
  }
}
