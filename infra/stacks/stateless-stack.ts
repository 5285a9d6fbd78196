/**
 * Everything that can be redeployed freely: the task functions, the two state machines, the SES
 * configuration set with its events topic and the function that records bounces and complaints, and the
 * portal's HTTP API with one function per route of functions/routes.ts.
 *
 * Least privilege is declared once, per function, in functions/capabilities.ts: each function gets the
 * bindings its capabilities imply (AppFunction.bindCapabilities) and nothing else. The state machines have
 * explicit names, and the functions' grants use ARNs built from those names, so no grant depends on the
 * state machine resources (which depend on the functions).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Capabilities } from '../../core/capabilities';
import { DOCUMENTS_FUNCTION_MEMORY_MB, DOCUMENTS_FUNCTION_TIMEOUT_SECONDS } from '../../core/task-limits';
import {
  EVENT_FUNCTIONS,
  FUNCTION_CAPABILITIES,
  type EventFunction,
  type FunctionName,
} from '../../functions/capabilities';
import { ROUTES, type RouteFunction } from '../../functions/routes';
import { unitCycleDefinition, UNIT_CYCLE_FUNCTIONS } from '../../workflows/unit-cycle/chain';
import { yearlyCycleDefinition, YEARLY_CYCLE_FUNCTIONS } from '../../workflows/yearly-cycle/chain';
import { stageName, type InfraConfig } from '../config';
import {
  AppFunction,
  executionArnsFor,
  pascal,
  stateMachineArnFor,
  type CapabilityTargets,
} from '../constructs/app-function';
import { EmailEvents } from '../constructs/email-events';
import { PortalApi } from '../constructs/http-api';

/** The functions the state machines invoke, and those with an event source of their own. */
type TaskFunction = (typeof YEARLY_CYCLE_FUNCTIONS)[number] | (typeof UNIT_CYCLE_FUNCTIONS)[number] | EventFunction;
const TASK_FUNCTIONS: readonly TaskFunction[] = [...YEARLY_CYCLE_FUNCTIONS, ...UNIT_CYCLE_FUNCTIONS, ...EVENT_FUNCTIONS];
const API_FUNCTION_NAMES: readonly RouteFunction[] = [...new Set(ROUTES.map((r) => r.function))];

const pick = <N extends FunctionName>(names: readonly N[]): Record<N, Capabilities> =>
  Object.fromEntries(names.map((n): [N, Capabilities] => [n, FUNCTION_CAPABILITIES[n]])) as Record<N, Capabilities>;

/**
 * What each function may do, read from its one declaration (functions/capabilities.ts): workflow and event
 * functions, then one entry per function of the route table. Nothing else is granted.
 */
export const FUNCTIONS = pick(TASK_FUNCTIONS);
export const API_FUNCTIONS = pick(API_FUNCTION_NAMES);

/** Sizing is not a capability: the defaults (256 MB, 30 s) unless listed. */
const SIZES: Partial<Record<FunctionName, { readonly memorySize?: number; readonly timeout?: Duration }>> = {
  // Reads uploads of up to 20 MB to hash and sniff them.
  'check-upload': { memorySize: 512 },
  // The year's documents at up to 2,800 units: one whole vCPU and a longer timeout, from the benchmark
  // (core/task-limits.ts explains the figures). It sends no mail, so the notifier's lease does not apply.
  'generate-year-documents': { memorySize: DOCUMENTS_FUNCTION_MEMORY_MB, timeout: Duration.seconds(DOCUMENTS_FUNCTION_TIMEOUT_SECONDS) },
};

export interface StatelessStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly table: dynamodb.ITable;
  /** The table's index names, granted by name. */
  readonly tableIndexNames: readonly string[];
  /** The documents bucket's name, imported from the stateful stack's export (StatefulStack.documentsBucketName). */
  readonly documentsBucketName: string;
  /** The origins the API's CORS allows: the deployed portal's (PortalStack.origin) and config.portalOrigin. */
  readonly portalOrigins: readonly string[];
  /** Which tokens the API accepts: the user pool's issuer URL and the portal client id. */
  readonly identity: { readonly issuer: string; readonly audience: string };
}

export class StatelessStack extends Stack {
  readonly functions: Record<TaskFunction, AppFunction>;
  readonly apiFunctions: Record<RouteFunction, AppFunction>;
  readonly portalApi: PortalApi;
  readonly yearlyCycle: sfn.StateMachine;
  readonly unitCycle: sfn.StateMachine;
  readonly emailEvents: EmailEvents;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, table, tableIndexNames } = props;
    const documentsBucket = s3.Bucket.fromBucketName(this, 'DocumentsBucket', props.documentsBucketName);

    const yearlyCycleName = stageName(config, 'YearlyCycle');
    const unitCycleName = stageName(config, 'UnitCycle');
    const unitCycleArn = stateMachineArnFor(this, unitCycleName);
    const yearlyCycleArn = stateMachineArnFor(this, yearlyCycleName);
    const unitCycleExecutions = executionArnsFor(this, unitCycleName);
    const emailIdentityArn = this.formatArn({ service: 'ses', resource: 'identity', resourceName: config.emailIdentity });
    // Every email goes through this configuration set: without it SES reports no bounce to anyone.
    this.emailEvents = new EmailEvents(this, 'EmailEvents', {
      configurationSetName: config.sesConfigurationSet ?? stageName(config, 'cycle-mail'),
    });
    const configurationSetName = this.emailEvents.configurationSetName;

    const targets: CapabilityTargets = {
      table,
      tableIndexNames,
      emailIdentityArn,
      configurationSetName,
      unitCycleArn,
      yearlyCycleArn,
      unitCycleExecutions,
      documentsBucket,
    };
    const makeFunction = (name: FunctionName): AppFunction => {
      const fn = new AppFunction(this, pascal(name), { name, logRetention: config.logRetentionDays, ...SIZES[name] });
      const caps: Capabilities = FUNCTION_CAPABILITIES[name];
      fn.bindCapabilities(caps, targets);
      if (caps.email) this.emailEvents.usedBy(fn.function);
      return fn;
    };

    const functions = {} as Record<TaskFunction, AppFunction>;
    for (const name of TASK_FUNCTIONS) functions[name] = makeFunction(name);
    this.functions = functions;
    this.emailEvents.subscribe(functions['record-email-event'].function);
    const lambdas = {} as Record<TaskFunction, lambda.IFunction>;
    for (const name of TASK_FUNCTIONS) lambdas[name] = functions[name].function;

    this.yearlyCycle = this.stateMachine('YearlyCycle', yearlyCycleName, config, (s) => yearlyCycleDefinition(s, lambdas));
    this.unitCycle = this.stateMachine('UnitCycle', unitCycleName, config, (s) => unitCycleDefinition(s, lambdas));
    // What `npm run cycle -- start` needs (as CYCLE_STATE_MACHINE_ARN); start-cycle gets it by its capability.
    new CfnOutput(this, 'YearlyCycleArn', { value: this.yearlyCycle.stateMachineArn });
    new CfnOutput(this, 'UnitCycleArn', { value: this.unitCycle.stateMachineArn });
    for (const name of YEARLY_CYCLE_FUNCTIONS) acknowledgeInvokeVersions(this.yearlyCycle, functions[name]);
    for (const name of UNIT_CYCLE_FUNCTIONS) acknowledgeInvokeVersions(this.unitCycle, functions[name]);

    const apiFunctions = {} as Record<RouteFunction, AppFunction>;
    for (const name of API_FUNCTION_NAMES) apiFunctions[name] = makeFunction(name);
    this.apiFunctions = apiFunctions;
    this.portalApi = new PortalApi(this, 'PortalApi', {
      apiName: stageName(config, 'PortalApi'),
      routes: ROUTES,
      functions: Object.fromEntries(Object.entries(apiFunctions).map(([name, fn]) => [name, fn.function])),
      issuer: props.identity.issuer,
      audience: props.identity.audience,
      portalOrigins: props.portalOrigins,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      logRetention: config.logRetentionDays,
    });
    new CfnOutput(this, 'ApiUrl', { value: this.portalApi.url });
  }

  private stateMachine(
    id: string,
    stateMachineName: string,
    config: InfraConfig,
    define: (scope: Construct) => sfn.IChainable,
  ): sfn.StateMachine {
    // States are constructs: each workflow gets its own scope so state names only need to be unique per machine.
    const states = new Construct(this, `${id}States`);
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      // The vended-logs prefix keeps the account's CloudWatch Logs resource policy small.
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const machine = new sfn.StateMachine(this, id, {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(define(states)),
      logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
      tracingEnabled: true,
    });
    Validations.of(machine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by CDK for X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*) and for log ' +
        'delivery (logs:CreateLogDelivery and related); these actions do not support resource-level permissions.',
    });
    Validations.of(machine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        'Level ERROR without execution data on purpose: ALL would log every state input, which holds county ' +
        'contacts and report metadata, for months-long executions; the execution history already keeps each transition.',
    });
    return machine;
  }
}

/**
 * LambdaInvoke grants lambda:InvokeFunction on `<function arn>:*` too (qualified ARNs: versions, aliases).
 * Acknowledged per function, on the state machine's role only.
 */
function acknowledgeInvokeVersions(machine: sfn.StateMachine, fn: AppFunction): void {
  Validations.of(machine.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${fn.logicalId}.Arn>:*]`,
    reason: `Invoking ${fn.handlerFile} by qualified ARN (version or alias) is the same function; CDK's LambdaInvoke grants it.`,
  });
}
