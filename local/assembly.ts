/**
 * The twin's view of the real app: synthesizes infra/app.ts in-process (bundling skipped) and reads the
 * templates. The state machine definitions the twin runs are the synthesized ones, with every
 * intrinsic function resolved to placeholder names; nothing here is a hand-written copy.
 *
 * Stacks tagged `component: portal` (PORTAL_TAG: the portal's bucket, distribution and file deployment) are
 * not read: the twin serves the built portal itself (api/portal.ts). Their exports still resolve, since the
 * API's and the documents bucket's CORS name the distribution's origin. So the documents bucket is the one
 * S3 bucket of the stacks the twin serves.
 *
 * Resolution rules (partition `aws`, region/account from the options):
 * - a Lambda function: Ref = its FunctionName or logical id; Arn = arn:aws:lambda:REGION:ACCOUNT:function:<that>
 * - a state machine: Ref/Arn = arn:aws:states:REGION:ACCOUNT:stateMachine:<StateMachineName>
 * - the table: Ref = TableName or logical id; the bucket: Ref = BucketName or the logical id in lower case
 *   (S3 names are lower case); log groups, roles: by name or logical id
 * - Fn::ImportValue: the exporting stack's output, resolved in that stack
 * - a Cognito user pool: Ref = `REGION_<logical id>` (the shape of a pool id); its issuer is then
 *   `https://cognito-idp.REGION.amazonaws.com/REGION_<logical id>`, which the twin maps to its local issuer;
 *   a user pool client: Ref = its logical id in lower case (the client id)
 * - an HTTP API: Ref = its logical id in lower case (the api id); its integrations, authorizers, routes and
 *   stages: Ref = their logical ids (a route's Target `integrations/<Ref>` finds its integration that way)
 * - a CloudFront distribution: DomainName = `<logical id in lower case>.cloudfront.net`
 * Any other Fn::GetAtt throws, so a new kind of reference fails here loudly instead of reaching a handler.
 */
import { rmSync } from 'node:fs';
import { buildApp } from '../infra/app';
import { HANDLER_METADATA_KEY } from '../infra/constructs/app-function';
import { PORTAL_TAG } from '../infra/stacks/portal-stack';
import type { TableSpec } from '../core/adapters/dynamodb/table';
import type { PolicyDocument } from './gate/policy';

export interface TwinStateMachine {
  logicalId: string;
  name: string;
  arn: string;
  /** The Amazon States Language definition, every reference resolved. */
  definition: Record<string, unknown>;
}

export interface TwinFunction {
  logicalId: string;
  arn: string;
  /** Repo-relative handler entry, e.g. `functions/send-unit-notice/handler.ts`. */
  handlerFile: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  /** MemorySize (Lambda's default 128). */
  memoryMb: number;
  /** Its execution role and every policy attached to it, resolved (the twin's gate evaluates them). */
  role: TwinRole;
}

export interface TwinRole {
  logicalId: string;
  /** RoleName, or the logical id (the placeholder name). */
  name: string;
  arn: string;
  /** Identity policies: the role's inline Policies and each AWS::IAM::Policy attached to it. */
  policies: PolicyDocument[];
}

/** The table as CreateTable wants it (CloudFormation's own PascalCase fields), plus plain aliases. */
export interface TwinTable extends TableSpec {
  name: string;
  keySchema: TableSpec['KeySchema'];
  attributeDefinitions: TableSpec['AttributeDefinitions'];
  globalSecondaryIndexes: NonNullable<TableSpec['GlobalSecondaryIndexes']>;
  ttlAttribute: string | undefined;
}

/** A route's JWT authorizer, as API Gateway is configured with it. */
export interface TwinRouteAuth {
  authorizerLogicalId: string;
  /** As on AWS: `https://cognito-idp.REGION.amazonaws.com/<pool id>` for the app's user pool. */
  issuer: string;
  /** The client ids a token's `aud` (or, without `aud`, its `client_id`) must be one of. */
  audience: string[];
  /** Where the token is read, e.g. `$request.header.Authorization`. */
  identitySource: string[];
  /** The route's AuthorizationScopes (empty: any valid token). */
  scopes: string[];
}

export interface TwinRoute {
  /** `GET /cycles/{cycleId}/units/{unitId}`, `ANY /x` or `$default`. */
  routeKey: string;
  /** `GET`, `POST`, ..., `ANY`, or `$default`. */
  method: string;
  /** The path with `{param}` placeholders (empty for `$default`). */
  path: string;
  auth: TwinRouteAuth | null;
  function: TwinFunction;
  /** The integration's TimeoutInMillis (API Gateway's default 30 s). */
  integrationTimeoutMs: number;
}

/** The HTTP API's CorsConfiguration (API Gateway answers preflights and adds the headers itself). */
export interface TwinCors {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number | undefined;
  allowCredentials: boolean;
}

/** The stage's DefaultRouteSettings: each route gets a token bucket of this rate and burst. */
export interface TwinThrottle {
  rateLimit: number;
  burstLimit: number;
}

export interface TwinUserPool {
  logicalId: string;
  /** Placeholder pool id, `REGION_<logical id>`. */
  id: string;
  /** The client the API's authorizer accepts (placeholder: its logical id in lower case). */
  clientId: string;
  /** Every client of the pool. */
  clientIds: string[];
  /** The client's ExplicitAuthFlows (undefined: Cognito's defaults). */
  clientAuthFlows: string[] | undefined;
  /** The pool's groups as the template defines them (GroupName). */
  groups: string[];
  /** Policies.PasswordPolicy as the template states it; undefined: Cognito's default. */
  passwordPolicy: { minimumLength: number; requireLowercase: boolean; requireUppercase: boolean; requireNumbers: boolean; requireSymbols: boolean } | undefined;
}

/** One CORS rule of the documents bucket (CorsConfiguration.CorsRules): the browser posts uploads across origins. */
export interface TwinBucketCorsRule {
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  maxAge: number | undefined;
}

export interface TwinApi {
  logicalId: string;
  /** Placeholder api id (the logical id in lower case). */
  id: string;
  routes: TwinRoute[];
  cors: TwinCors | null;
  /** null: no DefaultRouteSettings throttle (the account's limits apply on AWS). */
  throttle: TwinThrottle | null;
  userPool: TwinUserPool | null;
}

export interface TwinAssembly {
  stateMachines: TwinStateMachine[];
  functions: TwinFunction[];
  table: TwinTable;
  bucket: { name: string; cors: TwinBucketCorsRule[] };
  /** The HTTP API, when the app defines one. */
  api: TwinApi | undefined;
}

export interface LoadTwinAssemblyOptions {
  /** @default 'us-east-1' */
  region?: string;
  /** @default '000000000000' */
  accountId?: string;
  /** Extra CDK context (e.g. `{ stage: 'local' }`); bundling is always skipped. */
  context?: Record<string, unknown>;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}
export interface StackTemplate {
  stackName: string;
  template: CfnTemplate;
  /** The stack's tags (the cloud assembly's); `component: portal` marks a stack the twin does not read. */
  tags?: Record<string, string>;
}

export async function loadTwinAssembly(opts: LoadTwinAssemblyOptions = {}): Promise<TwinAssembly> {
  const app = buildApp({ ...opts.context, 'aws:cdk:bundling-stacks': [] }, { validate: false });
  const cloud = app.synth();
  const stacks: StackTemplate[] = cloud.stacks.map((s) => ({ stackName: s.stackName, template: s.template as CfnTemplate, tags: s.tags }));
  try {
    return readAssembly(stacks, { region: opts.region ?? 'us-east-1', accountId: opts.accountId ?? '000000000000' });
  } finally {
    rmSync(cloud.directory, { recursive: true, force: true });
  }
}

/** Reads the twin's view from synthesized templates (exported for tests that bring their own templates). */
export function readAssembly(stacks: StackTemplate[], env: { region: string; accountId: string }): TwinAssembly {
  const r = new Resolver(stacks, env);
  const stateMachines: TwinStateMachine[] = [];
  const functions: TwinFunction[] = [];
  const tables: TwinTable[] = [];
  const buckets: Array<{ name: string; cors: TwinBucketCorsRule[] }> = [];
  const apiResources: ApiResource[] = [];

  for (const stack of stacks.filter(servedByTwin)) {
    for (const [logicalId, res] of Object.entries(stack.template.Resources ?? {})) {
      const props = res.Properties ?? {};
      switch (res.Type) {
        case 'AWS::StepFunctions::StateMachine': {
          const text = r.resolve(props.DefinitionString, stack);
          if (typeof text !== 'string') throw new Error(`${logicalId}: DefinitionString did not resolve to a string`);
          stateMachines.push({
            logicalId,
            name: r.stateMachineName(logicalId, stack),
            arn: r.attribute(logicalId, 'Arn', stack),
            definition: JSON.parse(text) as Record<string, unknown>,
          });
          break;
        }
        case 'AWS::Lambda::Function': {
          const handlerFile = res.Metadata?.[HANDLER_METADATA_KEY];
          // Functions CDK adds for itself (custom resources) have no handler file: the twin does not run them.
          if (typeof handlerFile !== 'string') break;
          const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<
            string,
            unknown
          >;
          const environment: Record<string, string> = {};
          for (const [k, v] of Object.entries(variables)) environment[k] = String(r.resolve(v, stack));
          const roleRef = props.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
          // A role from outside the template has no policies the twin can read: it then allows nothing.
          const roleId = roleRef?.['Fn::GetAtt']?.[0];
          functions.push({
            logicalId,
            arn: r.attribute(logicalId, 'Arn', stack),
            handlerFile,
            environment,
            timeoutSeconds: typeof props.Timeout === 'number' ? props.Timeout : 3,
            memoryMb: typeof props.MemorySize === 'number' ? props.MemorySize : 128,
            role: roleId
              ? { logicalId: roleId, name: r.ref(roleId, stack), arn: r.attribute(roleId, 'Arn', stack), policies: rolePolicies(roleId, stack, r) }
              : { logicalId: '', name: `${logicalId}Role`, arn: `arn:aws:iam::${env.accountId}:role/${logicalId}Role`, policies: [] },
          });
          break;
        }
        case 'AWS::DynamoDB::Table': {
          const spec = r.resolve(
            {
              KeySchema: props.KeySchema,
              AttributeDefinitions: props.AttributeDefinitions,
              GlobalSecondaryIndexes: props.GlobalSecondaryIndexes ?? [],
              TimeToLiveSpecification: props.TimeToLiveSpecification,
            },
            stack,
          ) as Required<TableSpec>;
          tables.push({
            ...spec,
            name: r.ref(logicalId, stack),
            keySchema: spec.KeySchema,
            attributeDefinitions: spec.AttributeDefinitions,
            globalSecondaryIndexes: spec.GlobalSecondaryIndexes,
            ttlAttribute: spec.TimeToLiveSpecification?.Enabled ? spec.TimeToLiveSpecification.AttributeName : undefined,
          });
          break;
        }
        case 'AWS::S3::Bucket':
          buckets.push({ name: r.ref(logicalId, stack), cors: bucketCors(r.resolve(props.CorsConfiguration, stack)) });
          break;
        default:
          if (res.Type.startsWith('AWS::ApiGatewayV2::') || res.Type.startsWith('AWS::Cognito::UserPool')) {
            apiResources.push({ logicalId, res, stack });
          }
      }
    }
  }
  if (tables.length !== 1) throw new Error(`expected one DynamoDB table in the app, found ${tables.length}`);
  if (buckets.length !== 1) {
    throw new Error(`expected one S3 bucket (the documents bucket) in the stacks the twin serves, found ${buckets.length}`);
  }
  return { stateMachines, functions, table: tables[0], bucket: buckets[0], api: readApi(apiResources, functions, r) };
}

/** Every stack but the portal's delivery (PORTAL_TAG): the twin serves web/dist itself. */
const servedByTwin = (stack: StackTemplate): boolean => stack.tags?.[PORTAL_TAG.key] !== PORTAL_TAG.value;

/** The identity policies of a role: inline ones and every AWS::IAM::Policy of the same stack naming it. */
function rolePolicies(roleId: string, stack: StackTemplate, r: Resolver): PolicyDocument[] {
  const resources = stack.template.Resources ?? {};
  const inline = ((resources[roleId]?.Properties?.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []).map((p) => p.PolicyDocument);
  const attached = Object.values(resources)
    .filter((res) => res.Type === 'AWS::IAM::Policy')
    .filter((res) => ((res.Properties?.Roles as unknown[] | undefined) ?? []).some((role) => (role as { Ref?: string }).Ref === roleId))
    .map((res) => res.Properties?.PolicyDocument);
  if (((resources[roleId]?.Properties?.ManagedPolicyArns as unknown[] | undefined) ?? []).length > 0) {
    throw new Error(`${roleId}: managed policies are not evaluated by the twin; grant through the bind helpers`);
  }
  return [...inline, ...attached].map((doc) => r.resolve(doc, stack) as PolicyDocument);
}

interface ApiResource {
  logicalId: string;
  res: CfnResource;
  stack: StackTemplate;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/**
 * The HTTP API as API Gateway runs it: routes (each with its integration's function and its authorizer),
 * the API's CORS configuration, the `$default` stage's throttle, and the Cognito pool behind the authorizer.
 * Routes are read from the template, so they follow functions/routes.ts through the CDK app.
 */
function readApi(resources: ApiResource[], functions: TwinFunction[], r: Resolver): TwinApi | undefined {
  const ofType = (type: string) => resources.filter((x) => x.res.Type === `AWS::ApiGatewayV2::${type}` || x.res.Type === `AWS::Cognito::${type}`);
  const props = (x: ApiResource) => x.res.Properties ?? {};
  const apis = ofType('Api');
  if (apis.length === 0) return undefined;
  if (apis.length > 1) throw new Error(`expected at most one HTTP API in the app, found ${apis.length}`);
  const api = apis[0];
  if (props(api).ProtocolType !== 'HTTP') throw new Error(`${api.logicalId}: the twin serves HTTP APIs only (ProtocolType ${String(props(api).ProtocolType)})`);
  const apiId = r.ref(api.logicalId, api.stack);
  const belongs = (x: ApiResource) => r.resolve(props(x).ApiId, x.stack) === apiId;

  const byArn = new Map(functions.map((f) => [f.arn, f]));
  const integrations = new Map<string, { function: TwinFunction; timeoutMs: number }>();
  for (const x of ofType('Integration').filter(belongs)) {
    const p = props(x);
    if (p.IntegrationType !== 'AWS_PROXY') throw new Error(`${x.logicalId}: only Lambda proxy integrations are served (IntegrationType ${String(p.IntegrationType)})`);
    if (p.PayloadFormatVersion !== '2.0') throw new Error(`${x.logicalId}: only payload format 2.0 is served (got ${String(p.PayloadFormatVersion)})`);
    const uri = String(r.resolve(p.IntegrationUri, x.stack));
    // A function ARN, or the older `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/<arn>/invocations`.
    const arn = /functions\/(arn:[^/]+)\/invocations$/.exec(uri)?.[1] ?? uri;
    const fn = byArn.get(arn);
    if (!fn) throw new Error(`${x.logicalId}: integration ${uri} is not a function with a handler file (metadata local:handler)`);
    integrations.set(r.ref(x.logicalId, x.stack), { function: fn, timeoutMs: typeof p.TimeoutInMillis === 'number' ? p.TimeoutInMillis : 30_000 });
  }

  const authorizers = new Map<string, Omit<TwinRouteAuth, 'scopes'>>();
  for (const x of ofType('Authorizer').filter(belongs)) {
    const p = props(x);
    if (p.AuthorizerType !== 'JWT') throw new Error(`${x.logicalId}: only JWT authorizers are served (AuthorizerType ${String(p.AuthorizerType)})`);
    const jwt = r.resolve(p.JwtConfiguration, x.stack) as { Issuer?: unknown; Audience?: unknown };
    authorizers.set(r.ref(x.logicalId, x.stack), {
      authorizerLogicalId: x.logicalId,
      issuer: String(jwt.Issuer),
      audience: strings(jwt.Audience),
      identitySource: strings(r.resolve(p.IdentitySource, x.stack)),
    });
  }

  const routes: TwinRoute[] = [];
  for (const x of ofType('Route').filter(belongs)) {
    const p = props(x);
    const routeKey = String(r.resolve(p.RouteKey, x.stack));
    const target = String(r.resolve(p.Target, x.stack));
    const integration = integrations.get(target.replace(/^integrations\//, ''));
    if (!integration) throw new Error(`${x.logicalId} (${routeKey}): target ${target} is not an integration of the API`);
    const type = p.AuthorizationType ?? 'NONE';
    let auth: TwinRouteAuth | null = null;
    if (type === 'JWT') {
      const authorizer = authorizers.get(String(r.resolve(p.AuthorizerId, x.stack)));
      if (!authorizer) throw new Error(`${x.logicalId} (${routeKey}): its JWT authorizer is not in the template`);
      auth = { ...authorizer, scopes: strings(r.resolve(p.AuthorizationScopes, x.stack)) };
    } else if (type !== 'NONE') {
      throw new Error(`${x.logicalId} (${routeKey}): AuthorizationType ${String(type)} is not served by the twin`);
    }
    const [method, path = ''] = routeKey === '$default' ? ['$default'] : routeKey.split(' ');
    routes.push({ routeKey, method, path, auth, function: integration.function, integrationTimeoutMs: integration.timeoutMs });
  }

  const cfg = r.resolve(props(api).CorsConfiguration, api.stack) as Record<string, unknown> | undefined;
  const cors: TwinCors | null = cfg
    ? {
        allowOrigins: strings(cfg.AllowOrigins),
        allowMethods: strings(cfg.AllowMethods),
        allowHeaders: strings(cfg.AllowHeaders),
        exposeHeaders: strings(cfg.ExposeHeaders),
        maxAge: typeof cfg.MaxAge === 'number' ? cfg.MaxAge : undefined,
        allowCredentials: cfg.AllowCredentials === true,
      }
    : null;

  // The `$default` stage serves the API at its root (the twin has no stage path).
  const stages = ofType('Stage').filter(belongs);
  const stage = stages.find((x) => props(x).StageName === '$default') ?? stages[0];
  const settings = stage && (r.resolve(props(stage).DefaultRouteSettings, stage.stack) as Record<string, unknown> | undefined);
  const throttle: TwinThrottle | null =
    settings && typeof settings.ThrottlingRateLimit === 'number' && typeof settings.ThrottlingBurstLimit === 'number'
      ? { rateLimit: settings.ThrottlingRateLimit, burstLimit: settings.ThrottlingBurstLimit }
      : null;

  return { logicalId: api.logicalId, id: apiId, routes, cors, throttle, userPool: readUserPool(resources, routes, r) };
}

/** The user pool whose client the API's authorizer accepts (or the only pool), its client and its groups. */
function readUserPool(resources: ApiResource[], routes: TwinRoute[], r: Resolver): TwinUserPool | null {
  const pools = resources.filter((x) => x.res.Type === 'AWS::Cognito::UserPool');
  if (pools.length === 0) return null;
  const audience = new Set(routes.flatMap((route) => route.auth?.audience ?? []));
  const clients = resources
    .filter((x) => x.res.Type === 'AWS::Cognito::UserPoolClient')
    .map((x) => ({ x, id: r.ref(x.logicalId, x.stack), poolId: String(r.resolve(x.res.Properties?.UserPoolId, x.stack)) }));
  const accepted = clients.find((c) => audience.has(c.id));
  const pool = accepted ? pools.find((p) => r.ref(p.logicalId, p.stack) === accepted.poolId) : pools.length === 1 ? pools[0] : undefined;
  if (!pool) throw new Error(`cannot tell which of ${pools.length} user pools is behind the API's authorizer`);
  const poolId = r.ref(pool.logicalId, pool.stack);
  const own = clients.filter((c) => c.poolId === poolId);
  const client = accepted ?? own[0];
  if (!client) throw new Error(`user pool ${pool.logicalId} has no client`);
  const groups = resources
    .filter((x) => x.res.Type === 'AWS::Cognito::UserPoolGroup' && String(r.resolve(x.res.Properties?.UserPoolId, x.stack)) === poolId)
    .map((x) => String(r.resolve(x.res.Properties?.GroupName, x.stack) ?? x.logicalId));
  const flows = client.x.res.Properties?.ExplicitAuthFlows;
  const policy = (r.resolve(pool.res.Properties?.Policies, pool.stack) as { PasswordPolicy?: Record<string, unknown> } | undefined)?.PasswordPolicy;
  return {
    logicalId: pool.logicalId,
    id: poolId,
    clientId: client.id,
    clientIds: own.map((c) => c.id),
    clientAuthFlows: flows === undefined ? undefined : strings(r.resolve(flows, client.x.stack)),
    groups,
    passwordPolicy: policy && {
      minimumLength: Number(policy.MinimumLength ?? 8),
      requireLowercase: policy.RequireLowercase === true,
      requireUppercase: policy.RequireUppercase === true,
      requireNumbers: policy.RequireNumbers === true,
      requireSymbols: policy.RequireSymbols === true,
    },
  };
}

function bucketCors(config: unknown): TwinBucketCorsRule[] {
  const rules = (config as { CorsRules?: Array<Record<string, unknown>> } | undefined)?.CorsRules ?? [];
  return rules.map((rule) => ({
    allowedOrigins: strings(rule.AllowedOrigins),
    allowedMethods: strings(rule.AllowedMethods),
    allowedHeaders: rule.AllowedHeaders === undefined ? [] : strings(rule.AllowedHeaders),
    maxAge: rule.MaxAge === undefined ? undefined : Number(rule.MaxAge),
  }));
}

class Resolver {
  private readonly exports = new Map<string, { value: unknown; stack: StackTemplate }>();

  constructor(
    private readonly stacks: StackTemplate[],
    private readonly env: { region: string; accountId: string },
  ) {
    for (const stack of stacks) {
      for (const output of Object.values(stack.template.Outputs ?? {})) {
        if (output.Export) this.exports.set(String(this.resolve(output.Export.Name, stack)), { value: output.Value, stack });
      }
    }
  }

  resolve(value: unknown, stack: StackTemplate): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, stack));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0];
      switch (key) {
        case 'Ref':
          return this.ref(String(arg), stack);
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.+)/);
          return this.attribute(String(id), String(attr), stack);
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown[]];
          return (this.resolve(parts, stack) as unknown[]).map(String).join(sep);
        }
        case 'Fn::Sub':
          return this.sub(arg, stack);
        case 'Fn::ImportValue': {
          const name = String(this.resolve(arg, stack));
          const exported = this.exports.get(name);
          if (!exported) throw new Error(`Fn::ImportValue ${name}: no stack exports it`);
          return this.resolve(exported.value, exported.stack);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          return (this.resolve(list, stack) as unknown[])[Number(this.resolve(index, stack))];
        }
        case 'Fn::Split': {
          const [sep, text] = arg as [string, unknown];
          return String(this.resolve(text, stack)).split(sep);
        }
        default:
          if (key.startsWith('Fn::')) throw new Error(`cannot resolve ${key} for the twin`);
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v, stack)]));
  }

  ref(id: string, stack: StackTemplate): string {
    const { region, accountId } = this.env;
    switch (id) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stack.stackName;
    }
    const res = this.resource(id, stack);
    const named = (prop: string) => {
      const v = res.Properties?.[prop];
      return v === undefined ? undefined : String(this.resolve(v, stack));
    };
    switch (res.Type) {
      case 'AWS::Lambda::Function':
        return named('FunctionName') ?? id;
      case 'AWS::StepFunctions::StateMachine':
        return this.attribute(id, 'Arn', stack);
      case 'AWS::DynamoDB::Table':
        return named('TableName') ?? id;
      case 'AWS::S3::Bucket':
        return named('BucketName') ?? id.toLowerCase();
      case 'AWS::Logs::LogGroup':
        return named('LogGroupName') ?? id;
      case 'AWS::IAM::Role':
        return named('RoleName') ?? id;
      case 'AWS::Cognito::UserPool':
        return `${region}_${id}`;
      case 'AWS::Cognito::UserPoolClient':
      case 'AWS::ApiGatewayV2::Api':
        return id.toLowerCase();
      default:
        return id;
    }
  }

  stateMachineName(id: string, stack: StackTemplate): string {
    const name = this.resource(id, stack).Properties?.StateMachineName;
    return name === undefined ? id : String(this.resolve(name, stack));
  }

  attribute(id: string, attr: string, stack: StackTemplate): string {
    const { region, accountId } = this.env;
    const res = this.resource(id, stack);
    const key = `${res.Type}.${attr}`;
    switch (key) {
      case 'AWS::Lambda::Function.Arn':
        return `arn:aws:lambda:${region}:${accountId}:function:${this.ref(id, stack)}`;
      case 'AWS::StepFunctions::StateMachine.Arn':
        return `arn:aws:states:${region}:${accountId}:stateMachine:${this.stateMachineName(id, stack)}`;
      case 'AWS::StepFunctions::StateMachine.Name':
        return this.stateMachineName(id, stack);
      case 'AWS::DynamoDB::Table.Arn':
        return `arn:aws:dynamodb:${region}:${accountId}:table/${this.ref(id, stack)}`;
      case 'AWS::S3::Bucket.Arn':
        return `arn:aws:s3:::${this.ref(id, stack)}`;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:aws:logs:${region}:${accountId}:log-group:${this.ref(id, stack)}:*`;
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${accountId}:role/${this.ref(id, stack)}`;
      case 'AWS::Cognito::UserPool.Arn':
        return `arn:aws:cognito-idp:${region}:${accountId}:userpool/${this.ref(id, stack)}`;
      case 'AWS::Cognito::UserPool.UserPoolId':
        return this.ref(id, stack);
      case 'AWS::Cognito::UserPool.ProviderName':
        return `cognito-idp.${region}.amazonaws.com/${this.ref(id, stack)}`;
      case 'AWS::Cognito::UserPool.ProviderURL':
        return `https://cognito-idp.${region}.amazonaws.com/${this.ref(id, stack)}`;
      case 'AWS::Cognito::UserPoolClient.ClientId':
        return this.ref(id, stack);
      case 'AWS::ApiGatewayV2::Api.ApiId':
        return this.ref(id, stack);
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return `https://${this.ref(id, stack)}.execute-api.${region}.amazonaws.com`;
      case 'AWS::CloudFront::Distribution.DomainName':
        return `${id.toLowerCase()}.cloudfront.net`;
      default:
        throw new Error(`cannot resolve Fn::GetAtt ${id}.${attr} (${res.Type}) for the twin`);
    }
  }

  private sub(arg: unknown, stack: StackTemplate): string {
    const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
    return text.replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
      if (name in vars) return String(this.resolve(vars[name], stack));
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::')) return this.attribute(name.slice(0, dot), name.slice(dot + 1), stack);
      return this.ref(name, stack);
    });
  }

  private resource(id: string, stack: StackTemplate): CfnResource {
    const res = stack.template.Resources?.[id];
    if (!res) throw new Error(`stack ${stack.stackName} has no resource ${id}`);
    return res;
  }
}
