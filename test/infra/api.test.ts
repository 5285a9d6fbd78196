/**
 * The portal's identity (Cognito, stateful stack) and HTTP API (stateless stack), checked on the synthesized
 * templates with Template + Match: one route per ROUTES entry with its authorizer and function, the JWT
 * authorizer's issuer and audience, stage throttling and access logs, CORS from config, and what each API
 * function may do to the documents bucket and the UnitCycle executions. Bundling and cdk-nag are skipped
 * here (stacks.test.ts runs cdk-nag on the same app).
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes';
import { buildCycleApp, type CycleApp } from '../../infra/app';
import { ACCESS_LOG_FIELDS } from '../../infra/constructs/http-api';
import { API_FUNCTIONS } from '../../infra/stacks/stateless-stack';
import { loadTwinAssembly, type TwinAssembly } from '../../local/assembly';

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, unknown> };
type Intrinsic = string | { [key: string]: unknown };

let built: CycleApp;
let stateful: Template;
let stateless: Template;
let assembly: TwinAssembly;

beforeAll(async () => {
  // Prepare
  built = buildCycleApp(NO_BUNDLING, { validate: false });
  stateful = Template.fromStack(built.stateful);
  stateless = Template.fromStack(built.stateless);
  assembly = await loadTwinAssembly({ context: NO_BUNDLING });
});

const resources = (t: Template, type: string) =>
  Object.entries(t.findResources(type)) as Array<[string, Resource]>;
const onlyId = (t: Template, type: string) => {
  const found = resources(t, type);
  expect(found, type).toHaveLength(1);
  return found[0][0];
};

/** The logical id of the function whose handler is functions/<name>/handler.ts. */
function functionId(name: string): string {
  const found = resources(stateless, 'AWS::Lambda::Function').filter(([, r]) => r.Metadata?.['local:handler'] === `functions/${name}/handler.ts`);
  expect(found, name).toHaveLength(1);
  return found[0][0];
}

/**
 * The deployed portal's origin as the stateful and stateless stacks import it: `https://` and the export of
 * the portal stack's distribution DomainName (CloudFront names it at deploy time).
 */
function portalOrigin(): unknown {
  const portal = Template.fromStack(built.portal).toJSON();
  const distributionId = Object.keys(Template.fromStack(built.portal).findResources('AWS::CloudFront::Distribution'))[0];
  const outputs = portal.Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>;
  const output = Object.values(outputs).find(
    (o) => o.Export && JSON.stringify(o.Value) === JSON.stringify({ 'Fn::GetAtt': [distributionId, 'DomainName'] }),
  );
  expect(output, 'the export of the distribution\'s domain name').toBeDefined();
  return { 'Fn::Join': ['', ['https://', { 'Fn::ImportValue': output!.Export!.Name }]] };
}

/** What a stateless-stack import stands for: the stateful stack's output value it imports. */
function imported(value: unknown): unknown {
  const name = (value as { 'Fn::ImportValue': string })['Fn::ImportValue'];
  const outputs = stateful.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>;
  const output = Object.values(outputs).find((o) => o.Export?.Name === name);
  expect(output, `export ${name}`).toBeDefined();
  return output!.Value;
}

/** A policy resource as one string, imports replaced by what they import: `arn:<AWS::Partition>:s3:::<DocumentsBucket…>/incoming/*`. */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, Intrinsic[]];
    return parts.map(flat).join(sep);
  }
  if ('Fn::ImportValue' in v) return flat(imported(v));
  if ('Ref' in v) return `<${v.Ref as string}>`;
  if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  throw new Error(`unexpected intrinsic ${JSON.stringify(v)}`);
}

/** action -> resources granted to one function (every statement of every policy on its role). */
function grantsOf(name: string): Map<string, string[]> {
  const role = stateless.toJSON().Resources[functionId(name)].Properties.Role['Fn::GetAtt'][0] as string;
  const out = new Map<string, string[]>();
  for (const [, policy] of resources(stateless, 'AWS::IAM::Policy')) {
    if (!(policy.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === role)) continue;
    for (const st of policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Effect: string }>) {
      expect(st.Effect).toBe('Allow');
      for (const action of [st.Action].flat()) out.set(action, [...(out.get(action) ?? []), ...[st.Resource].flat().map(flat)].sort());
    }
  }
  return out;
}

describe('identity: the user pool (stateful stack)', () => {
  it('lets only the operator create users; sign-in by username; a strong password policy; email recovery; RETAIN', () => {
    stateful.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
        Policies: {
          PasswordPolicy: {
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
            TemporaryPasswordValidityDays: 3,
          },
        },
        // No alias: the username itself (`city`, `yanping`) is the sign-in name.
        UsernameAttributes: Match.absent(),
        AliasAttributes: Match.absent(),
        UsernameConfiguration: { CaseSensitive: false },
        Schema: [{ Name: 'email', Required: true, Mutable: true }],
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        DeletionProtection: 'ACTIVE',
        UserPoolTier: 'ESSENTIALS',
      }),
    });
  });

  it('sends a bilingual invitation that carries the username and the temporary password', () => {
    const [, pool] = resources(stateful, 'AWS::Cognito::UserPool')[0];
    const { InviteMessageTemplate: invite } = pool.Properties.AdminCreateUserConfig;
    expect(invite.EmailMessage).toContain('{username}');
    expect(invite.EmailMessage).toContain('{####}');
    expect(invite.EmailSubject).toMatch(/账号.*account/);
  });

  it('has one portal client: no secret, password and SRP sign-in, 1 h tokens, no OAuth, no user-existence leaks', () => {
    const poolId = onlyId(stateful, 'AWS::Cognito::UserPool');
    onlyId(stateful, 'AWS::Cognito::UserPoolClient');
    stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: poolId },
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      TokenValidityUnits: Match.objectLike({ AccessToken: 'minutes', IdToken: 'minutes' }),
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AllowedOAuthFlowsUserPoolClient: false,
      AllowedOAuthFlows: Match.absent(),
      CallbackURLs: Match.absent(),
    });
  });

  it('creates the city-office group and no other (unit groups are the operator\'s, per plan)', () => {
    const poolId = onlyId(stateful, 'AWS::Cognito::UserPool');
    onlyId(stateful, 'AWS::Cognito::UserPoolGroup');
    stateful.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'city-office', UserPoolId: { Ref: poolId } });
  });

  it('outputs the pool id, the client id and the issuer URL', () => {
    const poolId = onlyId(stateful, 'AWS::Cognito::UserPool');
    const clientId = onlyId(stateful, 'AWS::Cognito::UserPoolClient');
    stateful.hasOutput('UserPoolId', { Value: { Ref: poolId } });
    stateful.hasOutput('UserPoolClientId', { Value: { Ref: clientId } });
    const issuer = stateful.toJSON().Outputs.Issuer.Value;
    expect(flat(issuer)).toBe(`https://cognito-idp.<AWS::Region>.amazonaws.com/<${poolId}>`);
  });
});

describe('documents bucket: upload lifecycle and browser uploads', () => {
  it('expires unchecked uploads under incoming/ after 2 days and never expires anything under documents/', () => {
    const [, bucket] = resources(stateful, 'AWS::S3::Bucket')[0];
    const rules = bucket.Properties.LifecycleConfiguration.Rules as Array<Record<string, any>>;
    expect(rules.every((r) => r.Prefix === 'incoming/' && r.Status === 'Enabled')).toBe(true);
    expect(rules).toContainEqual(expect.objectContaining({ ExpirationInDays: 2, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }));
  });

  it('allows browser POSTs from the deployed portal\'s origin and portalOrigin only', () => {
    const [, bucket] = resources(stateful, 'AWS::S3::Bucket')[0];
    expect(bucket.Properties.CorsConfiguration.CorsRules).toEqual([
      { AllowedMethods: ['POST'], AllowedOrigins: [portalOrigin(), 'http://localhost:5173'], MaxAge: 3600 },
    ]);
  });
});

describe('HTTP API: routes from the route table', () => {
  it('declares needs for exactly the functions ROUTES names', () => {
    expect(Object.keys(API_FUNCTIONS).sort()).toEqual([...new Set(ROUTES.map((r) => r.function))].sort());
  });

  it('has one route per ROUTES entry, JWT unless public, integrated with payload 2.0 to that entry\'s function', () => {
    const apiId = onlyId(stateless, 'AWS::ApiGatewayV2::Api');
    const authorizerId = onlyId(stateless, 'AWS::ApiGatewayV2::Authorizer');
    const routes = resources(stateless, 'AWS::ApiGatewayV2::Route');
    const integrations = Object.fromEntries(resources(stateless, 'AWS::ApiGatewayV2::Integration'));
    expect(routes).toHaveLength(ROUTES.length);
    for (const entry of ROUTES) {
      const key = `${entry.method} ${entry.path}`;
      const matching = routes.filter(([, r]) => r.Properties.RouteKey === key);
      expect(matching, key).toHaveLength(1);
      const route = matching[0][1].Properties;
      expect(route.ApiId, key).toEqual({ Ref: apiId });
      if (entry.access === 'public') {
        expect(route.AuthorizationType, key).toBe('NONE');
        expect(route.AuthorizerId, key).toBeUndefined();
      } else {
        expect(route.AuthorizationType, key).toBe('JWT');
        expect(route.AuthorizerId, key).toEqual({ Ref: authorizerId });
      }
      expect(route.Target['Fn::Join'][1][0], key).toBe('integrations/');
      const integration = integrations[route.Target['Fn::Join'][1][1].Ref as string];
      expect(integration?.Properties, key).toEqual({
        ApiId: { Ref: apiId },
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: { 'Fn::GetAtt': [functionId(entry.function), 'Arn'] },
        PayloadFormatVersion: '2.0',
      });
    }
  });

  it('lets API Gateway invoke each route\'s function for that route\'s path only', () => {
    for (const entry of ROUTES) {
      // Any stage and method, this route's path as written (API Gateway names the route's path template, not the request's).
      stateless.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [functionId(entry.function), 'Arn'] },
        SourceArn: { 'Fn::Join': ['', Match.arrayWith([`/*/*${entry.path}`])] },
      });
    }
  });

  it('accepts only the user pool\'s tokens for the portal client, from the Authorization header', () => {
    const poolId = onlyId(stateful, 'AWS::Cognito::UserPool');
    const clientId = onlyId(stateful, 'AWS::Cognito::UserPoolClient');
    const [, authorizer] = resources(stateless, 'AWS::ApiGatewayV2::Authorizer')[0];
    expect(authorizer.Properties).toMatchObject({ AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] });
    const { Issuer, Audience } = authorizer.Properties.JwtConfiguration;
    expect(flat(Issuer)).toBe(`https://cognito-idp.<AWS::Region>.amazonaws.com/<${poolId}>`);
    // The same issuer the stateful stack outputs.
    expect(flat(Issuer)).toBe(flat(stateful.toJSON().Outputs.Issuer.Value));
    expect(Audience.map(flat)).toEqual([`<${clientId}>`]);
  });

  it('the twin reads the same: each function\'s environment resolves, DOCUMENTS_BUCKET is the one bucket', () => {
    for (const name of ['create-upload', 'check-upload', 'get-submission-version']) {
      const fn = assembly.functions.find((f) => f.handlerFile === `functions/${name}/handler.ts`)!;
      expect(fn.environment.DOCUMENTS_BUCKET, name).toBe(assembly.bucket.name);
    }
    const me = assembly.functions.find((f) => f.handlerFile === 'functions/get-me/handler.ts')!;
    expect(Object.keys(me.environment).sort()).toEqual(['LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME']);
  });
});

describe('HTTP API: stage, logs and CORS', () => {
  it('deploys the $default stage itself, throttled at 50 rps with bursts of 100 by default', () => {
    const apiId = onlyId(stateless, 'AWS::ApiGatewayV2::Api');
    onlyId(stateless, 'AWS::ApiGatewayV2::Stage');
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: apiId },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('writes one JSON access log line per request to its own log group: request facts, no headers, no bodies', () => {
    const [, stage] = resources(stateless, 'AWS::ApiGatewayV2::Stage')[0];
    const { DestinationArn, Format } = stage.Properties.AccessLogSettings;
    const logGroupId = DestinationArn['Fn::GetAtt'][0] as string;
    expect(stateless.toJSON().Resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } });
    const fields = JSON.parse(Format) as Record<string, string>;
    expect(fields).toEqual(ACCESS_LOG_FIELDS);
    expect(fields).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      ip: '$context.identity.sourceIp',
      latency: '$context.responseLatency',
      userAgent: '$context.identity.userAgent',
    });
    for (const variable of Object.values(fields)) expect(variable).not.toMatch(/header|body|\$input|\$request|claims/i);
  });

  it('allows CORS from the deployed portal\'s origin and portalOrigin only, for the portal\'s methods and headers, without credentials', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: [portalOrigin(), 'http://localhost:5173'],
        AllowMethods: ['GET', 'POST', 'PUT', 'OPTIONS'],
        AllowHeaders: ['Authorization', 'Content-Type', 'Accept-Language', 'Idempotency-Key'],
        ExposeHeaders: ['idempotent-replayed'],
        MaxAge: 3600,
        AllowCredentials: false,
      },
    });
  });

  it('takes the portal origin and the throttle from context, for the API and the bucket alike', () => {
    const other = buildCycleApp(
      { ...NO_BUNDLING, portalOrigin: 'https://portal.example.cn', apiRateLimit: '20', apiBurstLimit: '40' },
      { validate: false },
    );
    const api = Template.fromStack(other.stateless);
    // Beside the deployed portal's own origin (first).
    const origins = [Match.objectLike({ 'Fn::Join': Match.anyValue() }), 'https://portal.example.cn'];
    api.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.objectLike({ AllowOrigins: origins }) });
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 } });
    Template.fromStack(other.stateful).hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: origins })] },
    });
  });

  it('outputs the API URL', () => {
    const apiId = onlyId(stateless, 'AWS::ApiGatewayV2::Api');
    expect(flat(stateless.toJSON().Outputs.ApiUrl.Value)).toBe(`https://<${apiId}>.execute-api.<AWS::Region>.<AWS::URLSuffix>/`);
  });
});

describe('HTTP API functions: least privilege on documents and executions', () => {
  const bucket = () => `<${onlyId(stateful, 'AWS::S3::Bucket')}>`;
  const objects = (prefix: string) => `arn:<AWS::Partition>:s3:::${bucket()}/${prefix}*`;

  it('lets create-upload put under incoming/ only (its presigned POST can do no more)', () => {
    const grants = grantsOf('create-upload');
    expect(grants.get('s3:PutObject')).toEqual([objects('incoming/')]);
    expect([...grants.keys()].filter((a) => a.startsWith('s3:'))).toEqual(['s3:PutObject']);
  });

  it('lets check-upload read incoming/ and documents/ and write documents/ only', () => {
    const grants = grantsOf('check-upload');
    expect(grants.get('s3:GetObject')).toEqual([objects('documents/'), objects('incoming/')]);
    expect(grants.get('s3:PutObject')).toEqual([objects('documents/')]);
    expect([...grants.keys()].filter((a) => a.startsWith('s3:')).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
  });

  it('lets get-submission-version read documents/ only', () => {
    const grants = grantsOf('get-submission-version');
    expect(grants.get('s3:GetObject')).toEqual([objects('documents/')]);
    expect([...grants.keys()].filter((a) => a.startsWith('s3:'))).toEqual(['s3:GetObject']);
  });

  it('gives no API function anything bucket-wide', () => {
    for (const name of Object.keys(API_FUNCTIONS)) {
      for (const [action, arns] of grantsOf(name)) {
        if (action.startsWith('s3:')) for (const arn of arns) expect(arn, name).toMatch(/\/(incoming|documents)\/\*$/);
      }
    }
  });

  it('lets grant-extension start the UnitCycle machine and stop or describe its executions, no other machine\'s', () => {
    const grants = grantsOf('grant-extension');
    const prefix = 'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>';
    expect(grants.get('states:StartExecution')).toEqual([`${prefix}:stateMachine:dev-UnitCycle`]);
    expect(grants.get('states:StopExecution')).toEqual([`${prefix}:execution:dev-UnitCycle:*`]);
    expect(grants.get('states:DescribeExecution')).toEqual([`${prefix}:execution:dev-UnitCycle:*`]);
    const env = assembly.functions.find((f) => f.handlerFile === 'functions/grant-extension/handler.ts')!.environment;
    expect(env.UNIT_STATE_MACHINE_ARN).toBe(assembly.stateMachines.find((s) => s.name === 'dev-UnitCycle')!.arn);
  });

  it('lets submit-deliverable and decide-review answer UnitCycle callback tasks', () => {
    for (const name of ['submit-deliverable', 'decide-review']) {
      expect(grantsOf(name).get('states:SendTaskSuccess'), name).toEqual([
        'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:dev-UnitCycle',
      ]);
    }
  });
});
