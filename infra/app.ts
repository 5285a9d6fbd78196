/**
 * The CDK app: wires the stacks, nothing else. `npx cdk synth` runs this file (cdk.json "app");
 * tests and the local twin call buildApp() and synthesize in-process.
 */
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig, stageName } from './config';
import { PortalContentStack } from './stacks/portal-content-stack';
import { PortalStack } from './stacks/portal-stack';
import { StatefulStack, TABLE_INDEX_NAMES } from './stacks/stateful-stack';
import { StatelessStack } from './stacks/stateless-stack';

/** The portal's build output (`npm run web:build`), deployed by PortalContentStack. */
export const PORTAL_BUILD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');

export interface CycleApp {
  app: App;
  portal: PortalStack;
  stateful: StatefulStack;
  stateless: StatelessStack;
  portalContent: PortalContentStack;
}

/** Builds the app and returns its stacks too (tests use them with Template.fromStack). */
/** Feature flags, here rather than in cdk.json so in-process builds (tests, twin) get the same app. */
const FEATURE_FLAGS = {
  // The stateless stack imports the table: keep CloudFormation's export lock, so the table cannot be
  // replaced or renamed under running functions.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

/** `validate: false` skips the cdk-nag policy check: the twin reads the same template, and the infra tests and `cdk synth` check it. */
export function buildCycleApp(context?: Record<string, unknown>, opts: { validate?: boolean } = {}): CycleApp {
  const app = new App({ context: { ...FEATURE_FLAGS, ...context } });
  const config = readConfig(app.node);

  // Env-agnostic stacks: synth needs no credentials and does no lookups.
  // The portal's address first: the API's and the bucket's CORS allow its origin (and portalOrigin, for a
  // portal served elsewhere); its files and config.json come last, once the API exists.
  const portal = new PortalStack(app, stageName(config, 'Portal'), { config });
  const portalOrigins = [...new Set([portal.origin, config.portalOrigin])];
  const stateful = new StatefulStack(app, stageName(config, 'Stateful'), { config, portalOrigins });
  const stateless = new StatelessStack(app, stageName(config, 'Stateless'), {
    config,
    portalOrigins,
    table: stateful.table,
    tableIndexNames: TABLE_INDEX_NAMES,
    documentsBucketName: stateful.documentsBucketName,
    identity: { issuer: stateful.issuer, audience: stateful.portalClient.userPoolClientId },
  });
  // Implied by the table's reference already; stated because the bucket's name arrives by a named import.
  stateless.addStackDependency(stateful, 'imports the documents bucket name');
  const portalContent = new PortalContentStack(app, stageName(config, 'PortalContent'), {
    bucketName: portal.bucketName,
    siteDir: PORTAL_BUILD_DIR,
    runtimeConfig: {
      apiUrl: stateless.portalApi.url,
      userPoolId: stateful.userPool.userPoolId,
      clientId: stateful.portalClient.userPoolClientId,
    },
    logRetention: config.logRetentionDays,
  });

  Tags.of(app).add('project', 'wuchuanxiao-cycle');
  Tags.of(app).add('stage', config.stage);
  // cdk-nag 3 is a policy-validation plugin (it replaced the v2 Aspect): findings fail synthesis unless
  // acknowledged, each with its reason, on the resource it concerns.
  if (opts.validate ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, portal, stateful, stateless, portalContent };
}

export function buildApp(context?: Record<string, unknown>, opts?: { validate?: boolean }): App {
  return buildCycleApp(context, opts).app;
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) buildApp().synth();
