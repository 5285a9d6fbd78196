import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config';

const read = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

describe('infra config', () => {
  it('defaults to the dev stage, example.cn, one year of logs and no configuration set', () => {
    expect(read({})).toEqual({ stage: 'dev', emailIdentity: 'example.cn', logRetentionDays: 365 });
  });

  it('accepts -c values, which arrive as strings', () => {
    expect(read({ stage: 'prod', logRetentionDays: '90', sesConfigurationSet: 'cycle-mail' })).toEqual({
      stage: 'prod',
      emailIdentity: 'example.cn',
      logRetentionDays: 90,
      sesConfigurationSet: 'cycle-mail',
    });
  });

  it('rejects a retention CloudWatch does not offer and a stage that cannot prefix names', () => {
    expect(() => read({ logRetentionDays: 31 })).toThrow(/logRetentionDays/);
    expect(() => read({ stage: 'Prod Stage' })).toThrow(/stage/);
  });
});
