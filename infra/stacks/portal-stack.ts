/**
 * Where the portal lives: a private bucket for the built files behind a CloudFront distribution that reads it
 * through Origin Access Control, HTTPS only, with the security headers the twin's portal server sends
 * (local/api/portal.ts) and index.html for any path that is not a file, so a deep link (`/county/...`) opens
 * its page. The files themselves and `/config.json` are deployed by PortalContentStack.
 *
 * Why two stacks: the portal's origin (a custom domain, or the distribution's generated `*.cloudfront.net`
 * name) is what the API's and the documents bucket's CORS allow, so the stateful and stateless stacks import
 * it; config.json names the API's URL, so it can only be written after the stateless stack. This stack comes
 * first and the files last, and one `cdk deploy --all` builds everything in that order.
 */
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { stageName, type InfraConfig } from '../config';

/**
 * The tag on both portal stacks (and, through CloudFormation, on their resources): what delivers the portal.
 * The local twin serves the portal from web/dist itself and reads nothing from stacks with this tag.
 */
export const PORTAL_TAG = { key: 'component', value: 'portal' } as const;

/** Hashed build output (Vite's `assets/`): cached for a year; every other path is checked on each request. */
export const ASSETS_PATH = '/assets/*';

/**
 * The twin's policy (local/api/portal.ts) with the API, the bucket and the user pool named by region: this
 * stack is deployed before the API and the documents bucket exist (their CORS needs this stack's origin), so
 * it cannot name their hosts. Scripts only from the portal itself; inline styles, which Ant Design's
 * CSS-in-JS needs; no framing.
 */
export function contentSecurityPolicy(region: string): string {
  const s3 = `https://*.s3.${region}.amazonaws.com`;
  const api = `https://*.execute-api.${region}.amazonaws.com`;
  const cognito = `https://cognito-idp.${region}.amazonaws.com`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ${api} ${cognito} ${s3}`,
    `frame-src ${s3}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

export interface PortalStackProps extends StackProps {
  readonly config: InfraConfig;
}

export class PortalStack extends Stack {
  /** The built portal's files (private: only the distribution reads them). */
  readonly bucket: s3.Bucket;
  /**
   * The bucket's name as PortalContentStack imports it, from the export `<stage>-PortalBucketName`: named, so the
   * deployment's grants read the same at construction and in the template (its acknowledgements name them).
   */
  readonly bucketName: string;
  readonly distribution: cloudfront.Distribution;
  /** `https://<host>`, what a browser sends as `Origin` from the portal: the custom domain or the distribution's. */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: PortalStackProps) {
    super(scope, id, { ...props, tags: { ...props.tags, [PORTAL_TAG.key]: PORTAL_TAG.value } });
    const { config } = props;

    this.bucket = new s3.Bucket(this, 'SiteBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // The files are a build output, but CloudFormation cannot delete a bucket that still holds them; kept
      // rather than leaving the stack in DELETE_FAILED (infra/README.md: remove it by hand after the stack).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucketName = this.exportValue(this.bucket.bucketName, { name: stageName(config, 'PortalBucketName') });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds only the built portal (public JavaScript, CSS and an index page), written by the deployment and read ' +
        'by the distribution alone through OAC; nothing in it is personal or changes outside a deploy.',
    });

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `${config.stage} portal: CSP, HSTS, no framing, no sniffing`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(Aws.REGION), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: false, override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
    });

    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const behavior = {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      responseHeadersPolicy: securityHeaders,
      compress: true,
    };
    const domain = config.portalDomainName;
    const certificateArn = config.portalCertificateArn;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${config.stage} portal (wuchuanxiao cycle)`,
      defaultRootObject: 'index.html',
      // index.html, config.json and deep links: never kept at the edge, so a deploy is live at once.
      defaultBehavior: { ...behavior, cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED },
      additionalBehaviors: { [ASSETS_PATH]: { ...behavior, cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED } },
      // Without ListBucket, S3 answers 403 for a key that does not exist: both mean "a page of the app".
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      ...(domain && certificateArn
        ? {
            domainNames: [domain],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // The offices are in Fujian: class 200 has the edges of Hong Kong, Taiwan, Japan and Korea; ALL adds
      // South America and Oceania, which nobody here uses.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
    });
    this.origin = `https://${domain ?? this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: the portal is for one city\'s offices, but staff sign in from wherever they are ' +
        '(on a trip, from home), and the files are the same public build for everyone; sign-in guards the data.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF in front of static files: the distribution serves the same public build to everyone and accepts ' +
        'GET and HEAD only; the data is behind the HTTP API, which throttles every route and checks each token.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'No access log for the static files: they are public and the same for everyone; every request that reads ' +
        'or changes data is logged by the HTTP API\'s access log and the functions.',
    });
    if (!domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'The generated *.cloudfront.net name uses CloudFront\'s own certificate, whose minimum protocol cannot be ' +
          'chosen; set portalDomainName and portalCertificateArn to serve TLS 1.2 (TLSv1.2_2021) and above only.',
      });
    }

    new CfnOutput(this, 'PortalUrl', { value: `${this.origin}/`, description: 'The portal: open it in a browser' });
    new CfnOutput(this, 'DistributionDomainName', {
      value: this.distribution.distributionDomainName,
      description: domain ? `Point ${domain} here (DNS CNAME or alias)` : 'The portal\'s host',
    });
  }
}
