/**
 * The portal's HTTP API (API Gateway v2): one route per entry of the route table (functions/routes.ts),
 * each a payload 2.0 Lambda proxy integration of its own function. Every route but `public` ones sits
 * behind one JWT authorizer that accepts the user pool's tokens for the portal client; which role and unit
 * a caller has is decided server-side from the token's groups, never from anything else in the request.
 *
 * The `$default` stage deploys itself, throttles every route (DefaultRouteSettings) and writes one JSON
 * access log line per request (no headers, no bodies). CORS allows the portal's origin only.
 *
 * The local twin serves the same routes by reading the synthesized template (Route, Integration, Authorizer,
 * the Api's CorsConfiguration, the Stage's DefaultRouteSettings), so routes are defined here and nowhere else.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteEntry } from '../../functions/routes';
import { pascal } from './app-function';
import { REPLAYED_HEADER } from '../../core/use-cases/idempotency';
import { IDEMPOTENCY_HEADER } from '../../functions/_shared/idempotency';

/** The header the portal sends its token in (`Authorization: Bearer <token>`). */
export const TOKEN_HEADER = 'Authorization';

/** Request headers the portal may send cross-origin. */
export const CORS_ALLOWED_HEADERS = [TOKEN_HEADER, 'Content-Type', 'Accept-Language', IDEMPOTENCY_HEADER] as const;

/** Response headers the portal may read cross-origin: whether a write was answered from its Idempotency-Key. */
export const CORS_EXPOSED_HEADERS = [REPLAYED_HEADER] as const;

/**
 * One JSON object per request. Only request facts: who called is the token's business (the handler logs the
 * user), and headers or bodies would put tokens and personal data into the logs.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  ip: '$context.identity.sourceIp',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  userAgent: '$context.identity.userAgent',
  // Why a request never reached its function (a rejected token, a failed integration); empty otherwise.
  authorizerError: '$context.authorizer.error',
  integrationError: '$context.integrationErrorMessage',
} as const;

export interface PortalApiProps {
  /** The API's name, e.g. `dev-PortalApi`. */
  readonly apiName: string;
  /** The route table. */
  readonly routes: readonly RouteEntry[];
  /** The function serving each route, by its folder name (RouteEntry.function). */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The user pool's issuer URL: tokens must carry exactly this `iss`. */
  readonly issuer: string;
  /** The portal client id: tokens must be issued to it (`aud` of ID tokens, `client_id` of access tokens). */
  readonly audience: string;
  /** The only origins CORS allows: the portal's, e.g. `https://portal.example.cn` (a token when CloudFront names it). */
  readonly portalOrigins: readonly string[];
  /** Stage-wide throttling, applied to every route. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Retention of the access log group. */
  readonly logRetention: logs.RetentionDays;
}

export class PortalApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  readonly accessLogs: logs.LogGroup;
  /** Each route by its key, `METHOD path`. */
  readonly routes: ReadonlyMap<string, apigw.HttpRoute>;

  constructor(scope: Construct, id: string, props: PortalApiProps) {
    super(scope, id);
    const keys = props.routes.map((r) => `${r.method} ${r.path}`);
    const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
    if (repeated.length > 0) throw new Error(`PortalApi: route keys listed twice: ${repeated.join(', ')}`);

    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: 'The county and city portal (wuchuanxiao cycle)',
      // The stage is defined below, with throttling and access logs.
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...props.portalOrigins],
        allowMethods: [apigw.CorsHttpMethod.GET, apigw.CorsHttpMethod.POST, apigw.CorsHttpMethod.PUT, apigw.CorsHttpMethod.OPTIONS],
        allowHeaders: [...CORS_ALLOWED_HEADERS],
        exposeHeaders: [...CORS_EXPOSED_HEADERS],
        maxAge: Duration.hours(1),
        // Tokens travel in the Authorization header, never in cookies.
        allowCredentials: false,
      },
    });

    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', props.issuer, {
      authorizerName: 'cognito-jwt',
      identitySource: [`$request.header.${TOKEN_HEADER}`],
      jwtAudience: [props.audience],
    });

    const routes = new Map<string, apigw.HttpRoute>();
    for (const [i, entry] of props.routes.entries()) {
      const fn = props.functions[entry.function];
      if (!fn) throw new Error(`PortalApi: no function for route ${keys[i]} (${entry.function})`);
      const name = pascal(entry.function);
      const route = new apigw.HttpRoute(this, `${name}Route`, {
        httpApi: this.api,
        routeKey: apigw.HttpRouteKey.with(entry.path, apigw.HttpMethod[entry.method]),
        integration: new HttpLambdaIntegration(`${name}Integration`, fn, {
          payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
        }),
        authorizer: entry.access === 'public' ? undefined : this.authorizer,
      });
      if (entry.access === 'public') {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${keys[i]} is public on purpose (functions/routes.ts): it returns no unit data, only what a monitor ` +
            'or an API client needs before signing in, and is throttled with the rest of the stage.',
        });
      }
      routes.set(keys[i], route);
    }
    this.routes = routes;

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttle.rateLimit, burstLimit: props.throttle.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
  }

  /** The API's base URL, `https://<id>.execute-api.<region>.amazonaws.com/`. */
  get url(): string {
    return this.stage.url;
  }
}
