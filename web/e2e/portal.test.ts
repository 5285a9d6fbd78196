/**
 * The portal in real Chromium against the twin at the review (10 November 2016, noon Beijing: yanping's
 * self-assessment is in, round 1 awaits the city's decision): a first sign-in with a new password, the
 * city's overview, a return for rectification with a second city user's conflict in words, the county's
 * resubmission with an upload and its receipt, a disguised EXE refused, another county's page refused.
 */
import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITY_GROUP, LOCAL_PASSWORD, usersFromPlan } from '../../local/api/users';
import { PDF_BYTES, plan, startApiTwin, type ApiTwin } from '../../test/helpers/api-twin';
import { buildPortal, launch, newPage, screenshot, signIn } from './browser';

const FIRST_TIMER = 'jianyang';
const TEMPORARY = 'Temp-Jianyang-2026!';
const unitName = (id: string) => plan.units.find((u) => u.id === id)!.name;

describe('the portal on the twin', () => {
  let api: ApiTwin;
  let browser: Browser;
  let portal: string;

  beforeAll(async () => {
    buildPortal();
    const users = usersFromPlan(plan).map((u) => (u.username === FIRST_TIMER ? { ...u, temporaryPassword: TEMPORARY } : u));
    // A second person of the city office, to decide the same round as `city`.
    users.push({ username: 'city2', groups: [CITY_GROUP], label: '市打传办（第二位）' });
    [api, browser] = await Promise.all([startApiTwin({ portal: true, users }), launch()]);
    portal = api.twin.endpoints.portal!;
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('a county user signs in for the first time, sets a new password and lands on its 工作台', async () => {
    const page = await newPage(browser);
    await signIn(page, portal, FIRST_TIMER, TEMPORARY);
    await expect.poll(() => page.getByText('首次登录，请设置新密码').isVisible()).toBe(true);
    await page.getByLabel('新密码', { exact: true }).fill('Jianyang-New-2026!');
    await page.getByLabel('确认新密码').fill('Jianyang-New-2026!');
    await page.getByRole('button', { name: '设置新密码并登录' }).click();
    await page.getByRole('heading', { name: `${unitName(FIRST_TIMER)} · 工作台` }).waitFor();
    await screenshot(page, 'county-workbench-first-sign-in');
    // The temporary password is spent: the pool now takes only the new one.
    const again = await newPage(browser);
    await signIn(again, portal, FIRST_TIMER, TEMPORARY);
    await again.getByRole('alert').filter({ hasText: '用户名或密码不正确' }).waitFor();
  });

  it("the city's 总览 shows every unit × deliverable in the warning colours, with the legend", async () => {
    const page = await newPage(browser);
    await signIn(page, portal, 'city', LOCAL_PASSWORD);
    await page.getByRole('heading', { name: '总览' }).waitFor();
    await page.getByRole('note', { name: '图例' }).getByText(/红色/).waitFor();
    const overview = await api.twin.ctx.repo.listUnits(plan.cycleId, null, 20);
    for (const u of overview.items) await page.getByRole('link', { name: u.name, exact: true }).waitFor();
    // yanping's report is in; on time or late is the API's to say.
    const reported = page.getByLabel(new RegExp(`^${unitName('yanping')} .*自评报告：`));
    expect(await reported.textContent()).toMatch(/已报送|逾期报送/);
    await screenshot(page, 'city-overview');
  });

  it('the city returns the report with a reason; a second city user deciding the same round sees who decided, and when', async () => {
    const [first, second] = [await newPage(browser), await newPage(browser)];
    await signIn(first, portal, 'city', LOCAL_PASSWORD);
    await signIn(second, portal, 'city2', LOCAL_PASSWORD);
    for (const page of [first, second]) {
      await page.getByRole('heading', { name: '总览' }).waitFor();
      await page.getByRole('link', { name: `初评 ${unitName('yanping')}` }).click();
      await page.getByRole('heading', { name: `初评：${unitName('yanping')}` }).waitFor();
    }
    await first.getByRole('radio', { name: '退回整改' }).check();
    await first.getByLabel('整改意见').fill('请补充塔前村的创建材料。');
    await first.getByRole('button', { name: '提交决定' }).click();
    await first.getByText('第 1 轮初评已退回整改').waitFor();
    await screenshot(first, 'city-review-returned');

    await second.getByRole('radio', { name: '通过' }).check();
    await second.getByRole('button', { name: '提交决定' }).click();
    const conflict = second.getByRole('alert').filter({ hasText: '决定未生效' });
    await conflict.waitFor();
    expect(await conflict.textContent()).toMatch(/第 1 轮初评已由 city 于 .+ 作出决定（退回整改）/);
    await screenshot(second, 'city-review-conflict');
  });

  it('the county sees the reason, uploads a PDF with progress, resubmits and prints the receipt', async () => {
    const page = await newPage(browser);
    await signIn(page, portal, 'yanping', LOCAL_PASSWORD);
    await page.getByRole('heading', { name: `${unitName('yanping')} · 工作台` }).waitFor();
    await page.getByText('请补充塔前村的创建材料。').waitFor();
    await page.getByRole('link', { name: '报送自评报告' }).click();

    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: '选择文件' }).click();
    await (await chooser).setFiles({ name: '延平区自评报告（整改）.pdf', mimeType: 'application/pdf', buffer: PDF_BYTES });
    const sha256 = createHash('sha256').update(PDF_BYTES).digest('hex');
    await page.getByText(`SHA-256 ${sha256}`).waitFor();

    await page.getByLabel('自评说明').fill('已补充塔前村的创建材料。');
    await page.getByRole('button', { name: '添加社区（村）' }).click();
    await page.getByLabel('第 1 行 社区（村）名称').fill('塔前村');
    await page.getByLabel('第 1 行 已创建').check();
    await page.getByLabel('第 1 行 合格').check();
    await screenshot(page, 'county-self-assessment-form');
    await page.getByRole('button', { name: '确认报送' }).click();
    await page.getByRole('heading', { name: '已收到第 2 版' }).waitFor();

    await page.getByRole('link', { name: '查看并打印回执' }).click();
    await page.getByRole('heading', { name: '回执' }).waitFor();
    await page.getByText(sha256).waitFor();
    await page.getByRole('button', { name: '打印回执' }).waitFor();
    await screenshot(page, 'county-receipt');
  });

  it('an EXE renamed to .pdf is refused by the server check, in Chinese', async () => {
    const page = await newPage(browser);
    await signIn(page, portal, 'yanping', LOCAL_PASSWORD);
    await page.getByRole('link', { name: '报送自评报告' }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: '选择文件' }).click();
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(512, 0)]);
    await (await chooser).setFiles({ name: '伪装的报告.pdf', mimeType: 'application/pdf', buffer: exe });
    const refusal = page.getByRole('alert').filter({ hasText: '伪装的报告.pdf' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/[\u4e00-\u9fff]/);
    await screenshot(page, 'county-upload-refused');
  });

  it("a county user who types another county's address sees a refusal and nothing of it", async () => {
    const page = await newPage(browser);
    await signIn(page, portal, 'yanping', LOCAL_PASSWORD);
    await page.getByRole('heading', { name: `${unitName('yanping')} · 工作台` }).waitFor();
    await page.goto(`${portal}units/jianyang`);
    await page.getByRole('alert').filter({ hasText: '无法读取本单位的工作台' }).waitFor();
    expect(await page.getByText(unitName('jianyang')).count()).toBe(0);
    await screenshot(page, 'county-other-unit-refused');
  });
});
