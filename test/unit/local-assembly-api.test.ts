/**
 * The twin reads the HTTP API from a synthesized template: a hand-written fragment shaped as CDK's HttpApi,
 * HttpLambdaIntegration and HttpUserPoolAuthorizer synthesize it (aws-cdk-lib 2.276).
 */
import { describe, expect, it } from 'vitest';
import { readAssembly, type CfnResource, type StackTemplate } from '../../local/assembly';

const ENV = { region: 'us-east-1', accountId: '000000000000' };
const apiRef = { Ref: 'ApiF70053CD' };

function template(extra: Record<string, CfnResource> = {}): StackTemplate[] {
  return [
    {
      stackName: 'dev-Stateless',
      template: {
        Resources: {
          Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 't', KeySchema: [], AttributeDefinitions: [] } },
          Bucket: { Type: 'AWS::S3::Bucket' },
          GetMeFunction: {
            Type: 'AWS::Lambda::Function',
            Properties: { Timeout: 10, Environment: { Variables: { DOCUMENTS_BUCKET: { Ref: 'Bucket' } } } },
            Metadata: { 'local:handler': 'functions/get-me/handler.ts' },
          },
          GetHealthFunction: { Type: 'AWS::Lambda::Function', Properties: {}, Metadata: { 'local:handler': 'functions/get-health/handler.ts' } },
          UserPool6BA7E5F2: { Type: 'AWS::Cognito::UserPool', Properties: {} },
          UserPoolWebClient4C9370B0: {
            Type: 'AWS::Cognito::UserPoolClient',
            Properties: { UserPoolId: { Ref: 'UserPool6BA7E5F2' }, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
          },
          CityGroup: { Type: 'AWS::Cognito::UserPoolGroup', Properties: { GroupName: 'city-office', UserPoolId: { Ref: 'UserPool6BA7E5F2' } } },
          ApiF70053CD: {
            Type: 'AWS::ApiGatewayV2::Api',
            Properties: {
              Name: 'Api',
              ProtocolType: 'HTTP',
              CorsConfiguration: { AllowHeaders: ['authorization', 'content-type'], AllowMethods: ['GET', 'POST'], AllowOrigins: ['http://localhost:5173'], MaxAge: 3600 },
            },
          },
          ApiGETmeInt: {
            Type: 'AWS::ApiGatewayV2::Integration',
            Properties: { ApiId: apiRef, IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': ['GetMeFunction', 'Arn'] }, PayloadFormatVersion: '2.0' },
          },
          ApiGEThealthInt: {
            Type: 'AWS::ApiGatewayV2::Integration',
            Properties: { ApiId: apiRef, IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': ['GetHealthFunction', 'Arn'] }, PayloadFormatVersion: '2.0', TimeoutInMillis: 5000 },
          },
          ApiAuth3D21DCFE: {
            Type: 'AWS::ApiGatewayV2::Authorizer',
            Properties: {
              ApiId: apiRef,
              AuthorizerType: 'JWT',
              IdentitySource: ['$request.header.Authorization'],
              JwtConfiguration: {
                Audience: [{ Ref: 'UserPoolWebClient4C9370B0' }],
                Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: 'UserPool6BA7E5F2' }]] },
              },
              Name: 'Auth',
            },
          },
          ApiGETme: {
            Type: 'AWS::ApiGatewayV2::Route',
            Properties: {
              ApiId: apiRef,
              AuthorizationType: 'JWT',
              AuthorizerId: { Ref: 'ApiAuth3D21DCFE' },
              RouteKey: 'GET /me',
              Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'ApiGETmeInt' }]] },
            },
          },
          ApiGEThealth: {
            Type: 'AWS::ApiGatewayV2::Route',
            Properties: { ApiId: apiRef, AuthorizationType: 'NONE', RouteKey: 'GET /health', Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'ApiGEThealthInt' }]] } },
          },
          Stage: {
            Type: 'AWS::ApiGatewayV2::Stage',
            Properties: { ApiId: apiRef, AutoDeploy: true, StageName: '$default', DefaultRouteSettings: { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 } },
          },
          ...extra,
        },
      },
    },
  ];
}

describe('readAssembly: the HTTP API', () => {
  it('reads routes with their functions and authorizer, CORS, the stage throttle and the user pool', () => {
    // Act
    const { api, functions } = readAssembly(template(), ENV);
    // Assess
    expect(api).toBeDefined();
    const me = api!.routes.find((r) => r.routeKey === 'GET /me')!;
    expect(me).toMatchObject({
      method: 'GET',
      path: '/me',
      integrationTimeoutMs: 30_000,
      auth: {
        issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_UserPool6BA7E5F2',
        audience: ['userpoolwebclient4c9370b0'],
        identitySource: ['$request.header.Authorization'],
        scopes: [],
      },
    });
    expect(me.function).toBe(functions.find((f) => f.handlerFile === 'functions/get-me/handler.ts'));
    expect(me.function).toMatchObject({ timeoutSeconds: 10, environment: { DOCUMENTS_BUCKET: 'bucket' } });
    const health = api!.routes.find((r) => r.routeKey === 'GET /health')!;
    expect(health).toMatchObject({ auth: null, integrationTimeoutMs: 5000, function: { handlerFile: 'functions/get-health/handler.ts' } });
    expect(api!.cors).toEqual({
      allowOrigins: ['http://localhost:5173'],
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['authorization', 'content-type'],
      exposeHeaders: [],
      maxAge: 3600,
      allowCredentials: false,
    });
    expect(api!.throttle).toEqual({ rateLimit: 50, burstLimit: 100 });
    expect(api!.userPool).toEqual({
      logicalId: 'UserPool6BA7E5F2',
      id: 'us-east-1_UserPool6BA7E5F2',
      clientId: 'userpoolwebclient4c9370b0',
      clientIds: ['userpoolwebclient4c9370b0'],
      clientAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      groups: ['city-office'],
    });
  });

  it('has no API when the app defines none', () => {
    const stacks = template();
    const resources = stacks[0].template.Resources!;
    for (const id of Object.keys(resources)) if (resources[id].Type.startsWith('AWS::ApiGatewayV2::')) delete resources[id];
    expect(readAssembly(stacks, ENV).api).toBeUndefined();
  });

  it('refuses what the twin cannot serve instead of serving it differently', () => {
    const lambdaAuthorizer = template({
      ApiAuth3D21DCFE: { Type: 'AWS::ApiGatewayV2::Authorizer', Properties: { ApiId: apiRef, AuthorizerType: 'REQUEST' } },
    });
    expect(() => readAssembly(lambdaAuthorizer, ENV)).toThrow(/only JWT authorizers/);
    const v1Payload = template({
      ApiGETmeInt: {
        Type: 'AWS::ApiGatewayV2::Integration',
        Properties: { ApiId: apiRef, IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': ['GetMeFunction', 'Arn'] }, PayloadFormatVersion: '1.0' },
      },
    });
    expect(() => readAssembly(v1Payload, ENV)).toThrow(/payload format 2.0/);
  });
});
