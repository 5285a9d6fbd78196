/**
 * The inspection draw (core/inspection/sample.ts) and `npm run sample -- verify` (core/inspection/cli.ts):
 * the same published inputs give the same sample; any input changed gives another seed; the ratio rounds up
 * with at least one community of a non-empty roster; only communities taking part are drawn; the CLI
 * recomputes a recorded sample and says when one does not match.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../core/inspection/cli';
import type { RegisteredCommunity } from '../../core/inspection/model';
import { checkRoster } from '../../core/inspection/roster';
import { drawSample, rosterCanonicalText, rosterSha256, sampleSize, seedText } from '../../core/inspection/sample';
import { loadPlanFile } from '../../core/plan/load';
import { planHashOf } from '../../core/use-cases/cycle';

const PLAN_FILE = 'plans/binjiang-streets-2026-example.json';
const community = (name: string, takingPart = true, kind: RegisteredCommunity['kind'] = 'community'): RegisteredCommunity => ({
  name, kind, takingPart, contact: { name: `${name}联系人`, telephone: '0571-8770-2001' },
});
const ROSTER = ['白金海岸社区', '星民村', '江二社区', '东冠社区', '冠山社区', '浦联社区', '建设社区', '湖滨社区', '滨文社区', '月明社区']
  .map((n) => community(n, true, n.endsWith('村') ? 'village' : 'community'));
const INPUTS = { planSha256: 'a'.repeat(64), unitId: 'puyan', rosterVersion: 3, communities: ROSTER, drawAt: '2026-09-07T01:00:00Z', ratio: { numerator: 1, denominator: 3 } };
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('drawSample', () => {
  it('gives the same sample for the same published inputs, whatever the roster order', () => {
    const a = drawSample(INPUTS);
    const b = drawSample({ ...INPUTS, communities: [...ROSTER].reverse() });
    expect(b).toEqual(a);
    expect(a.sample).toHaveLength(4);
    expect(a.sample.map((c) => c.position)).toEqual([1, 2, 3, 4]);
  });

  it('changes with each published input', () => {
    const seed = drawSample(INPUTS).seed;
    const others = [
      { planSha256: 'b'.repeat(64) }, { unitId: 'xixing' }, { rosterVersion: 4 }, { drawAt: '2026-09-07T01:00:01Z' },
      { communities: ROSTER.map((c, i) => (i === 0 ? { ...c, contact: { ...c.contact, telephone: '0571-8770-9999' } } : c)) },
    ].map((over) => drawSample({ ...INPUTS, ...over }).seed);
    expect(new Set([seed, ...others]).size).toBe(6);
  });

  it('is what the README computes with sha256sum: seed over the inputs text, keys over seed:name, smallest k keys', () => {
    const r = drawSample(INPUTS);
    expect(r.inputs.rosterSha256).toBe(sha(rosterCanonicalText(ROSTER)));
    expect(rosterCanonicalText(ROSTER).split('\n')[0]).toBe('东冠社区\tcommunity\tyes\t东冠社区联系人\t0571-8770-2001');
    expect(seedText(r.inputs)).toBe(
      `algorithm:wuchuanxiao-sample/1\nplan-sha256:${'a'.repeat(64)}\nunit:puyan\nroster-version:3\nroster-sha256:${r.inputs.rosterSha256}\ndraw-at:2026-09-07T01:00:00Z\n`,
    );
    expect(r.seed).toBe(sha(seedText(r.inputs)));
    const keys = ROSTER.map((c) => ({ name: c.name, key: sha(`${r.seed}:${c.name}`) })).sort((a, b) => a.key.localeCompare(b.key));
    expect(r.sample.map((c) => c.name)).toEqual(keys.slice(0, 4).map((k) => k.name));
    expect(r.sample.map((c) => c.key)).toEqual(keys.slice(0, 4).map((k) => k.key));
  });

  it('draws only communities taking part', () => {
    const roster = ROSTER.map((c, i) => ({ ...c, takingPart: i < 4 }));
    const r = drawSample({ ...INPUTS, communities: roster });
    expect(r.population).toBe(4);
    expect(r.sample).toHaveLength(2);
    for (const c of r.sample) expect(roster.slice(0, 4).map((x) => x.name)).toContain(c.name);
  });

  it.each([
    [0, 0], [1, 1], [2, 1], [3, 1], [4, 2], [10, 4],
  ])('rounds n=%i × 1/3 up to %i (at least one of a non-empty roster)', (n, k) => {
    expect(sampleSize(n, { numerator: 1, denominator: 3 })).toBe(k);
    expect(drawSample({ ...INPUTS, communities: ROSTER.slice(0, n) }).sample).toHaveLength(k);
  });

  it('never draws more than there are', () => {
    expect(sampleSize(5, { numerator: 3, denominator: 3 })).toBe(5);
    expect(sampleSize(3, { numerator: 1, denominator: 100 })).toBe(1);
  });

  it('hashes the roster independently of its order', () => {
    expect(rosterSha256([...ROSTER].reverse())).toBe(rosterSha256(ROSTER));
  });
});

describe('checkRoster', () => {
  it('names the row, the field and the rule, zh-CN then en', () => {
    const r = checkRoster([community('江二社区'), { ...community('江二社区') }, { name: '坏\t名', kind: 'town', takingPart: 'yes', contact: { name: '张', telephone: 'abc' } }]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const found = r.problems.map((p) => `${p.path} ${p.rule}`);
    expect(found).toEqual(expect.arrayContaining([
      'communities[2].name format.no-control-characters', 'communities[2].kind enum', 'communities[2].takingPart type', 'communities[2].contact.telephone format.telephone',
    ]));
    const dup = checkRoster([community('江二社区'), community('江二社区')]);
    expect(dup.ok).toBe(false);
    if (!dup.ok) expect(dup.problems[0]).toMatchObject({ path: 'communities[1].name', rule: 'duplicate', message: { zh: expect.stringContaining('第 2 行'), en: expect.stringContaining('row 2') } });
  });
});

describe('npm run sample -- verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sample-verify-'));
  const rosterFile = join(dir, 'roster.json');
  writeFileSync(rosterFile, JSON.stringify({ current: { version: 2, communities: ROSTER } }));
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('recomputes the sample from the plan, the roster and the draw instant, and says it matches the record', async () => {
    const loaded = await loadPlanFile(PLAN_FILE);
    if (!loaded.ok) throw new Error('plan');
    const expected = drawSample({ ...INPUTS, planSha256: planHashOf(loaded.plan), rosterVersion: 2 });
    // The window opens 2026-09-07 and draws at 09:00 Beijing: the default --draw-at.
    const plain = await run(['verify', '--plan', PLAN_FILE, '--unit', 'puyan', '--roster', rosterFile]);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain(`种子 / seed: ${expected.seed}`);
    for (const c of expected.sample) expect(plain.out).toContain(`${c.position}. ${c.name}`);

    const recordFile = join(dir, 'record.json');
    writeFileSync(recordFile, JSON.stringify({ sample: { cycleId: 'binjiang-2026', unitId: 'puyan', seed: expected.seed, inputs: expected.inputs, sample: expected.sample } }));
    const ok = await run(['verify', '--plan', PLAN_FILE, '--roster', rosterFile, '--record', recordFile, '--draw-at', '2026-09-07T09:00:00+08:00']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('与记录一致 / matches the recorded sample');

    const forged = { ...expected, sample: [...expected.sample].reverse() };
    writeFileSync(recordFile, JSON.stringify({ sample: { cycleId: 'binjiang-2026', unitId: 'puyan', seed: forged.seed, inputs: forged.inputs, sample: forged.sample } }));
    const bad = await run(['verify', '--plan', PLAN_FILE, '--roster', rosterFile, '--record', recordFile]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('does NOT match');
  });

  it('refuses wrong usage and a bad roster, naming what is wrong', async () => {
    expect((await run(['verify', '--plan', PLAN_FILE])).code).toBe(2);
    expect((await run(['verify', '--plan', PLAN_FILE, '--unit', 'puyan', '--roster', rosterFile, '--draw-at', 'tomorrow'])).code).toBe(2);
    const badRoster = join(dir, 'bad.json');
    writeFileSync(badRoster, JSON.stringify({ version: 1, communities: [{ name: '', kind: 'community', takingPart: true, contact: { name: 'x', telephone: '0571-8770-2001' } }] }));
    const r = await run(['verify', '--plan', PLAN_FILE, '--unit', 'puyan', '--roster', badRoster]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('communities[0].name');
  });
});
