/**
 * 交叉检查 in real Chromium against the twin, on the district's plan (plans/binjiang-streets-2026-example.json):
 * 浦沿街道 and 长河街道 registered their rosters in May, the draw was at 09:00 on 7 September, and it is the
 * next morning, the window open. 长河街道检查组 (group-changhe, which inspects 浦沿街道) signs in, lands on its
 * 交叉检查, records a sampled community's result with an evidence file, reads the server's per-field problems of
 * a wrong score sheet, records a right one and sees the score the server computed; a stale edit is a conflict
 * naming who recorded and when, with a reload. 西兴街道检查组 is refused 浦沿街道. The district office sees it
 * all on its own 交叉检查 page; 浦沿街道's office reads its own page, read-only.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredCommunity } from '../../core/inspection/model';
import { validatePlan } from '../../core/plan/validate';
import { atLocalTime } from '../../core/time';
import { startCycle } from '../../core/use-cases/cycle';
import { registerRoster } from '../../core/use-cases/rosters';
import { loadTwinAssembly } from '../../local/assembly';
import { LOCAL_PASSWORD, usersFromPlan } from '../../local/api/users';
import { freePort } from '../../local/services';
import { portalOriginFor, startTwin, type Twin } from '../../local/twin';
import { PDF_BYTES, callApi } from '../../test/helpers/api-twin';
import { buildPortal, launch, newPage, screenshot, signIn } from './browser';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('the district example plan must validate');
const plan = checked.plan;
const CYCLE = plan.cycleId;
const INSPECTED = 'puyan';
const INSPECTOR = 'group-changhe';
const OTHER_INSPECTOR = 'group-xixing';
const unitName = (id: string) => plan.units.find((u) => u.id === id)!.name;
const community = (name: string): RegisteredCommunity => ({
  name, kind: name.endsWith('村') ? 'village' : 'community', takingPart: true, contact: { name: `${name}书记`, telephone: '0571-8770-3001' },
});
const ROSTERS: Record<string, RegisteredCommunity[]> = {
  puyan: ['东冠社区', '江二社区', '星民村', '白金海岸社区', '冠山社区'].map(community),
  changhe: ['长河社区', '江一村', '孔家里社区'].map(community),
};
const beijing = (local: string) => Date.parse(`${local}+08:00`);

describe('交叉检查 on the twin', () => {
  let twin: Twin;
  let browser: Browser;
  let portal: string;
  let dataDir: string;
  /** The communities drawn for 浦沿街道, in their order. */
  let sampled: string[] = [];

  beforeAll(async () => {
    const dist = buildPortal();
    dataDir = mkdtempSync(join(tmpdir(), 'twin-inspection-e2e-'));
    const port = await freePort();
    [twin, browser] = await Promise.all([
      startTwin({
        dataDir, startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(), mode: { kind: 'simulated' }, users: usersFromPlan(plan),
        assembly: await loadTwinAssembly({ context: { portalOrigin: portalOriginFor(port) } }), portal: { port, dir: dist }, logLevel: 'ERROR',
      }),
      launch(),
    ]);
    portal = twin.endpoints.portal!;
    const t = twin;
    await t.clock.track(() => startCycle(t.ctx, { plan, startedBy: 'district-admin' }));
    await t.clock.runUntil(beijing('2026-05-20T10:00:00'));
    for (const [unitId, communities] of Object.entries(ROSTERS))
      await t.clock.track(() => registerRoster(t.ctx, { cycleId: CYCLE, unitId, version: 0, communities, registeredBy: unitId }));
    await t.clock.runUntil(beijing('2026-09-08T09:00:00'));
    const sample = await t.ctx.repo.getSample(CYCLE, INSPECTED, 'cross-check');
    sampled = sample!.sample.map((c) => c.name);
    expect(sampled.length).toBeGreaterThan(0);
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await twin?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("the group's inspector lands on its 交叉检查 and records a sampled community's result with an evidence file", async () => {
    const page = await newPage(browser);
    await signIn(page, portal, INSPECTOR, LOCAL_PASSWORD);
    await page.getByRole('heading', { name: '交叉检查', level: 2 }).waitFor();
    // Its own group's unit only: 浦沿街道, drawn, nothing recorded yet.
    const row = page.getByRole('row').filter({ hasText: unitName(INSPECTED) });
    await row.getByText(`0/${sampled.length}`).waitFor();
    expect(await page.getByRole('link', { name: unitName('changhe'), exact: true }).count()).toBe(0);
    await screenshot(page, 'inspector-home');

    await page.getByRole('link', { name: unitName(INSPECTED), exact: true }).click();
    await page.getByRole('heading', { name: `${unitName(INSPECTED)} · 交叉检查` }).waitFor();
    // The draw's published inputs are there, folded away.
    await page.getByRole('button', { name: /复核数据/ }).waitFor();
    expect(await page.getByText('随机种子').isVisible()).toBe(false);

    const first = sampled[0]!;
    const section = page.getByRole('region', { name: new RegExp(`^1\\. ${first}$`) });
    await section.getByRole('radio', { name: '合格', exact: true }).check();
    await section.getByLabel('检查说明').fill('台账齐全，宣传栏有防范传销内容。');
    const chooser = page.waitForEvent('filechooser');
    await section.getByRole('button', { name: `为 ${first} 添加佐证材料` }).click();
    await (await chooser).setFiles({ name: '检查记录.pdf', mimeType: 'application/pdf', buffer: PDF_BYTES });
    await section.getByText('检查记录.pdf').waitFor();
    await section.getByRole('button', { name: `保存 ${first} 的检查结果` }).click();
    await page.getByText('已保存为第 1 版').waitFor();
    await page.getByText(`已记录 1/${sampled.length}`).waitFor();
    // Stored with the inspector's name and its evidence, and the audit names the inspector and the group.
    const results = await twin.ctx.repo.listInspectionResults(CYCLE, INSPECTED, 'cross-check');
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ name: first, passed: true, recordedBy: INSPECTOR, groupId: INSPECTOR });
    expect(results[0]!.evidence.map((e) => e.fileName)).toEqual(['检查记录.pdf']);
    const audit = (await twin.ctx.repo.listAudit(CYCLE)).filter((a) => a.action === 'record-inspection-result' && a.unitId === INSPECTED);
    expect(audit).toMatchObject([{ actor: INSPECTOR, role: 'inspector', what: { groupId: INSPECTOR } }]);
    await screenshot(page, 'inspector-result-recorded');
  });

  it('a stale edit is a conflict naming who recorded and when, and the reload shows that version', async () => {
    const page = await newPage(browser);
    await signIn(page, portal, INSPECTOR, LOCAL_PASSWORD);
    await page.getByRole('heading', { name: '交叉检查', level: 2 }).waitFor();
    await page.getByRole('link', { name: unitName(INSPECTED), exact: true }).click();
    const first = sampled[0]!;
    const section = page.getByRole('region', { name: new RegExp(`^1\\. ${first}$`) });
    await section.getByLabel('检查说明').waitFor();
    // Meanwhile the district office records version 2 on the group's behalf.
    const city = await twin.tokenFor('city');
    const put = await callApi(twin, {
      method: 'PUT', path: `/cycles/${CYCLE}/units/${INSPECTED}/inspection/cross-check/results`, token: city,
      body: { version: 1, community: first, passed: false, notes: '复核：志愿者名册缺失。' },
    });
    expect(put.status, put.text).toBe(201);

    await section.getByRole('radio', { name: '不合格', exact: true }).check();
    await section.getByRole('button', { name: `保存 ${first} 的检查结果` }).click();
    const conflict = section.getByRole('alert').filter({ hasText: '已有他人记录了新版本' });
    await conflict.getByText(/记录人：city，时间：/).waitFor();
    await screenshot(page, 'inspector-result-conflict');
    await conflict.getByRole('button', { name: '重新加载' }).click();
    await section.getByText(/第 2 版 · city/).waitFor();
  });

  it("the score sheet: the server's problems next to each field, then the score it computed", async () => {
    const page = await newPage(browser);
    await signIn(page, portal, INSPECTOR, LOCAL_PASSWORD);
    await page.getByRole('heading', { name: '交叉检查', level: 2 }).waitFor();
    await page.getByRole('link', { name: unitName(INSPECTED), exact: true }).click();
    const leadership = plan.rubric.items[0]!;
    const veto = plan.rubric.items.find((i) => i.kind === 'veto')!;
    // Wrong: more than the item's points, no reason, the veto item not assessed.
    await page.getByLabel(`${leadership.title}：扣分`).fill(String(leadership.maxPoints + 3));
    await page.getByRole('button', { name: '保存考核评分表' }).click();
    await page.getByRole('alert').filter({ hasText: '考核评分未保存' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: leadership.title });
    await row.getByText(new RegExp(`扣分应在 0 至 ${leadership.maxPoints} 分之间`)).waitFor();
    await page.getByRole('row').filter({ hasText: veto.title }).getByText(/应评定为 passed/).waitFor();
    await screenshot(page, 'inspector-score-problems');
    expect(await twin.ctx.repo.getInspectionScore(CYCLE, INSPECTED, 'cross-check')).toBeNull();

    // Right: one point off with its reason, the veto item passed.
    await page.getByLabel(`${leadership.title}：扣分`).fill('1');
    await page.getByLabel(`${leadership.title}：理由`).fill('分管领导未参加部署会');
    await page.getByRole('radiogroup', { name: `${veto.title}：一票否决` }).getByRole('radio', { name: '未否决' }).check();
    await page.getByRole('button', { name: '保存考核评分表' }).click();
    const total = plan.rubric.total;
    await page.getByRole('status').filter({ hasText: `已保存，得分 ${total - 1} / ${total}` }).waitFor();
    await page.getByTestId('inspection-score').filter({ hasText: `${total - 1} / ${total}` }).waitFor();
    const sheet = await twin.ctx.repo.getInspectionScore(CYCLE, INSPECTED, 'cross-check');
    expect(sheet).toMatchObject({ score: total - 1, recordedBy: INSPECTOR, version: 1 });
    await screenshot(page, 'inspector-score-recorded');
  });

  it("another group's inspector is refused the unit, and does not see it in its list", async () => {
    const page = await newPage(browser);
    await signIn(page, portal, OTHER_INSPECTOR, LOCAL_PASSWORD);
    await page.getByRole('heading', { name: '交叉检查', level: 2 }).waitFor();
    await page.getByRole('link', { name: unitName('changhe'), exact: true }).waitFor();
    expect(await page.getByRole('link', { name: unitName(INSPECTED), exact: true }).count()).toBe(0);
    await page.goto(`${portal}units/${INSPECTED}/inspection/cross-check`);
    await page.getByRole('alert').filter({ hasText: '无权访问该资源' }).waitFor();
    expect(await page.getByText(sampled[0]!).count()).toBe(0);
    await screenshot(page, 'inspector-other-group-refused');
  });

  it("the inspected street's own office reads its results and score, read-only, saying why", async () => {
    const page = await newPage(browser);
    await signIn(page, portal, INSPECTED, LOCAL_PASSWORD);
    await page.getByRole('heading', { name: `${unitName(INSPECTED)} · 工作台` }).waitFor();
    await page.goto(`${portal}units/${INSPECTED}/inspection/cross-check`);
    await page.getByRole('heading', { name: `${unitName(INSPECTED)} · 交叉检查` }).waitFor();
    await page.getByText('检查结果与考核评分由检查组记录，本单位只能查看').waitFor();
    const total = plan.rubric.total;
    await page.getByTestId('inspection-score').filter({ hasText: `${total - 1} / ${total}` }).waitFor();
    expect(await page.getByRole('button', { name: /^保存/ }).count()).toBe(0);
    await screenshot(page, 'county-inspection-read-only');
  });

  it('the district office sees it on its 交叉检查 page: results recorded, the score', async () => {
    const page = await newPage(browser);
    await signIn(page, portal, 'city', LOCAL_PASSWORD);
    await page.getByRole('heading', { name: '总览' }).waitFor();
    await page.getByRole('navigation', { name: '主菜单' }).getByText('交叉检查').click();
    await page.getByRole('heading', { name: '交叉检查', level: 2 }).waitFor();
    const total = plan.rubric.total;
    const row = page.getByRole('row').filter({ hasText: unitName(INSPECTED) });
    await row.getByText(`1/${sampled.length}`).waitFor();
    await row.getByText(`${total - 1}/${total}`).waitFor();
    // 西兴街道 had no roster at the draw: said so, not hidden.
    await page.getByRole('row').filter({ hasText: unitName('xixing') }).getByText('未登记名单，未能抽样').waitFor();
    await screenshot(page, 'city-inspections');
  });
});
