/**
 * The one Lambda construct of the app. Every function is `functions/<name>/handler.ts` (export `handler`),
 * bundled by esbuild as an ESM file with the AWS SDK inside (so the SDK version is the one in
 * package-lock.json, not whatever the runtime ships).
 *
 * Permissions come only through the bind helpers: each grants exactly one thing AND injects the
 * environment variable the handler reads, so the two can never drift apart.
 *
 * The CfnFunction carries a metadata entry `local:handler` naming its entry file relative to the repo
 * root; the local twin (local/assembly.ts) binds the state machines' Task states to handlers through it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Capabilities, TableAccess } from '../../core/capabilities';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { TASK_FUNCTION_TIMEOUT_SECONDS } from '../../core/task-limits';

/** The repository root: infra/constructs/ is two levels below it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Metadata key on each AWS::Lambda::Function naming its handler file (repo-relative, POSIX separators). */
export const HANDLER_METADATA_KEY = 'local:handler';

/** Defines `require` inside the ESM bundle: bundled CommonJS dependencies (parts of the SDK) call it. */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** How each handler is bundled (ESM for Node 22); bench/bundles.ts builds with the same settings. */
export const LAMBDA_BUNDLE = {
  format: 'esm',
  minify: true,
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
} as const;

/** PascalCase construct id of a kebab-case function folder: `send-unit-notice` -> `SendUnitNotice`. */
export const pascal = (name: string) => name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());

/** Item reads; transactions are authorised through these per-item actions. */
const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

export interface AppFunctionProps {
  /** The function's folder under functions/ (verb-noun, kebab-case), e.g. `send-unit-notice`. */
  readonly name: string;
  /** Retention of the function's own log group. */
  readonly logRetention: logs.RetentionDays;
  /** @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** POWERTOOLS_SERVICE_NAME: the app, not the function (the logger adds the function name itself). @default 'wuchuanxiao-cycle' */
  readonly serviceName?: string;
  /** @default TASK_FUNCTION_TIMEOUT_SECONDS (core/task-limits.ts: the notifier's lease is derived from it) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
}

export type { TableAccess } from '../../core/capabilities';

export interface EmailBinding {
  /** ARN of the verified SES identity (domain or address) the function sends from. */
  readonly identityArn: string;
  /** SES configuration set name; when set the function may use it and gets SES_CONFIGURATION_SET. */
  readonly configurationSet?: string;
}

/** Key prefixes of the documents bucket a function may read or write, e.g. `{ read: ['documents/'] }`. */
export interface DocumentsAccess {
  readonly read?: readonly string[];
  readonly write?: readonly string[];
}

/** What a function's capabilities are granted on: the stack's table, identity, state machine and bucket. */
export interface CapabilityTargets {
  readonly table: dynamodb.ITable;
  /** The table's index names, granted by name. */
  readonly tableIndexNames: readonly string[];
  readonly emailIdentityArn: string;
  readonly configurationSetName: string;
  readonly unitCycleArn: string;
  readonly yearlyCycleArn: string;
  /** `executionArnsFor` the UnitCycle machine. */
  readonly unitCycleExecutions: string;
  readonly documentsBucket: s3.IBucket;
}

export class AppFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  /** Repo-relative handler entry, e.g. `functions/send-unit-notice/handler.ts`. */
  readonly handlerFile: string;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9-]*$/.test(props.name)) {
      throw new Error(`AppFunction name must be a kebab-case folder under functions/, got "${props.name}"`);
    }
    this.handlerFile = `functions/${props.name}/handler.ts`;
    const entry = join(REPO_ROOT, this.handlerFile);
    if (!existsSync(entry)) throw new Error(`AppFunction ${props.name}: entry ${this.handlerFile} does not exist`);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      // Logs are operational, not the record of the cycle (that is the table): drop them with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role per function, with only log-write permission on its own log group, instead of the
    // AWSLambdaBasicExecutionRole managed policy (which allows writing to any log group).
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.name}`,
    });

    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(TASK_FUNCTION_TIMEOUT_SECONDS),
      role,
      logGroup: this.logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? 'wuchuanxiao-cycle',
        LOG_LEVEL: props.logLevel ?? 'INFO',
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: LAMBDA_BUNDLE.minify,
        target: LAMBDA_BUNDLE.target,
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        banner: LAMBDA_BUNDLE.banner,
        sourceMap: false,
        // Bundle everything, the SDK included, so the deployed versions are the locked ones.
        externalModules: [],
      },
    });
    this.logGroup.grantWrite(role);

    const cfn = this.function.node.defaultChild as lambda.CfnFunction;
    cfn.addMetadata(HANDLER_METADATA_KEY, this.handlerFile);
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x on purpose: the bundles target node22 and the code is tested on the Node 20/22 toolchain ' +
        'pinned in package.json; moving to nodejs24.x is a toolchain upgrade, done together with it.',
    });
  }

  /**
   * Acknowledges cdk-nag's IAM5 finding for one wildcard resource, on this function's role only. The id is
   * the resource as cdk-nag writes it; the ARN must resolve the same now as at synthesis (no automatic
   * cross-stack reference, whose export name is only chosen at synthesis).
   */
  private acknowledgeResourceWildcard(arn: string, reason: string): void {
    const resource = flattenCfnReference(Stack.of(this).resolve(arn));
    Validations.of(this.function.role!).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
  }

  /** The CloudFormation logical id of the function (for acknowledging findings that name it). */
  get logicalId(): string {
    const stack = Stack.of(this);
    return stack.resolve(stack.getLogicalId(this.function.node.defaultChild as lambda.CfnFunction)) as string;
  }

  /**
   * Every grant and environment variable a function's declared capabilities (functions/capabilities.ts)
   * imply, each through its bind helper; nothing else. The only place a capability becomes IAM.
   */
  bindCapabilities(caps: Capabilities, on: CapabilityTargets): this {
    if (caps.table) this.bindTable(on.table, caps.table, on.tableIndexNames);
    if (caps.email) this.bindEmail(on.emailIdentityArn, on.configurationSetName);
    if (caps.startUnitCycle) this.bindStartExecution(on.unitCycleArn);
    if (caps.startYearlyCycle) this.bindStartExecution(on.yearlyCycleArn, 'CYCLE_STATE_MACHINE_ARN');
    if (caps.stopUnitCycle) this.bindStopExecution(on.unitCycleArn, on.unitCycleExecutions);
    if (caps.unitCycleTaskResponse) this.bindTaskResponse(on.unitCycleArn);
    if (caps.yearlyCycleTaskResponse) this.bindTaskResponse(on.yearlyCycleArn);
    if (caps.documents) this.bindDocuments(on.documentsBucket, caps.documents);
    return this;
  }

  /**
   * Grants read or read-write on the table and on the named indexes only, and sets TABLE_NAME.
   * Index ARNs are listed by name (not `index/*`) so the policy has no wildcard.
   */
  bindTable(table: dynamodb.ITable, access: TableAccess, indexNames: readonly string[] = []): this {
    const actions = access === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions,
        resources: [table.tableArn, ...indexNames.map((name) => `${table.tableArn}/index/${name}`)],
      }),
    );
    this.function.addEnvironment('TABLE_NAME', table.tableName);
    return this;
  }

  /** Allows ses:SendEmail/SendRawEmail from that identity only; sets SES_CONFIGURATION_SET when given. */
  bindEmail(identityArn: string, configurationSet?: string): this {
    const resources = [identityArn];
    if (configurationSet) {
      // SES authorises a send against the configuration set too when the request names one.
      resources.push(
        Stack.of(this).formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSet }),
      );
      this.function.addEnvironment('SES_CONFIGURATION_SET', configurationSet);
    }
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ses:SendEmail', 'ses:SendRawEmail'], resources }),
    );
    return this;
  }

  /**
   * Allows states:StartExecution on that state machine and sets its ARN in `envName` (the UnitCycle's by
   * default; the YearlyCycle's is CYCLE_STATE_MACHINE_ARN).
   */
  bindStartExecution(
    stateMachineArn: string,
    envName: 'UNIT_STATE_MACHINE_ARN' | 'CYCLE_STATE_MACHINE_ARN' = 'UNIT_STATE_MACHINE_ARN',
  ): this {
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }),
    );
    this.function.addEnvironment(envName, stateMachineArn);
    return this;
  }

  /**
   * Allows s3:GetObject on `<bucket>/<prefix>*` for each read prefix and s3:PutObject for each write prefix,
   * nothing bucket-wide, and sets DOCUMENTS_BUCKET. Presigned URLs the function issues are signed with its
   * role, so they can do exactly this and no more. The bucket is SSE-S3: no key to grant (a customer-managed
   * key would need kms:Decrypt to read and kms:GenerateDataKey to write, added here).
   */
  bindDocuments(bucket: s3.IBucket, access: DocumentsAccess): this {
    const read = access.read ?? [];
    const write = access.write ?? [];
    if (read.length + write.length === 0) throw new Error(`${this.handlerFile}: bindDocuments needs a read or write prefix`);
    for (const prefix of [...read, ...write]) {
      if (!/^[a-z0-9-]+\/$/.test(prefix)) throw new Error(`${this.handlerFile}: documents prefix must look like "incoming/", got "${prefix}"`);
    }
    const grant = (action: string, prefixes: readonly string[]) => {
      if (prefixes.length === 0) return;
      const resources = prefixes.map((p) => bucket.arnForObjects(`${p}*`));
      this.function.addToRolePolicy(new iam.PolicyStatement({ actions: [action], resources }));
      prefixes.forEach((prefix, i) =>
        this.acknowledgeResourceWildcard(
          resources[i],
          `${this.handlerFile} may ${action} under ${prefix} only: object keys there are made per upload (cycle, unit, ` +
            'upload id), so no fixed ARN exists; the prefix is the boundary and nothing bucket-wide is granted.',
        ),
      );
    };
    grant('s3:GetObject', read);
    grant('s3:PutObject', write);
    this.function.addEnvironment('DOCUMENTS_BUCKET', bucket.bucketName);
    return this;
  }

  /**
   * Allows states:StopExecution and states:DescribeExecution on the executions of one state machine
   * (`executionArnsFor`): an extension restarts a unit's execution and stops the one it replaces. Sets
   * UNIT_STATE_MACHINE_ARN: the handler builds an execution's ARN from its state machine's and its name.
   */
  bindStopExecution(stateMachineArn: string, executionArns: string): this {
    this.function.addEnvironment('UNIT_STATE_MACHINE_ARN', stateMachineArn);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StopExecution', 'states:DescribeExecution'], resources: [executionArns] }),
    );
    this.acknowledgeResourceWildcard(
      executionArns,
      `${this.handlerFile} stops and describes executions of this one state machine; execution names are made per ` +
        'unit and restart, so the ARN ends in `:*` and no other state machine is covered.',
    );
    return this;
  }

  /** Allows completing callback tasks (success, failure, heartbeat) of that state machine's executions. */
  bindTaskResponse(stateMachineArn: string): this {
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
        resources: [stateMachineArn],
      }),
    );
    return this;
  }
}

/** The ARN of a state machine by its explicit name, without referencing the construct (avoids cycles). */
export function stateMachineArnFor(scope: Construct, stateMachineName: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: stateMachineName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** Every execution of a state machine by its explicit name: `arn:...:states:<region>:<account>:execution:<name>:*`. */
export function executionArnsFor(scope: Construct, stateMachineName: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${stateMachineName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
