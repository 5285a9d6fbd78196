/**
 * The portal on AWS (infra/stacks/portal-stack.ts, portal-content-stack.ts), checked with Template + Match: a
 * private bucket read by CloudFront through OAC only, HTTPS, the SPA fallback, the security headers, the
 * caching of assets/ against index.html and config.json, config.json naming the API and the user pool, the
 * deployment function's grants, the origin the API's and the bucket's CORS allow (generated or custom
 * domain), and the clear failure when the portal is not built. Bundling is skipped unless a test says so.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Tags, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCycleApp, type CycleApp } from '../../infra/app';
import { PortalContentStack } from '../../infra/stacks/portal-content-stack';
import { loadTwinAssembly } from '../../local/assembly';

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const DOMAIN = {
  portalDomainName: 'portal.example.cn',
  portalCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f6e1c3a-1b2c-4d5e-8f90-123456789abc',
};

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[]; DeletionPolicy?: string };
type Output = { Value: unknown; Export?: { Name: string } };

let built: CycleApp;
let portal: Template;
let content: Template;

beforeAll(() => {
  // Prepare
  built = buildCycleApp(NO_BUNDLING, { validate: false });
  portal = Template.fromStack(built.portal);
  content = Template.fromStack(built.portalContent);
});
afterAll(() => rmSync(built.app.outdir, { recursive: true, force: true }));

const only = (t: Template, type: string): [string, Resource] => {
  const found = Object.entries(t.findResources(type)) as Array<[string, Resource]>;
  expect(found, type).toHaveLength(1);
  return found[0];
};

/** The export of `template` whose value is `value`, as the importing stack writes it. */
function importOf(t: Template, value: unknown): { 'Fn::ImportValue': string } {
  const outputs = Object.values(t.toJSON().Outputs as Record<string, Output>);
  const output = outputs.find((o) => o.Export && JSON.stringify(o.Value) === JSON.stringify(value));
  expect(output, `an export of ${JSON.stringify(value)}`).toBeDefined();
  return { 'Fn::ImportValue': output!.Export!.Name };
}

describe('portal stack: the bucket', () => {
  it('blocks public access, encrypts, enforces the bucket owner, and is kept when the stack goes', () => {
    portal.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        WebsiteConfiguration: Match.absent(),
      }),
    });
  });

  it('denies everything not over TLS and lets only this distribution read objects, through OAC', () => {
    const [bucketId] = only(portal, 'AWS::S3::Bucket');
    const [distributionId] = only(portal, 'AWS::CloudFront::Distribution');
    const [, policy] = only(portal, 'AWS::S3::BucketPolicy');
    expect(policy.Properties.Bucket).toEqual({ Ref: bucketId });
    const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>;
    expect(statements).toHaveLength(2);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distributionId }]],
            },
          },
        },
      },
    ]);
  });
});

describe('portal stack: the distribution', () => {
  it('reaches the bucket through Origin Access Control, not the legacy OAI', () => {
    const [bucketId] = only(portal, 'AWS::S3::Bucket');
    const [oacId] = only(portal, 'AWS::CloudFront::OriginAccessControl');
    portal.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    portal.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    portal.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: [
          Match.objectLike({
            DomainName: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
            OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
            S3OriginConfig: { OriginAccessIdentity: '' },
          }),
        ],
      }),
    });
  });

  it('redirects HTTP to HTTPS, serves index.html at /, and answers every missing path with index.html and 200', () => {
    const [, distribution] = only(portal, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    const behaviors = [config.DefaultCacheBehavior, ...config.CacheBehaviors];
    expect(behaviors).toHaveLength(2);
    for (const b of behaviors) expect(b).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'] });
    expect(config.DefaultRootObject).toBe('index.html');
    // Without ListBucket, S3 answers 403 for a missing key: a deep link like /county/... is one.
    expect(config.CustomErrorResponses).toEqual([
      { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
      { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
    ]);
  });

  it('caches hashed assets/ at the edge and never index.html, config.json or a deep link', () => {
    const [, distribution] = only(portal, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior.CachePolicyId).toBe(cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId);
    expect(config.CacheBehaviors).toEqual([
      expect.objectContaining({ PathPattern: '/assets/*', CachePolicyId: cloudfront.CachePolicy.CACHING_OPTIMIZED.cachePolicyId }),
    ]);
  });

  it('adds the security headers to every response: CSP, HSTS, no framing, no sniffing, a strict referrer', () => {
    const [policyId, policy] = only(portal, 'AWS::CloudFront::ResponseHeadersPolicy');
    const [, distribution] = only(portal, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    for (const b of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) expect(b.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
      ContentSecurityPolicy: { Override: true },
    });
    const csp = (headers.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Join'][1] as unknown[])
      .map((p) => (typeof p === 'string' ? p : '<region>'))
      .join('');
    expect(csp.split('; ')).toEqual([
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self' https://*.execute-api.<region>.amazonaws.com https://cognito-idp.<region>.amazonaws.com https://*.s3.<region>.amazonaws.com",
      'frame-src https://*.s3.<region>.amazonaws.com',
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ]);
  });

  it('outputs the portal\'s URL, and creates no role or function of its own', () => {
    const [distributionId] = only(portal, 'AWS::CloudFront::Distribution');
    expect(portal.toJSON().Outputs.PortalUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] });
    portal.resourceCountIs('AWS::IAM::Role', 0);
    portal.resourceCountIs('AWS::Lambda::Function', 0);
  });

  it('tags both portal stacks component: portal', () => {
    for (const stack of [built.portal, built.portalContent]) Tags.fromStack(stack).hasValues({ component: 'portal' });
    for (const stack of [built.stateful, built.stateless]) expect(Tags.fromStack(stack).all()).not.toHaveProperty('component');
  });
});

describe('portal content stack: the files and config.json', () => {
  const deployments = () =>
    Object.fromEntries(
      (Object.entries(content.findResources('Custom::CDKBucketDeployment')) as Array<[string, Resource]>).map(([id, r]) => [
        id.startsWith('Assets') ? 'assets' : 'site',
        { id, ...r },
      ]),
    ) as Record<'assets' | 'site', Resource & { id: string }>;

  it('deploys assets/ for a year, never pruned, then the rest as no-cache, pruned outside assets/', () => {
    const { assets, site } = deployments();
    const bucket = { 'Fn::ImportValue': 'dev-PortalBucketName' };
    expect(assets.Properties).toMatchObject({
      DestinationBucketName: bucket,
      Exclude: ['*'],
      Include: ['assets/*'],
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(site.Properties).toMatchObject({ DestinationBucketName: bucket, Exclude: ['assets/*'], Prune: true, SystemMetadata: { 'cache-control': 'no-cache' } });
    expect(site.Properties.Include).toBeUndefined();
    // index.html names the new chunks: it must not go live before them.
    expect(site.DependsOn).toEqual(expect.arrayContaining([assets.id]));
    // The bucket is the portal stack's, by its named export.
    expect(portal.toJSON().Outputs.ExportdevPortalBucketName).toEqual({
      Value: { Ref: only(portal, 'AWS::S3::Bucket')[0] },
      Export: { Name: 'dev-PortalBucketName' },
    });
  });

  it('writes config.json with the API\'s URL, the region, the user pool and its client', () => {
    // Act: the JSON is staged as an asset with markers; the deployment fills them in from SourceMarkers.
    const cloud = built.app.synth();
    const { site } = deployments();
    const keys = site.Properties.SourceObjectKeys as string[];
    const markers = site.Properties.SourceMarkers as Array<Record<string, unknown>>;
    const i = keys.findIndex((_, n) => Object.keys(markers[n] ?? {}).length > 0);
    const staged = readFileSync(join(cloud.directory, `asset.${keys[i].replace(/\.zip$/, '')}`, 'config.json'), 'utf8');
    const filled = Object.fromEntries(
      Object.entries(JSON.parse(staged) as Record<string, string>).map(([k, v]) => [
        k,
        v.replace(/<<marker:0xbaba:\d+>>/g, (m) => `{${JSON.stringify(markers[i][m])}}`),
      ]),
    );
    // Assess
    const stateful = Template.fromStack(built.stateful);
    const stateless = Template.fromStack(built.stateless);
    const [apiId] = only(stateless, 'AWS::ApiGatewayV2::Api');
    const [poolId] = only(stateful, 'AWS::Cognito::UserPool');
    const [clientId] = only(stateful, 'AWS::Cognito::UserPoolClient');
    const token = (v: unknown) => `{${JSON.stringify(v)}}`;
    expect(Object.keys(filled).sort()).toEqual(['apiUrl', 'clientId', 'region', 'userPoolId']);
    expect(filled.apiUrl).toBe(
      `https://${token(importOf(stateless, { Ref: apiId }))}.execute-api.${token({ Ref: 'AWS::Region' })}.${token({ Ref: 'AWS::URLSuffix' })}/`,
    );
    expect(filled.region).toBe(token({ Ref: 'AWS::Region' }));
    expect(filled.userPoolId).toBe(token(importOf(stateful, { Ref: poolId })));
    expect(filled.clientId).toBe(token(importOf(stateful, { Ref: clientId })));
    // The same as the API's own output: what the portal calls is what `cdk deploy` prints.
    expect(stateless.toJSON().Outputs.ApiUrl.Value).toEqual({
      'Fn::Join': ['', ['https://', { Ref: apiId }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/']],
    });
  });

  it('lets the deployment function read the asset bucket and write the portal\'s bucket, nothing else', () => {
    const [roleId, role] = only(content, 'AWS::IAM::Role');
    expect(role.Properties.ManagedPolicyArns).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']] },
    ]);
    const [, policy] = only(content, 'AWS::IAM::Policy');
    expect(policy.Properties.Roles).toEqual([{ Ref: roleId }]);
    const resourcesOf = (st: { Resource: unknown }) => JSON.stringify(st.Resource);
    const statements = policy.Properties.PolicyDocument.Statement as Array<{ Action: string[]; Resource: unknown; Effect: string }>;
    expect(statements).toHaveLength(2);
    const [read, write] = statements;
    expect(read.Action).toEqual(['s3:GetObject*', 's3:GetBucket*', 's3:List*']);
    expect(resourcesOf(read)).toContain('cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}');
    expect(write.Action).toEqual(expect.arrayContaining(['s3:PutObject', 's3:DeleteObject*']));
    expect(write.Action.filter((a) => !a.startsWith('s3:'))).toEqual([]);
    expect(resourcesOf(write)).toBe(
      JSON.stringify(['', '/*'].map((suffix) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::ImportValue': 'dev-PortalBucketName' }, suffix].filter(Boolean)] }))),
    );
    // One function (CDK's singleton, shared by both deployments), logging to a group with the app's retention.
    const [logsId] = only(content, 'AWS::Logs::LogGroup');
    content.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    content.hasResourceProperties('AWS::Lambda::Function', { Role: { 'Fn::GetAtt': [roleId, 'Arn'] }, LoggingConfig: { LogGroup: { Ref: logsId } } });
  });
});

describe('the portal\'s origin in CORS', () => {
  it('allows the distribution\'s generated origin (imported) and portalOrigin, for the API and the bucket', () => {
    const [distributionId] = only(portal, 'AWS::CloudFront::Distribution');
    const origin = { 'Fn::Join': ['', ['https://', importOf(portal, { 'Fn::GetAtt': [distributionId, 'DomainName'] })]] };
    Template.fromStack(built.stateless).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: [origin, 'http://localhost:5173'] }),
    });
    Template.fromStack(built.stateful).hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: [origin, 'http://localhost:5173'] })] },
    });
  });

  it('serves a custom domain with its certificate and TLS 1.2+, and then allows that origin, known before any deploy', () => {
    const custom = buildCycleApp({ ...NO_BUNDLING, ...DOMAIN }, { validate: false });
    Template.fromStack(custom.portal).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['portal.example.cn'],
        ViewerCertificate: { AcmCertificateArn: DOMAIN.portalCertificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      }),
    });
    expect(Template.fromStack(custom.portal).toJSON().Outputs.PortalUrl.Value).toBe('https://portal.example.cn/');
    // portalOrigin defaults to the same origin, allowed once; nothing is imported from the portal stack.
    Template.fromStack(custom.stateless).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://portal.example.cn'] }),
    });
    Template.fromStack(custom.stateful).hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://portal.example.cn'] })] },
    });
    expect(custom.stateful.dependencies).not.toContain(custom.portal);
  });

  it('passes cdk-nag with a custom domain too (no acknowledgement of an old TLS minimum then)', () => {
    const custom = buildCycleApp({ ...NO_BUNDLING, ...DOMAIN });
    const cloud = custom.app.synth(); // throws on any unacknowledged finding
    rmSync(cloud.directory, { recursive: true, force: true });
    const acks = custom.portal.distribution.node.metadata.flatMap((m) => Object.keys((m.data ?? {}) as object));
    expect(acks.join(' ')).not.toContain('CFR4');
  });
});

describe('a synth that will be deployed needs the built portal', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portal-build-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const contentStack = (siteDir: string, context: Record<string, unknown> = {}) =>
    new PortalContentStack(new App({ context }), 'dev-PortalContent', {
      bucketName: 'portal-bucket',
      siteDir,
      runtimeConfig: { apiUrl: 'https://api.example/', userPoolId: 'us-east-1_x', clientId: 'c' },
      logRetention: 365,
    });

  it('fails with what to run when web/dist has no index.html', () => {
    expect(() => contentStack(join(dir, 'missing'))).toThrow(/the portal is not built .*index\.html.*Run `npm run web:build`/);
  });

  it('deploys the folder when it is built, and a placeholder when bundling is skipped (tests, the twin)', () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/index-abc.js"></script>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    const keysOf = (stack: PortalContentStack) =>
      (Object.values(Template.fromStack(stack).findResources('Custom::CDKBucketDeployment')) as Resource[]).map((r) => r.Properties.SourceObjectKeys[0]);
    const deployed = keysOf(contentStack(dir));
    const skipped = keysOf(contentStack(join(dir, 'missing'), NO_BUNDLING));
    expect(new Set(deployed).size).toBe(1); // both deployments take the same build
    expect(deployed[0]).not.toBe(skipped[0]);
  });
});

describe('the local twin', () => {
  it('reads the documents bucket, not the portal\'s, and runs none of the portal stacks\' functions', async () => {
    const assembly = await loadTwinAssembly({ context: NO_BUNDLING });
    const [documentsId] = only(Template.fromStack(built.stateful), 'AWS::S3::Bucket');
    expect(assembly.bucket.name).toBe(documentsId.toLowerCase());
    expect(assembly.functions.every((f) => f.handlerFile.startsWith('functions/'))).toBe(true);
    // The API's and the bucket's CORS import the distribution's origin: the twin resolves it to a placeholder.
    const [distributionId] = only(portal, 'AWS::CloudFront::Distribution');
    const origins = [`https://${distributionId.toLowerCase()}.cloudfront.net`, 'http://localhost:5173'];
    expect(assembly.bucket.cors[0].allowedOrigins).toEqual(origins);
    expect(assembly.api?.cors?.allowOrigins).toEqual(origins);
  });
});
