import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config';

const read = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

describe('infra config', () => {
  const API_DEFAULTS = { portalOrigin: 'http://localhost:5173', apiRateLimit: 50, apiBurstLimit: 100 };

  it('defaults to the dev stage, example.cn, one year of logs, no configuration set, a local portal and 50/100 rps', () => {
    expect(read({})).toEqual({ stage: 'dev', emailIdentity: 'example.cn', logRetentionDays: 365, ...API_DEFAULTS });
  });

  it('accepts -c values, which arrive as strings', () => {
    expect(read({ stage: 'prod', logRetentionDays: '90', sesConfigurationSet: 'cycle-mail' })).toEqual({
      stage: 'prod',
      emailIdentity: 'example.cn',
      logRetentionDays: 90,
      sesConfigurationSet: 'cycle-mail',
      ...API_DEFAULTS,
    });
    expect(read({ apiRateLimit: '20', apiBurstLimit: '40', portalOrigin: 'https://portal.example.cn' })).toMatchObject({
      apiRateLimit: 20,
      apiBurstLimit: 40,
      portalOrigin: 'https://portal.example.cn',
    });
  });

  it('takes as portalOrigin an https origin, or localhost / 127.0.0.1 with a port over http, and nothing with a path', () => {
    for (const ok of ['https://portal.example.cn', 'https://portal.example.cn:8443', 'http://localhost:5173', 'http://127.0.0.1:4173']) {
      expect(read({ portalOrigin: ok }).portalOrigin, ok).toBe(ok);
    }
    for (const bad of [
      'http://portal.example.cn', // plain http off the developer's machine
      'https://portal.example.cn/', // an origin has no trailing slash: CORS compares exactly
      'https://portal.example.cn/app',
      'http://localhost', // the portal's dev server has a port
      '*',
      'portal.example.cn',
      'https://Portal.Example.cn', // browsers send the host in lower case
    ]) {
      expect(() => read({ portalOrigin: bad }), bad).toThrow(/portalOrigin/);
    }
  });

  it('takes a custom domain for the portal only with its certificate, which must be in us-east-1', () => {
    const certificate = 'arn:aws:acm:us-east-1:123456789012:certificate/0f6e1c3a-1b2c-4d5e-8f90-123456789abc';
    expect(read({ portalDomainName: 'portal.example.cn', portalCertificateArn: certificate })).toMatchObject({
      portalDomainName: 'portal.example.cn',
      portalCertificateArn: certificate,
      // CORS then allows the portal's own origin alone, unless another is asked for.
      portalOrigin: 'https://portal.example.cn',
    });
    const alsoLocal = { portalDomainName: 'portal.example.cn', portalCertificateArn: certificate, portalOrigin: 'http://localhost:4173' };
    expect(read(alsoLocal).portalOrigin).toBe('http://localhost:4173');
    expect(() => read({ portalDomainName: 'portal.example.cn' })).toThrow(/portalDomainName and portalCertificateArn go together/);
    expect(() => read({ portalCertificateArn: certificate })).toThrow(/portalDomainName and portalCertificateArn go together/);
    expect(() => read({ portalDomainName: 'portal.example.cn', portalCertificateArn: certificate.replace('us-east-1', 'ap-east-1') })).toThrow(
      /portalCertificateArn: .*us-east-1/,
    );
    for (const bad of ['https://portal.example.cn', 'Portal.example.cn', 'portal', 'portal.example.cn.']) {
      expect(() => read({ portalDomainName: bad, portalCertificateArn: certificate }), bad).toThrow(/portalDomainName: a lower-case host name/);
    }
  });

  it('rejects a throttle that is not a whole number above 0', () => {
    expect(() => read({ apiRateLimit: 0 })).toThrow(/apiRateLimit/);
    expect(() => read({ apiBurstLimit: '1.5' })).toThrow(/apiBurstLimit/);
  });

  it('rejects a retention CloudWatch does not offer and a stage that cannot prefix names', () => {
    expect(() => read({ logRetentionDays: 31 })).toThrow(/logRetentionDays/);
    expect(() => read({ stage: 'Prod Stage' })).toThrow(/stage/);
  });
});
