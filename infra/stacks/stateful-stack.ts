/**
 * What must outlive any deployment: the single table (every entity, keys built in core/adapters/dynamodb),
 * the documents bucket (uploaded reports and evidence) and the portal's user pool (who may sign in, and
 * in which group). All RETAIN and protected from deletion.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { DOCUMENT_PREFIXES } from '../../core/capabilities';
import { stageName, type InfraConfig } from '../config';

/** The table's global secondary indexes (functions are granted on these by name). */
export const TABLE_INDEX_NAMES = ['GSI1'] as const;

/** Key prefixes of the documents bucket (defined with the capabilities that grant them). */
export { DOCUMENT_PREFIXES };

/**
 * The city office's group, created here. County users are in `unit-<unitId>` groups (UNIT_GROUP_PREFIX),
 * which the operator creates per unit, and inspection groups' accounts in `inspector-<groupId>` groups, which
 * the office creates per group of the year's plan: units and groups are plan data, not infrastructure
 * (infra/README.md).
 */
export const CITY_OFFICE_GROUP = 'city-office';
export const UNIT_GROUP_PREFIX = 'unit-';

export interface StatefulStackProps extends StackProps {
  readonly config: InfraConfig;
  /** The origins the bucket's upload CORS allows: the deployed portal's (PortalStack.origin) and config.portalOrigin. */
  readonly portalOrigins: readonly string[];
}

export class StatefulStack extends Stack {
  readonly table: dynamodb.Table;
  readonly documentsBucket: s3.Bucket;
  /**
   * The bucket's name as other stacks import it, from an export named `<stage>-DocumentsBucketName`. A named
   * export rather than an automatic cross-stack reference so that grants built from it read the same at
   * construction and in the template (their cdk-nag acknowledgements name them); CloudFormation locks it alike.
   */
  readonly documentsBucketName: string;
  readonly userPool: cognito.UserPool;
  /** The portal's app client (public: no secret); its id is the audience the API's authorizer accepts. */
  readonly portalClient: cognito.UserPoolClient;
  /** The user pool's token issuer, `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
  readonly issuer: string;

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
      lifecycleRules: [
        {
          // An upload nobody checked within two days is abandoned; checked files were copied to documents/.
          // documents/ has no rule: every version of a submitted file is kept.
          id: 'ExpireUncheckedUploads',
          prefix: DOCUMENT_PREFIXES.incoming,
          expiration: Duration.days(2),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        // S3 does not allow this flag in a rule with an expiration age: the markers left above go here.
        { id: 'RemoveUploadDeleteMarkers', prefix: DOCUMENT_PREFIXES.incoming, expiredObjectDeleteMarker: true },
      ],
      // The portal uploads straight to S3 with the presigned POST form create-upload returns: a plain
      // multipart POST (the form's fields carry the policy), so no request header needs allowing.
      cors: [{ allowedMethods: [s3.HttpMethods.POST], allowedOrigins: [...props.portalOrigins], maxAge: 3600 }],
    });
    this.documentsBucketName = this.exportValue(this.documentsBucket.bucketName, {
      name: stageName(config, 'DocumentsBucketName'),
    });
    Validations.of(this.documentsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Objects are written and read only through presigned URLs the app issues after checking the caller; ' +
        'each upload is recorded in the table with who and when, and versioning keeps every overwrite. ' +
        'Server access logs would add a second bucket with no reader today; enable them if an audit asks.',
    });

    // Sign-in by username (`city`, or a unit id such as `yanping`); email is an attribute for invitations
    // and account recovery. Only the operator creates users (infra/README.md).
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: stageName(config, 'portal-users'),
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      autoVerify: { email: true },
      keepOriginal: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Bilingual, like the notices: county offices read Chinese, the operator may not.
      userInvitation: {
        emailSubject: '工作平台账号已开通 / Your portal account',
        emailBody:
          '用户名：{username}<br>临时密码：{####}<br>临时密码 3 天内有效，首次登录时须设置新密码。<br><br>' +
          'Username: {username}<br>Temporary password: {####}<br>It is valid for 3 days; you set your own password at first sign-in.',
      },
      userVerification: {
        emailSubject: '验证码 / Verification code',
        emailBody: '您的验证码：{####}<br>Your verification code: {####}',
        emailStyle: cognito.VerificationEmailStyle.CODE,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true, email: false },
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA optional (TOTP), not required: county offices share desk computers and a unit account is used by ' +
        'whoever handles the reports that week, so one phone per account would lock the others out in a deadline ' +
        'week. Accounts are admin-created only, passwords are 12+ characters of four classes, tokens last 1 h; ' +
        'a user who keeps the account to themself can enrol TOTP.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'featurePlan ESSENTIALS on purpose for now: about a dozen accounts, all created by the operator, no self ' +
        'sign-up. PLUS (threat protection: compromised-credential checks, risk-based blocking) is the next step ' +
        'once the city office decides who unblocks a county at a shared desk; it is featurePlan PLUS plus ' +
        'standardThreatProtectionMode here, no other change.',
    });

    this.portalClient = this.userPool.addClient('PortalClient', {
      userPoolClientName: stageName(config, 'portal'),
      // A browser app cannot keep a secret.
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      // The portal signs in with the API calls above, not the hosted UI: no OAuth flows, no callback URLs.
      disableOAuth: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });

    this.userPool.addGroup('CityOfficeGroup', {
      groupName: CITY_OFFICE_GROUP,
      description: 'The city office: every unit, the dashboard, review decisions, extensions',
      precedence: 0,
    });

    // Built once here; the API's JWT authorizer accepts tokens whose `iss` is exactly this.
    this.issuer = `https://cognito-idp.${this.region}.amazonaws.com/${this.userPool.userPoolId}`;
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.portalClient.userPoolClientId });
    new CfnOutput(this, 'Issuer', { value: this.issuer });
  }
}
