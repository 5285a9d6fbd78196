/**
 * What must outlive any deployment: the single table (every entity, keys built in core/adapters/dynamodb)
 * and the documents bucket (uploaded reports and evidence). Both RETAIN and protected from deletion.
 */
import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { stageName, type InfraConfig } from '../config';

/** The table's global secondary indexes (functions are granted on these by name). */
export const TABLE_INDEX_NAMES = ['GSI1'] as const;

export interface StatefulStackProps extends StackProps {
  readonly config: InfraConfig;
}

export class StatefulStack extends Stack {
  readonly table: dynamodb.Table;
  readonly documentsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.table = new dynamodb.Table(this, 'Table', {
      tableName: stageName(config, 'wuchuanxiao'),
      partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_INDEX_NAMES[0],
      partitionKey: { name: 'GSI1PK', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'GSI1SK', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });

    // No physical name: bucket names are global, a stage prefix alone would collide across accounts.
    this.documentsBucket = new s3.Bucket(this, 'DocumentsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.documentsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Objects are written and read only through presigned URLs the app issues after checking the caller; ' +
        'each upload is recorded in the table with who and when, and versioning keeps every overwrite. ' +
        'Server access logs would add a second bucket with no reader today; enable them if an audit asks.',
    });
  }
}
