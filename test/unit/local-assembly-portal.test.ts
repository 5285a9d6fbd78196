/**
 * The twin reads the app's templates but not the portal's delivery: stacks tagged `component: portal` (the
 * portal's bucket and distribution, the file deployment with its CDK-made function) are skipped, so the
 * documents bucket is the one bucket left, while the API's CORS still resolves the distribution's origin it
 * imports. Hand-written fragments shaped as aws-cdk-lib 2.276 synthesizes them (infra/stacks/portal-*.ts).
 */
import { describe, expect, it } from 'vitest';
import { readAssembly, type StackTemplate } from '../../local/assembly';
import { PORTAL_TAG } from '../../infra/stacks/portal-stack';

const ENV = { region: 'us-east-1', accountId: '000000000000' };
const PORTAL_TAGS = { [PORTAL_TAG.key]: PORTAL_TAG.value, project: 'wuchuanxiao-cycle', stage: 'dev' };
const DOMAIN_EXPORT = 'dev-Portal:ExportsOutputFnGetAttDistribution830FAC52DomainNameBEB09E30';

function app(): StackTemplate[] {
  return [
    {
      stackName: 'dev-Portal',
      tags: PORTAL_TAGS,
      template: {
        Resources: {
          SiteBucket397A1860: { Type: 'AWS::S3::Bucket', Properties: {} },
          Distribution830FAC52: { Type: 'AWS::CloudFront::Distribution', Properties: {} },
        },
        Outputs: {
          ExportsOutputFnGetAttDistribution830FAC52DomainNameBEB09E30: {
            Value: { 'Fn::GetAtt': ['Distribution830FAC52', 'DomainName'] },
            Export: { Name: DOMAIN_EXPORT },
          },
        },
      },
    },
    {
      stackName: 'dev-Stateful',
      tags: { project: 'wuchuanxiao-cycle', stage: 'dev' },
      template: {
        Resources: {
          Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'dev-wuchuanxiao', KeySchema: [], AttributeDefinitions: [] } },
          DocumentsBucket9EC9DEB9: {
            Type: 'AWS::S3::Bucket',
            Properties: {
              CorsConfiguration: {
                CorsRules: [
                  {
                    AllowedMethods: ['POST'],
                    AllowedOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::ImportValue': DOMAIN_EXPORT }]] }, 'http://localhost:5173'],
                    MaxAge: 3600,
                  },
                ],
              },
            },
          },
        },
      },
    },
    {
      stackName: 'dev-Stateless',
      template: {
        Resources: {
          GetMeFunction: {
            Type: 'AWS::Lambda::Function',
            Properties: { Environment: { Variables: { DOCUMENTS_BUCKET: 'documentsbucket9ec9deb9' } } },
            Metadata: { 'local:handler': 'functions/get-me/handler.ts' },
          },
          PortalApi: {
            Type: 'AWS::ApiGatewayV2::Api',
            Properties: {
              ProtocolType: 'HTTP',
              CorsConfiguration: {
                AllowOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::ImportValue': DOMAIN_EXPORT }]] }, 'http://localhost:5173'],
              },
            },
          },
        },
      },
    },
    {
      stackName: 'dev-PortalContent',
      tags: PORTAL_TAGS,
      template: {
        Resources: {
          // BucketDeployment's handler: no handler file, a managed policy, and a bucket the twin has no use for.
          CustomCDKBucketDeploymentServiceRole: {
            Type: 'AWS::IAM::Role',
            Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'] },
          },
          CustomCDKBucketDeployment: {
            Type: 'AWS::Lambda::Function',
            Properties: { Handler: 'index.handler', Role: { 'Fn::GetAtt': ['CustomCDKBucketDeploymentServiceRole', 'Arn'] } },
          },
          SiteCustomResource: {
            Type: 'Custom::CDKBucketDeployment',
            Properties: { DestinationBucketName: { 'Fn::ImportValue': 'dev-PortalBucketName' } },
          },
          ScratchBucket: { Type: 'AWS::S3::Bucket', Properties: {} },
        },
      },
    },
  ];
}

describe('readAssembly: the portal\'s stacks', () => {
  it('takes the documents bucket as the bucket, with the portal\'s origin in its CORS', () => {
    // Act
    const { bucket, functions, api } = readAssembly(app(), ENV);
    // Assess
    expect(bucket).toEqual({
      name: 'documentsbucket9ec9deb9',
      cors: [
        {
          allowedOrigins: ['https://distribution830fac52.cloudfront.net', 'http://localhost:5173'],
          allowedMethods: ['POST'],
          allowedHeaders: [],
          maxAge: 3600,
        },
      ],
    });
    expect(functions.map((f) => f.handlerFile)).toEqual(['functions/get-me/handler.ts']);
    expect(api?.cors?.allowOrigins).toEqual(['https://distribution830fac52.cloudfront.net', 'http://localhost:5173']);
  });

  it('reads nothing of a stack tagged component: portal, whatever it holds', () => {
    const stacks = app();
    // A function with a handler file in a portal stack is still not the twin's to run.
    stacks[3].template.Resources!.Stray = {
      Type: 'AWS::Lambda::Function',
      Properties: {},
      Metadata: { 'local:handler': 'functions/get-health/handler.ts' },
    };
    const { functions, bucket } = readAssembly(stacks, ENV);
    expect(functions.map((f) => f.handlerFile)).toEqual(['functions/get-me/handler.ts']);
    expect(bucket.name).toBe('documentsbucket9ec9deb9');
  });

  it('counts every bucket of an untagged stack, so a second one there is refused, not guessed', () => {
    const untagged = app().map((s) => ({ ...s, tags: undefined }));
    expect(() => readAssembly(untagged, ENV)).toThrow(/expected one S3 bucket \(the documents bucket\).*found 3/);
  });
});
