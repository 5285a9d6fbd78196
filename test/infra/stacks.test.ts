/**
 * The synthesized app, checked with Template + Match: stateful guarantees, least privilege per function,
 * state machine settings, and cdk-nag (AwsSolutions) with zero unacknowledged findings.
 * Bundling is skipped (context below) so this suite needs no esbuild run.
 */
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCycleApp, type CycleApp } from '../../infra/app';
import type { Capabilities, Need } from '../../core/capabilities';
import { envNamesFor } from '../../functions/_shared/env';
import { API_FUNCTIONS, FUNCTIONS } from '../../infra/stacks/stateless-stack';
import { loadTwinAssembly, type TwinAssembly } from '../../local/assembly';
import { runYear, type World } from '../helpers/capability-scenario';
import { DOCUMENTS_FUNCTION_MEMORY_MB, DOCUMENTS_FUNCTION_TIMEOUT_SECONDS, TASK_FUNCTION_TIMEOUT_SECONDS } from '../../core/task-limits';

// The handler modules build their Lambda context at import (cold start): give them an environment.
vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'unit-test';
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.UNIT_STATE_MACHINE_ARN ??= 'arn:aws:states:us-east-1:000000000000:stateMachine:dev-UnitCycle';
  process.env.CYCLE_STATE_MACHINE_ARN ??= 'arn:aws:states:us-east-1:000000000000:stateMachine:dev-YearlyCycle';
  process.env.DOCUMENTS_BUCKET ??= 'unit-test-documents';
});

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

type PolicyStatement = { Action: string | string[]; Resource: unknown; Effect: string };
type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, unknown> };

/** Every function of the stateless stack with its declared capabilities: workflow and event functions, then the API's. */
const ALL_FUNCTIONS: Record<string, Capabilities> = { ...FUNCTIONS, ...API_FUNCTIONS };
const namesWith = (pick: (caps: Capabilities) => unknown) =>
  Object.entries(ALL_FUNCTIONS).filter(([, n]) => pick(n)).map(([name]) => name).sort();

/**
 * The IAM actions each need takes on AWS, written from the adapters' SDK commands (not from the bind
 * helpers): `needed` is what the calls are authorised against; `allowed` adds what a grant may carry
 * beside it (Failure/Heartbeat with SendTaskSuccess, SendRawEmail with SendEmail, ...).
 */
function iamOf(need: Need): { needed: string[]; allowed: string[] } {
  const [port, access, prefix] = need.split(':');
  const reads = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];
  switch (need) {
    case 'table:read':
      return { needed: reads, allowed: [...reads, 'dynamodb:ConditionCheckItem'] };
    case 'table:write': {
      // TransactWriteItems is authorised per item (Put, Update, ConditionCheck); there is no write-only table access.
      const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'];
      return { needed: writes, allowed: [...writes, ...reads] };
    }
    case 'email:send':
      return { needed: ['ses:SendEmail'], allowed: ['ses:SendEmail', 'ses:SendRawEmail'] };
    case 'unit-cycle:start':
    case 'yearly-cycle:start':
      return { needed: ['states:StartExecution'], allowed: ['states:StartExecution'] };
    case 'unit-cycle:stop':
      return { needed: ['states:StopExecution'], allowed: ['states:StopExecution', 'states:DescribeExecution'] };
    case 'unit-cycle:task-response':
    case 'yearly-cycle:task-response':
      return { needed: ['states:SendTaskSuccess'], allowed: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'] };
  }
  if (port === 'documents') {
    const action = access === 'read' ? 's3:GetObject' : 's3:PutObject';
    return { needed: [`${action} ${prefix}*`], allowed: [`${action} ${prefix}*`] };
  }
  throw new Error(`no IAM action known for ${need}`);
}

let built: CycleApp;
let stateful: Template;
let stateless: Template;
let assembly: TwinAssembly;

beforeAll(async () => {
  // Prepare
  built = buildCycleApp(NO_BUNDLING);
  stateful = Template.fromStack(built.stateful);
  stateless = Template.fromStack(built.stateless);
  assembly = await loadTwinAssembly({ context: NO_BUNDLING });
});

/** handler file -> the actions its role may perform (from every policy attached to the role). */
function actionsByFunction(): Map<string, Set<string>> {
  const resources = stateless.toJSON().Resources as Record<string, Resource>;
  const roleOf = new Map<string, string>();
  for (const res of Object.values(resources)) {
    if (res.Type !== 'AWS::Lambda::Function') continue;
    const handler = res.Metadata?.['local:handler'] as string;
    roleOf.set(res.Properties.Role['Fn::GetAtt'][0], handler);
  }
  const out = new Map<string, Set<string>>([...roleOf.values()].map((h) => [h, new Set<string>()]));
  for (const res of Object.values(resources)) {
    if (res.Type !== 'AWS::IAM::Policy') continue;
    for (const role of res.Properties.Roles as Array<{ Ref: string }>) {
      const handler = roleOf.get(role.Ref);
      if (!handler) continue;
      for (const st of res.Properties.PolicyDocument.Statement as PolicyStatement[]) {
        for (const a of [st.Action].flat()) out.get(handler)!.add(a);
      }
    }
  }
  return out;
}

/** handler file -> action -> the resources it is granted on (JSON of each resource, from every policy of its role). */
function grantsByFunction(): Map<string, Map<string, string[]>> {
  const resources = stateless.toJSON().Resources as Record<string, Resource>;
  const roleOf = new Map<string, string>();
  for (const res of Object.values(resources)) {
    if (res.Type === 'AWS::Lambda::Function') roleOf.set(res.Properties.Role['Fn::GetAtt'][0], res.Metadata?.['local:handler'] as string);
  }
  const out = new Map<string, Map<string, string[]>>([...roleOf.values()].map((h) => [h, new Map<string, string[]>()]));
  for (const res of Object.values(resources)) {
    if (res.Type !== 'AWS::IAM::Policy') continue;
    for (const role of res.Properties.Roles as Array<{ Ref: string }>) {
      const grants = out.get(roleOf.get(role.Ref) ?? '');
      if (!grants) continue;
      for (const st of res.Properties.PolicyDocument.Statement as PolicyStatement[]) {
        for (const a of [st.Action].flat()) grants.set(a, [...(grants.get(a) ?? []), ...[st.Resource].flat().map((r) => JSON.stringify(r))]);
      }
    }
  }
  return out;
}

describe('stateful stack', () => {
  it('keeps the table: PK/SK strings, GSI1, on-demand, PITR, TTL, deletion protection, RETAIN', () => {
    stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
        ]),
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'GSI1',
            KeySchema: [
              { AttributeName: 'GSI1PK', KeyType: 'HASH' },
              { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
            ],
          }),
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    });
  });

  it('locks the documents bucket: no public access, S3-managed encryption, versioned, RETAIN', () => {
    stateful.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    });
  });

  it('denies every request to the bucket that is not over TLS', () => {
    stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('stateless stack: functions', () => {
  it('has the functions of FUNCTIONS and API_FUNCTIONS, each Node 22 on arm64 with its handler file named in metadata and the environment its capabilities imply', () => {
    const fns = stateless.findResources('AWS::Lambda::Function');
    const handlers = Object.values(fns).map((f) => (f as Resource).Metadata?.['local:handler']);
    expect(handlers.sort()).toEqual(Object.keys(ALL_FUNCTIONS).map((n) => `functions/${n}/handler.ts`).sort());
    for (const fn of Object.values(fns) as Resource[]) {
      const name = (fn.Metadata!['local:handler'] as string).split('/')[1];
      // check-upload reads files of up to 20 MB; generate-year-documents makes the year's documents (one
      // vCPU, sized from bench/year-documents.ts); everything else fits the default.
      const documents = name === 'generate-year-documents';
      const memory = name === 'check-upload' ? 512 : documents ? DOCUMENTS_FUNCTION_MEMORY_MB : 256;
      // The notifier's lease on a message is derived from this timeout (core/task-limits.ts): a longer one
      // could let a retry take over the claim of an attempt still sending. Only a function that sends
      // nothing may have another.
      const timeout = documents ? DOCUMENTS_FUNCTION_TIMEOUT_SECONDS : TASK_FUNCTION_TIMEOUT_SECONDS;
      expect(fn.Properties, name).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: memory, Timeout: timeout });
      if (timeout !== TASK_FUNCTION_TIMEOUT_SECONDS) expect(ALL_FUNCTIONS[name], name).not.toHaveProperty('email');
      // The environment its capabilities imply: what its handler's cold start checks (functions/_shared/env.ts).
      expect(Object.keys(fn.Properties.Environment.Variables).sort(), name).toEqual(
        ['LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME', ...envNamesFor(ALL_FUNCTIONS[name])].sort(),
      );
    }
  });

  it('gives each function its own role', () => {
    const roles = Object.values(stateless.findResources('AWS::Lambda::Function')).map((f) => JSON.stringify((f as Resource).Properties.Role));
    expect(new Set(roles).size).toBe(roles.length);
  });

  it('gives each function its own log group with retention', () => {
    const fns = Object.values(stateless.findResources('AWS::Lambda::Function')) as Resource[];
    const groups = fns.map((f) => f.Properties.LoggingConfig?.LogGroup?.Ref as string | undefined);
    expect(groups.every(Boolean)).toBe(true);
    expect(new Set(groups).size).toBe(fns.length);
    for (const lg of Object.values(stateless.findResources('AWS::Logs::LogGroup')) as Resource[]) {
      expect(lg.Properties.RetentionInDays).toBe(365);
    }
  });

  it('grants email, executions, task responses and documents only to the functions that need them', () => {
    const actions = actionsByFunction();
    const holders = (action: string) =>
      [...actions].filter(([, set]) => set.has(action)).map(([h]) => h.split('/')[1]).sort();
    expect(holders('ses:SendEmail')).toEqual([
      'decide-proposal', 'draw-inspection-sample', 'forward-to-province', 'grant-extension', 'issue-commendation', 'issue-rectification',
      'prepare-confirmation-wait', 'record-email-event', 'register-cycle', 'request-list-confirmation', 'send-unit-notice',
      'submit-deliverable',
    ]);
    expect(holders('ses:SendRawEmail')).toEqual(holders('ses:SendEmail'));
    expect(holders('states:StartExecution')).toEqual(['grant-extension', 'start-cycle', 'start-unit-workflows']);
    expect(holders('states:StopExecution')).toEqual(['grant-extension']);
    expect(holders('states:DescribeExecution')).toEqual(['grant-extension']);
    expect(holders('states:SendTaskSuccess')).toEqual([
      'await-list-confirmation', 'await-submission', 'confirm-forwarding', 'decide-review', 'request-review', 'submit-deliverable',
    ]);
    expect(holders('states:SendTaskHeartbeat')).toEqual(holders('states:SendTaskSuccess'));
    expect(holders('s3:PutObject')).toEqual(['check-upload', 'create-upload', 'forward-to-province', 'generate-year-documents']);
    expect(holders('s3:GetObject')).toEqual(['check-upload', 'get-submission-version', 'list-cycle-documents']);
    expect(holders('dynamodb:PutItem')).toEqual(namesWith((n) => n.table === 'readWrite'));
    expect(holders('dynamodb:Query')).toEqual(namesWith((n) => n.table));
    // The API functions that only read tokens or static documents touch nothing.
    for (const name of ['get-health', 'get-openapi', 'get-me']) {
      expect([...actions.get(`functions/${name}/handler.ts`)!].sort(), name).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    }
  });

  it('lets 上报确认 complete YearlyCycle tasks and nothing else; every other task response stays on the UnitCycle', () => {
    const grants = grantsByFunction();
    const onMachine = (handler: string) => (grants.get(`functions/${handler}/handler.ts`)!.get('states:SendTaskSuccess') ?? []).map((r) => {
      const m = /stateMachine:[^"]*?(YearlyCycle|UnitCycle)/.exec(r);
      return m ? m[1] : r;
    });
    for (const name of ['await-list-confirmation', 'confirm-forwarding']) expect(onMachine(name), name).toEqual(['YearlyCycle']);
    for (const name of ['await-submission', 'decide-review', 'request-review', 'submit-deliverable']) expect(onMachine(name), name).toEqual(['UnitCycle']);
  });

  describe('against what the code does: a year driven through every handler, each call\'s need recorded', () => {
    let year: World;
    beforeAll(async () => {
      year = await runYear();
    });
    /** The JSON of an object-prefix resource ends `..., "/incoming/*"]]}`. */
    const PREFIX_GRANT = /\/([a-z0-9-]+\/)\*"\]\]\}$/;
    /** handler -> `action`, or `action <prefix>*` for S3 object grants, from the synthesized template. */
    const granted = () => {
      const out = new Map<string, Set<string>>();
      for (const [handler, grants] of grantsByFunction()) {
        const set = new Set<string>();
        for (const [action, resources] of grants) {
          if (!action.startsWith('s3:')) set.add(action);
          // S3 object grants by prefix; anything else (bucket-wide) stays as it is, and no need allows it.
          else for (const r of resources) set.add(`${action} ${PREFIX_GRANT.exec(r)?.[1].concat('*') ?? r}`);
        }
        out.set(handler, set);
      }
      return out;
    };
    const observed = (name: string) => [...new Set((year.calls.get(name as never) ?? []).flatMap((c) => c.needs))];

    it('ran every function of the stack', () => {
      expect([...year.calls.keys()].sort()).toEqual(Object.keys(ALL_FUNCTIONS).sort());
    });

    it('lets each function\'s role do every AWS action its handler\'s calls need', () => {
      const roles = granted();
      const missing: string[] = [];
      for (const name of Object.keys(ALL_FUNCTIONS)) {
        const role = roles.get(`functions/${name}/handler.ts`)!;
        for (const need of observed(name)) for (const a of iamOf(need).needed) if (!role.has(a)) missing.push(`${name}: ${a} (for ${need})`);
      }
      expect(missing.join('\n'), 'a call the role does not allow is AccessDenied on AWS').toBe('');
    });

    it('grants each function nothing beyond what its handler\'s calls need (and its own log writes)', () => {
      const roles = granted();
      for (const name of Object.keys(ALL_FUNCTIONS)) {
        const allowed = new Set(['logs:CreateLogStream', 'logs:PutLogEvents', ...observed(name).flatMap((n) => iamOf(n).allowed)]);
        const extra = [...roles.get(`functions/${name}/handler.ts`)!].filter((a) => !allowed.has(a));
        expect(extra, name).toEqual([]);
      }
    });
  });

  it('grants no wildcard action and no table-wide index wildcard to any function', () => {
    for (const [handler, set] of actionsByFunction()) {
      for (const a of set) expect(a, handler).not.toMatch(/\*/);
    }
    expect(JSON.stringify(stateless.toJSON())).not.toContain('/index/*');
  });

  it('scopes email to the configured identity and configuration set, and StartExecution to the UnitCycle machine', () => {
    stateless.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['ses:SendEmail', 'ses:SendRawEmail'],
            Resource: [
              { 'Fn::Join': ['', Match.arrayWith([':identity/example.cn'])] },
              { 'Fn::Join': ['', Match.arrayWith([':configuration-set/dev-cycle-mail'])] },
            ],
          }),
        ]),
      },
    });
    const startArn = assembly.functions.find((f) => f.handlerFile.includes('start-unit-workflows'))!.environment.UNIT_STATE_MACHINE_ARN;
    expect(startArn).toBe(assembly.stateMachines.find((s) => s.name === 'dev-UnitCycle')!.arn);
  });

  it('lets start-cycle start executions of the YearlyCycle machine, and nothing more: its ARN by name, in CYCLE_STATE_MACHINE_ARN', () => {
    const yearly = assembly.stateMachines.find((s) => s.name === 'dev-YearlyCycle')!.arn;
    const unit = assembly.stateMachines.find((s) => s.name === 'dev-UnitCycle')!.arn;
    const fn = assembly.functions.find((f) => f.handlerFile === 'functions/start-cycle/handler.ts')!;
    expect(fn.environment.CYCLE_STATE_MACHINE_ARN).toBe(yearly);
    expect(fn.environment.UNIT_STATE_MACHINE_ARN).toBeUndefined();
    const grants = grantsByFunction().get('functions/start-cycle/handler.ts')!;
    const states = [...grants.keys()].filter((a) => a.startsWith('states:'));
    expect(states).toEqual(['states:StartExecution']);
    expect(grants.get('states:StartExecution')).toHaveLength(1);
    // The grant names the machine by its ARN built from its name (no Ref to the machine, which depends on the functions).
    const resource = JSON.parse(grants.get('states:StartExecution')![0]);
    expect(JSON.stringify(resource)).toContain(':stateMachine:dev-YearlyCycle');
    expect(JSON.stringify(resource)).not.toContain('UnitCycle');
    expect(yearly).not.toBe(unit);
    // Beside it: the table (read-write, to store the plan and its audit entry) and its own logs.
    expect([...grants.keys()].filter((a) => !/^(dynamodb|logs):/.test(a))).toEqual(['states:StartExecution']);
    expect(grants.has('dynamodb:PutItem')).toBe(true);
    // Only it and the operator's script start the yearly cycle: no other function's grant names that machine but
    // for the two that complete its 上报确认 task (SendTask*, checked above).
    const others = [...grantsByFunction()].filter(([h, g]) => h !== 'functions/start-cycle/handler.ts' && [...g]
      .filter(([a]) => !a.startsWith('states:SendTask')).flatMap(([, r]) => r).some((r) => r.includes('dev-YearlyCycle')));
    expect(others.map(([h]) => h)).toEqual([]);
  });

  it('has no dependency cycle among the stateless stack\'s resources, and the stacks depend on each other one way', () => {
    const resources = stateless.toJSON().Resources as Record<string, Resource & { DependsOn?: string | string[] }>;
    const ids = new Set(Object.keys(resources));
    const refsIn = (value: unknown, out: Set<string>): Set<string> => {
      if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (k === 'Ref' && typeof v === 'string' && ids.has(v)) out.add(v);
          else if (k === 'Fn::GetAtt' && Array.isArray(v) && ids.has(v[0] as string)) out.add(v[0] as string);
          else if (k === 'Fn::Sub') for (const m of JSON.stringify(v).matchAll(/\$\{([A-Za-z0-9]+)/g)) if (ids.has(m[1])) out.add(m[1]);
          refsIn(v, out);
        }
      }
      return out;
    };
    const edges = new Map(Object.entries(resources).map(([id, r]) => [id, [...refsIn(r.Properties, new Set([r.DependsOn ?? []].flat()))]]));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycle: string[] = [];
    const visit = (id: string, path: string[]): boolean => {
      if (state.get(id) === 'done') return false;
      if (state.get(id) === 'visiting') return cycle.push(...path.slice(path.indexOf(id)), id) > 0;
      state.set(id, 'visiting');
      const found = (edges.get(id) ?? []).some((next) => visit(next, [...path, id]));
      state.set(id, 'done');
      return found;
    };
    for (const id of ids) if (visit(id, [])) break;
    expect(cycle.join(' -> ')).toBe('');
    const startCycleFn = built.stateless.apiFunctions['start-cycle'].logicalId;
    const machine = stateless.getResourceId('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: 'dev-YearlyCycle' } });
    expect(edges.get(machine)).not.toContain(startCycleFn);
    // Stacks: Portal <- Stateful <- Stateless <- PortalContent (the portal's bucket by its named export), never back.
    const deps = (stack: Stack) => stack.dependencies.map((d) => d.stackName).sort();
    expect(deps(built.stateful)).toEqual(['dev-Portal']);
    expect(deps(built.stateless).sort()).toEqual(['dev-Portal', 'dev-Stateful']);
    expect(deps(built.portalContent)).toEqual(['dev-Stateful', 'dev-Stateless']);
    expect(deps(built.portal)).toEqual([]);
  });

  it('sends every email through the stage configuration set, created here; the context key renames it', () => {
    const emailFunctions = namesWith((n) => n.email).map((name) => `functions/${name}/handler.ts`);
    const configSetOf = (t: Template) => {
      const fns = Object.values(t.findResources('AWS::Lambda::Function')) as Resource[];
      return new Map(fns.map((f) => [f.Metadata?.['local:handler'] as string, f.Properties.Environment.Variables.SES_CONFIGURATION_SET]));
    };
    // Default: `<stage>-cycle-mail`, a plain string (the twin reads the environment as it is).
    const byDefault = configSetOf(stateless);
    expect([...byDefault].filter(([, v]) => v !== undefined).map(([h]) => h).sort()).toEqual(emailFunctions);
    expect(new Set([...byDefault.values()].filter(Boolean))).toEqual(new Set(['dev-cycle-mail']));
    // Each email function is created after the configuration set it names.
    const setId = Object.keys(stateless.findResources('AWS::SES::ConfigurationSet'))[0];
    for (const fn of Object.values(stateless.findResources('AWS::Lambda::Function')) as Array<Resource & { DependsOn?: string[] }>) {
      const handler = fn.Metadata?.['local:handler'] as string;
      expect(fn.DependsOn ?? [], handler).toSatisfy((deps: string[]) => deps.includes(setId) === emailFunctions.includes(handler));
    }

    const renamed = Template.fromStack(buildCycleApp({ ...NO_BUNDLING, sesConfigurationSet: 'cycle-mail' }).stateless);
    renamed.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'cycle-mail' });
    expect(new Set([...configSetOf(renamed).values()].filter(Boolean))).toEqual(new Set(['cycle-mail']));
    expect(JSON.stringify(renamed.toJSON())).toContain(':configuration-set/cycle-mail');
  });
});

describe('stateless stack: email events (bounces and complaints)', () => {
  const only = (type: string) => {
    const found = Object.entries(stateless.findResources(type));
    expect(found, type).toHaveLength(1);
    return found[0][0];
  };

  it('defines the configuration set: suppression on bounces and complaints, reputation metrics, TLS required', () => {
    stateless.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'dev-cycle-mail',
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
    });
  });

  it('publishes bounces, complaints, rejects and delivery delays to a KMS-encrypted, TLS-only topic SES may publish to', () => {
    const setId = only('AWS::SES::ConfigurationSet');
    const topicId = only('AWS::SNS::Topic');
    const keyId = only('AWS::KMS::Key');
    stateless.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: setId },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint', 'reject', 'deliveryDelay'],
        SnsDestination: { TopicARN: { Ref: topicId } },
      },
    });
    stateless.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'dev-cycle-mail-events', KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    stateless.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'ses.amazonaws.com' },
            Condition: {
              StringEquals: {
                'AWS:SourceAccount': { Ref: 'AWS::AccountId' },
                'AWS:SourceArn': { 'Fn::Join': ['', Match.arrayWith([':configuration-set/', { Ref: setId }])] },
              },
            },
          }),
        ]),
      },
    });
    // SES encrypts through SNS with this key, for this topic only; the key rotates.
    stateless.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            Condition: {
              StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': { 'Fn::Join': ['', Match.arrayWith([':dev-cycle-mail-events'])] } },
            },
          }),
        ]),
      },
    });
  });

  it('subscribes record-email-event to the topic, and only it', () => {
    const topicId = only('AWS::SNS::Topic');
    const fnId = built.stateless.functions['record-email-event'].logicalId;
    only('AWS::SNS::Subscription');
    stateless.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: topicId },
      Endpoint: { 'Fn::GetAtt': [fnId, 'Arn'] },
    });
    stateless.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      SourceArn: { Ref: topicId },
    });
  });

  it('gives record-email-event table read-write and email, exactly what send-unit-notice has, and nothing else', () => {
    const actions = actionsByFunction();
    const recordEmailEvent = [...actions.get('functions/record-email-event/handler.ts')!].sort();
    expect(recordEmailEvent).toEqual([...actions.get('functions/send-unit-notice/handler.ts')!].sort());
    expect(recordEmailEvent).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'ses:SendEmail']));
    expect(recordEmailEvent.filter((a) => !/^(dynamodb|ses|logs):/.test(a))).toEqual([]);
    const env = assembly.functions.find((f) => f.handlerFile === 'functions/record-email-event/handler.ts')!.environment;
    expect(Object.keys(env).sort()).toEqual(['LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME', 'SES_CONFIGURATION_SET', 'TABLE_NAME']);
  });
});

describe('stateless stack: state machines', () => {
  it('has two STANDARD machines with explicit names, X-Ray tracing and ERROR logging without data', () => {
    const machines = Object.values(stateless.findResources('AWS::StepFunctions::StateMachine')) as Resource[];
    expect(machines.map((m) => m.Properties.StateMachineName).sort()).toEqual(['dev-UnitCycle', 'dev-YearlyCycle']);
    for (const m of machines) {
      expect(m.Properties).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
      });
    }
  });

  it("gives every plain task a timeout longer than its function's, so no retry overlaps an attempt still running; GenerateYearDocuments runs before ForwardToProvince", () => {
    // Prepare: each function's Lambda timeout, by the ARN the Task invokes (payloadResponseOnly: the Resource
    // itself); the twin's assembly resolves both.
    const timeoutOf = (state: any) => assembly.functions.find((f) => f.arn === (state.Parameters?.FunctionName ?? state.Resource))?.timeoutSeconds;
    const yearly = assembly.stateMachines.find((m) => m.name.endsWith('YearlyCycle'))!.definition as { States: Record<string, any> };
    const checked: Array<[string, number, number]> = [];
    for (const m of assembly.stateMachines) {
      for (const [name, state] of Object.entries((m.definition as { States: Record<string, any> }).States)) {
        if (state.Type !== 'Task' || String(state.Resource).endsWith('.waitForTaskToken')) continue;
        const fnTimeout = timeoutOf(state);
        expect(fnTimeout, name).toBeDefined();
        expect(state.TimeoutSeconds, name).toBeGreaterThan(fnTimeout!);
        checked.push([name, fnTimeout!, state.TimeoutSeconds]);
      }
    }
    // Assess: the documents' task has its own timeout, the Task's a minute past it; the chain runs it first.
    expect(checked.find(([n]) => n === 'GenerateYearDocuments')).toEqual(['GenerateYearDocuments', DOCUMENTS_FUNCTION_TIMEOUT_SECONDS, DOCUMENTS_FUNCTION_TIMEOUT_SECONDS + 60]);
    expect(checked.find(([n]) => n === 'ForwardToProvince')).toEqual(['ForwardToProvince', TASK_FUNCTION_TIMEOUT_SECONDS, 300]);
    expect(yearly.States.WaitForForwardingDate.Next).toBe('GenerateYearDocuments');
    expect(yearly.States.GenerateYearDocuments.Next).toBe('ForwardToProvince');
    expect(yearly.States.GenerateYearDocuments.Retry.map((r: { ErrorEquals: string[] }) => r.ErrorEquals)).toEqual(
      yearly.States.ForwardToProvince.Retry.map((r: { ErrorEquals: string[] }) => r.ErrorEquals),
    );
  });

  it('gives every callback task a timeout, so none waits for the one-year limit', () => {
    const callbacks: string[] = [];
    const walk = (states: Record<string, any>) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === 'Task' && String(state.Resource).endsWith('.waitForTaskToken')) {
          callbacks.push(name);
          expect(state.TimeoutSeconds ?? state.TimeoutSecondsPath, name).toBeDefined();
          expect(JSON.stringify(state.Parameters), name).toContain('"taskToken.$":"$$.Task.Token"');
          expect(state.Catch?.[0]?.ErrorEquals, name).toEqual(['States.Timeout']);
        }
        if (state.ItemProcessor) walk(state.ItemProcessor.States);
        if (state.Iterator) walk(state.Iterator.States);
        for (const b of state.Branches ?? []) walk(b.States);
      }
    };
    for (const m of assembly.stateMachines) walk((m.definition as { States: Record<string, unknown> }).States);
    expect(callbacks.sort()).toEqual(['AwaitListConfirmation', 'AwaitResubmission', 'AwaitReviewDecision', 'AwaitSelfAssessment']);
  });
});

describe('cdk-nag (AwsSolutions) and annotations', () => {
  it('synthesizes with no unacknowledged finding and no CDK warning', () => {
    // Act
    const { app, portal, stateful: s1, stateless: s2, portalContent } = buildCycleApp(NO_BUNDLING);
    const cloud = app.synth(); // throws on any unacknowledged nag error
    try {
      const report = JSON.parse(readFileSync(join(cloud.directory, 'validation-report.json'), 'utf8')) as {
        pluginReports: Array<{ violations?: unknown[] }>;
      };
      // Assess
      expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
      for (const stack of [portal, s1, s2, portalContent]) {
        Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
        Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
      }
    } finally {
      rmSync(cloud.directory, { recursive: true, force: true });
    }
  });

  it('fails synthesis on a finding nobody acknowledged (the checks do run)', () => {
    const probe = buildCycleApp(NO_BUNDLING);
    new s3.Bucket(probe.stateful, 'UnreviewedBucket');
    expect(() => probe.app.synth()).toThrow(/UnreviewedBucket[\s\S]*AwsSolutions-S1'/);
  });

  it('acknowledges findings only on resources, never on a stack or the app, each with a specific reason', () => {
    const acks: Array<{ path: string; id: string; reason: string }> = [];
    for (const node of built.app.node.findAll()) {
      for (const m of node.node.metadata) {
        if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        expect(Stack.isStack(node) || node === built.app, `acknowledgement on ${node.node.path}`).toBe(false);
        for (const [id, reason] of Object.entries(m.data as Record<string, string>)) acks.push({ path: node.node.path, id, reason });
      }
    }
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) expect(a.reason.length, `${a.id} on ${a.path}`).toBeGreaterThan(60);
    // The wildcard acknowledgements name the exact finding (the resource, or for aws-cdk-lib's own grants to its
    // deployment function, the action), never the whole rule.
    for (const a of acks.filter((x) => x.id.includes('IAM5'))) {
      expect(a.id).toMatch(/IAM5\[(Resource|Action)::/);
      if (a.id.includes('[Action::')) expect(a.path, a.id).toMatch(/\/Custom::CDKBucketDeployment[0-9A-F]{32}(\d+MiB)?$/);
    }
  });
});
