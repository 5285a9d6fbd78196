/**
 * The twin's view of the real app: synthesizes infra/app.ts in-process (bundling skipped) and reads the
 * templates. The state machine definitions the twin runs are the synthesized ones, with every
 * intrinsic function resolved to placeholder names; nothing here is a hand-written copy.
 *
 * Resolution rules (partition `aws`, region/account from the options):
 * - a Lambda function: Ref = its FunctionName or logical id; Arn = arn:aws:lambda:REGION:ACCOUNT:function:<that>
 * - a state machine: Ref/Arn = arn:aws:states:REGION:ACCOUNT:stateMachine:<StateMachineName>
 * - the table: Ref = TableName or logical id; the bucket: Ref = BucketName or the logical id in lower case
 *   (S3 names are lower case); log groups, roles: by name or logical id
 * - Fn::ImportValue: the exporting stack's output, resolved in that stack
 * Anything else throws, so a new kind of reference fails here loudly instead of reaching a handler.
 */
import { rmSync } from 'node:fs';
import { buildApp } from '../infra/app';
import { HANDLER_METADATA_KEY } from '../infra/constructs/app-function';
import type { TableSpec } from '../core/adapters/dynamodb/table';

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
}

/** The table as CreateTable wants it (CloudFormation's own PascalCase fields), plus plain aliases. */
export interface TwinTable extends TableSpec {
  name: string;
  keySchema: TableSpec['KeySchema'];
  attributeDefinitions: TableSpec['AttributeDefinitions'];
  globalSecondaryIndexes: NonNullable<TableSpec['GlobalSecondaryIndexes']>;
  ttlAttribute: string | undefined;
}

export interface TwinAssembly {
  stateMachines: TwinStateMachine[];
  functions: TwinFunction[];
  table: TwinTable;
  bucket: { name: string };
}

export interface LoadTwinAssemblyOptions {
  /** @default 'us-east-1' */
  region?: string;
  /** @default '000000000000' */
  accountId?: string;
  /** Extra CDK context (e.g. `{ stage: 'local' }`); bundling is always skipped. */
  context?: Record<string, unknown>;
}

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}
interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}
interface StackTemplate {
  stackName: string;
  template: CfnTemplate;
}

export async function loadTwinAssembly(opts: LoadTwinAssemblyOptions = {}): Promise<TwinAssembly> {
  const app = buildApp({ ...opts.context, 'aws:cdk:bundling-stacks': [] }, { validate: false });
  const cloud = app.synth();
  const stacks: StackTemplate[] = cloud.stacks.map((s) => ({ stackName: s.stackName, template: s.template as CfnTemplate }));
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
  const buckets: Array<{ name: string }> = [];

  for (const stack of stacks) {
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
          functions.push({
            logicalId,
            arn: r.attribute(logicalId, 'Arn', stack),
            handlerFile,
            environment,
            timeoutSeconds: typeof props.Timeout === 'number' ? props.Timeout : 3,
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
          buckets.push({ name: r.ref(logicalId, stack) });
          break;
      }
    }
  }
  if (tables.length !== 1) throw new Error(`expected one DynamoDB table in the app, found ${tables.length}`);
  if (buckets.length !== 1) throw new Error(`expected one S3 bucket in the app, found ${buckets.length}`);
  return { stateMachines, functions, table: tables[0], bucket: buckets[0] };
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
