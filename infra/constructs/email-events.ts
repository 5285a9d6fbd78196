/**
 * What happens to mail after SES accepted it: the configuration set every email function sends through, and
 * where SES reports bounces and complaints.
 *
 * - The configuration set suppresses addresses that bounced or complained (SES's own list, so a second
 *   bounce cannot hurt the account's reputation), keeps reputation metrics and requires TLS to the
 *   receiving server.
 * - Its event destination publishes BOUNCE, COMPLAINT, REJECT and DELIVERY_DELAY to an SNS topic; the
 *   record-email-event function subscribes (`subscribe`) and marks the address undeliverable.
 * - The topic is encrypted with its own KMS key: the events carry directory addresses and the receiving
 *   servers' diagnostics. SNS's AWS-managed key cannot be used, since its key policy cannot grant SES;
 *   this key's policy grants ses.amazonaws.com only for this topic (SNS's encryption context).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SnsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** The SES events published to the topic. */
export const PUBLISHED_EMAIL_EVENTS = [
  ses.EmailSendingEvent.BOUNCE,
  ses.EmailSendingEvent.COMPLAINT,
  ses.EmailSendingEvent.REJECT,
  ses.EmailSendingEvent.DELIVERY_DELAY,
] as const;

export interface EmailEventsProps {
  /** The configuration set's name (what functions get as SES_CONFIGURATION_SET), e.g. `dev-cycle-mail`. */
  readonly configurationSetName: string;
  /** @default `<configurationSetName>-events` */
  readonly topicName?: string;
}

export class EmailEvents extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  /** A plain string (not a token): handlers and the local twin read it from the environment as it is. */
  readonly configurationSetName: string;
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EmailEventsProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(props.configurationSetName)) {
      throw new Error(`EmailEvents: configuration set name must be 1-64 of [A-Za-z0-9_-], got "${props.configurationSetName}"`);
    }
    this.configurationSetName = props.configurationSetName;
    const topicName = props.topicName ?? `${props.configurationSetName}-events`;
    // Built from the explicit name: the key policy cannot reference the topic, which references the key.
    const topicArn = Stack.of(this).formatArn({ service: 'sns', resource: topicName });

    this.key = new kms.Key(this, 'TopicKey', {
      description: `Encrypts the SES events topic ${topicName}`,
      enableKeyRotation: true,
      // The topic holds events for minutes at most: nothing outlives the stack that needs this key.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesToPublishToTheEncryptedTopic',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': topicArn } },
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', { topicName, masterKey: this.key, enforceSSL: true });

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: props.configurationSetName,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
    });
    // Adds the topic policy statement for ses.amazonaws.com (scoped to this account and configuration set).
    this.configurationSet.addEventDestination('ToTopic', {
      destination: ses.EventDestination.snsTopic(this.topic),
      events: [...PUBLISHED_EMAIL_EVENTS],
    });
  }

  /** Delivers every event on the topic to the function (SNS subscription and invoke permission). */
  subscribe(fn: lambda.IFunction): void {
    fn.addEventSource(new SnsEventSource(this.topic));
  }

  /** Makes a function that sends through the configuration set wait for it at deployment. */
  usedBy(fn: lambda.IFunction): void {
    fn.node.addDependency(this.configurationSet);
  }
}
