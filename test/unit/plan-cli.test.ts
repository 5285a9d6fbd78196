import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// Spawning tsx is slow: two cases only; the logic is tested in the other plan-* suites.
function cli(...args: string[]) {
  return spawnSync('npx', ['tsx', 'core/plan/cli.ts', ...args], { encoding: 'utf8' });
}

describe('npm run plan -- validate', () => {
  it('exits 0 on a good plan, with the summary', () => {
    const r = cli('validate', 'plans/nanping-2016.json');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('计划有效 / plan is valid');
    expect(r.stdout).toContain('2016年11月9日 23:59');
  });

  it('exits 1 on a bad plan, one `path  rule  message` line per problem', () => {
    const r = cli('validate', 'test/fixtures/plans/malformed.json', '--lang', 'en');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('units[3].id  duplicate  units[3].id: duplicates units[0].id (yanping); must be unique');
    expect(r.stderr).toContain('city.fax  unknown-field  city.fax: unknown field "fax"');
  });
});
