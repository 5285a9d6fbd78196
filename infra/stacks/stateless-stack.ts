/**
 * Everything that can be redeployed freely: the task functions, the two state machines, the SES
 * configuration set with its events topic and the function that records bounces and complaints, and the
 * portal's HTTP API with one function per route of functions/routes.ts.
 *
 * Least privilege is declared once, in FUNCTIONS and API_FUNCTIONS below: each function gets only the
 * bindings listed there. The state machines have explicit names, and the functions' grants use ARNs built
 * from those names, so no grant depends on the state machine resources (which depend on the functions).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ROUTES, type RouteFunction } from '../../functions/routes';
import { unitCycleDefinition, UNIT_CYCLE_FUNCTIONS } from '../../workflows/unit-cycle/chain';
import { yearlyCycleDefinition, YEARLY_CYCLE_FUNCTIONS } from '../../workflows/yearly-cycle/chain';
import { stageName, type InfraConfig } from '../config';
import {
  AppFunction,
  executionArnsFor,
  pascal,
  stateMachineArnFor,
  type DocumentsAccess,
  type TableAccess,
} from '../constructs/app-function';
import { EmailEvents } from '../constructs/email-events';
import { PortalApi } from '../constructs/http-api';
import { DOCUMENT_PREFIXES } from './stateful-stack';

/** Functions no state machine invokes: they are triggered by an event source of their own. */
const EVENT_FUNCTIONS = ['record-email-event'] as const;

type FunctionName =
  | (typeof YEARLY_CYCLE_FUNCTIONS)[number]
  | (typeof UNIT_CYCLE_FUNCTIONS)[number]
  | (typeof EVENT_FUNCTIONS)[number];

interface FunctionNeeds {
  /** Table access (and TABLE_NAME); absent for functions that never touch the table. */
  readonly table?: TableAccess;
  readonly email?: true;
  /** Starts UnitCycle executions. */
  readonly startUnitCycle?: true;
  /** Stops and describes UnitCycle executions (an extension replaces a unit's execution). */
  readonly stopUnitCycle?: true;
  /** Completes UnitCycle callback tasks. */
  readonly unitCycleTaskResponse?: true;
  /** Object prefixes of the documents bucket (and DOCUMENTS_BUCKET). */
  readonly documents?: DocumentsAccess;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default 30 s */
  readonly timeout?: Duration;
}

const { incoming: INCOMING, documents: DOCUMENTS } = DOCUMENT_PREFIXES;

/** What each function may do. Nothing else is granted (test/infra/stacks.test.ts checks it). */
export const FUNCTIONS: Record<FunctionName, FunctionNeeds> = {
  'register-cycle': { table: 'readWrite' },
  'start-unit-workflows': { table: 'read', startUnitCycle: true },
  'forward-to-province': { table: 'readWrite', email: true },
  'close-cycle': { table: 'readWrite' },
  'send-unit-notice': { table: 'readWrite', email: true },
  'prepare-review-step': { table: 'read' },
  'await-submission': { table: 'readWrite', unitCycleTaskResponse: true },
  'request-review': { table: 'readWrite', unitCycleTaskResponse: true },
  'issue-rectification': { table: 'readWrite', email: true },
  'record-outcome': { table: 'readWrite', email: true },
  // Subscribed to the SES events topic; marks addresses and mails the city office.
  'record-email-event': { table: 'readWrite', email: true },
};

/**
 * What each API function may do, one entry per function of the route table (functions/routes.ts).
 * Nothing else is granted (test/infra/stacks.test.ts checks it; test/infra/api.test.ts that this list and ROUTES agree).
 */
export const API_FUNCTIONS: Record<RouteFunction, FunctionNeeds> = {
  'get-health': {},
  'get-openapi': {},
  // Role and unit come from the token's groups alone.
  'get-me': {},
  'get-unit-overview': { table: 'read' },
  // Signs a presigned POST with its role: the form can put objects under incoming/ and nowhere else.
  'create-upload': { table: 'readWrite', documents: { write: [INCOMING] } },
  // Reads the upload back (up to 20 MB) to hash and sniff it, then copies it to documents/ server-side.
  'check-upload': {
    table: 'readWrite',
    documents: { read: [INCOMING, DOCUMENTS], write: [DOCUMENTS] },
    memorySize: 512,
    timeout: Duration.seconds(30),
  },
  'preview-self-assessment': { table: 'read' },
  'submit-deliverable': { table: 'readWrite', email: true, unitCycleTaskResponse: true },
  'list-submissions': { table: 'read' },
  // Presigned GET links to the version's files.
  'get-submission-version': { table: 'read', documents: { read: [DOCUMENTS] } },
  'get-receipt': { table: 'read' },
  'get-dashboard': { table: 'read' },
  'decide-review': { table: 'readWrite', unitCycleTaskResponse: true },
  // Starts the unit's execution with the new schedule before stopping the one it replaces.
  'grant-extension': { table: 'readWrite', email: true, startUnitCycle: true, stopUnitCycle: true },
  'fix-contact': { table: 'readWrite' },
};

export interface StatelessStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly table: dynamodb.ITable;
  /** The table's index names, granted by name. */
  readonly tableIndexNames: readonly string[];
  /** The documents bucket's name, imported from the stateful stack's export (StatefulStack.documentsBucketName). */
  readonly documentsBucketName: string;
  /** Which tokens the API accepts: the user pool's issuer URL and the portal client id. */
  readonly identity: { readonly issuer: string; readonly audience: string };
}

export class StatelessStack extends Stack {
  readonly functions: Record<FunctionName, AppFunction>;
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
    const unitCycleExecutions = executionArnsFor(this, unitCycleName);
    const emailIdentityArn = this.formatArn({ service: 'ses', resource: 'identity', resourceName: config.emailIdentity });
    // Every email goes through this configuration set: without it SES reports no bounce to anyone.
    this.emailEvents = new EmailEvents(this, 'EmailEvents', {
      configurationSetName: config.sesConfigurationSet ?? stageName(config, 'cycle-mail'),
    });
    const configurationSetName = this.emailEvents.configurationSetName;

    const makeFunction = (name: string, needs: FunctionNeeds): AppFunction => {
      const fn = new AppFunction(this, pascal(name), {
        name,
        logRetention: config.logRetentionDays,
        memorySize: needs.memorySize,
        timeout: needs.timeout,
      });
      if (needs.table) fn.bindTable(table, needs.table, tableIndexNames);
      if (needs.email) {
        fn.bindEmail(emailIdentityArn, configurationSetName);
        this.emailEvents.usedBy(fn.function);
      }
      if (needs.startUnitCycle) fn.bindStartExecution(unitCycleArn);
      if (needs.stopUnitCycle) fn.bindStopExecution(unitCycleExecutions);
      if (needs.unitCycleTaskResponse) fn.bindTaskResponse(unitCycleArn);
      if (needs.documents) fn.bindDocuments(documentsBucket, needs.documents);
      return fn;
    };

    const functions = {} as Record<FunctionName, AppFunction>;
    for (const [name, needs] of Object.entries(FUNCTIONS) as [FunctionName, FunctionNeeds][]) functions[name] = makeFunction(name, needs);
    this.functions = functions;
    this.emailEvents.subscribe(functions['record-email-event'].function);
    const lambdas = {} as Record<FunctionName, lambda.IFunction>;
    for (const name of Object.keys(functions) as FunctionName[]) lambdas[name] = functions[name].function;

    this.yearlyCycle = this.stateMachine('YearlyCycle', yearlyCycleName, config, (s) => yearlyCycleDefinition(s, lambdas));
    this.unitCycle = this.stateMachine('UnitCycle', unitCycleName, config, (s) => unitCycleDefinition(s, lambdas));
    // What `npm run cycle -- start` needs (as CYCLE_STATE_MACHINE_ARN).
    new CfnOutput(this, 'YearlyCycleArn', { value: this.yearlyCycle.stateMachineArn });
    new CfnOutput(this, 'UnitCycleArn', { value: this.unitCycle.stateMachineArn });
    for (const name of YEARLY_CYCLE_FUNCTIONS) acknowledgeInvokeVersions(this.yearlyCycle, functions[name]);
    for (const name of UNIT_CYCLE_FUNCTIONS) acknowledgeInvokeVersions(this.unitCycle, functions[name]);

    const apiFunctions = {} as Record<RouteFunction, AppFunction>;
    for (const [name, needs] of Object.entries(API_FUNCTIONS) as [RouteFunction, FunctionNeeds][]) apiFunctions[name] = makeFunction(name, needs);
    this.apiFunctions = apiFunctions;
    this.portalApi = new PortalApi(this, 'PortalApi', {
      apiName: stageName(config, 'PortalApi'),
      routes: ROUTES,
      functions: Object.fromEntries(Object.entries(apiFunctions).map(([name, fn]) => [name, fn.function])),
      issuer: props.identity.issuer,
      audience: props.identity.audience,
      portalOrigin: config.portalOrigin,
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
