/**
 * 年度计划 in real Chromium against the twin (5 April 2016: the example cycle running, yanping's
 * implementation plan in): the city office loads a plan with mistakes and reads its problems, field and
 * rule, in Chinese; loads a valid plan (the example's under another cycle id and title) and sees its year
 * drawn, with the legend and the dates as text; starts it after the confirmation and finds it in the
 * header's cycle selector. The picture's code is fetched by this page only. A county user is refused.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PASSWORD } from '../../local/api/users';
import { CYCLE, startApiTwin, type ApiTwin } from '../../test/helpers/api-twin';
import { planCopy } from '../../test/helpers/plans';
import { buildPortal, launch, newPage, screenshot, signIn } from './browser';

const NANPING = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const SECOND = planCopy(NANPING, { cycleId: 'nanping-2016-round-2', title: '南平市2016年创建工作（第二轮）' });
const asFile = (name: string, plan: unknown) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(plan, null, 2)) });

/** Signs in as the city office and opens 年度计划 from the menu. */
async function openYear(browser: Browser, portal: string): Promise<Page> {
  const page = await newPage(browser);
  await signIn(page, portal, 'city', LOCAL_PASSWORD);
  await page.getByRole('heading', { name: '总览' }).waitFor();
  await page.getByRole('navigation', { name: '主菜单' }).getByText('年度计划').click();
  await page.getByRole('heading', { name: '年度计划', level: 2 }).waitFor();
  return page;
}

async function choosePlanFile(page: Page, file: ReturnType<typeof asFile>) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: '选择计划文件（.json）' }).click();
  await (await chooser).setFiles(file);
}

describe('年度计划 on the twin', () => {
  let api: ApiTwin;
  let browser: Browser;
  let portal: string;

  beforeAll(async () => {
    const dist = buildPortal();
    [api, browser] = await Promise.all([startApiTwin({ until: 'april', portal: dist }), launch()]);
    portal = api.twin.endpoints.portal!;
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('a plan with mistakes: each problem with its field and rule, in Chinese; nothing to start', async () => {
    const page = await openYear(browser, portal);
    const bad = structuredClone(NANPING);
    bad.phases[1].opens = '2016-05-20';
    bad.forwardToProvince.on = '2016-02-30';
    await choosePlanFile(page, asFile('南平市2016年计划（有误）.json', bad));

    await page.getByRole('alert').filter({ hasText: /计划有 \d+ 个问题，改正后方可启动/ }).waitFor();
    const problems = page.getByRole('region', { name: '问题' });
    const overlap = problems.getByRole('row').filter({ hasText: 'phase.overlap' });
    expect(await overlap.getByRole('cell').allTextContents()).toEqual([
      'phases[1].opens', 'phase.overlap', 'phases[1].opens: 开始日期 2016-05-20 早于上一阶段（动员部署）的结束日期 2016-05-31，阶段不得重叠且应按时间先后排列',
    ]);
    const date = problems.getByRole('row').filter({ hasText: 'forwardToProvince.on' });
    expect(await date.getByRole('cell').nth(1).textContent()).toBe('format.calendar-date');
    expect(await date.getByRole('cell').nth(2).textContent()).toContain('不是有效的日历日期');
    expect(await page.getByRole('button', { name: '启动' }).count()).toBe(0);
    expect(await page.getByRole('img', { name: /^年度日程图/ }).count()).toBe(0);
    // The picture of the page, not of a button under the pointer.
    await page.mouse.move(0, 0);
    await screenshot(page, 'year-plan-problems');
  });

  it('a valid plan: its year drawn with the legend and as text; started after the confirmation, it joins the cycle selector', async () => {
    // The picture's code is this page's alone: the overview loads none of it.
    const scripts: string[] = [];
    const page = await newPage(browser);
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script') void r.text().then((body) => scripts.push(body), () => undefined);
    });
    await signIn(page, portal, 'city', LOCAL_PASSWORD);
    await page.getByRole('heading', { name: '总览' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.some((s) => s.includes('_echarts_instance_'))).toBe(false);
    // Only one cycle so far: its title, no choice.
    expect(await page.getByRole('combobox', { name: '工作周期' }).count()).toBe(0);

    // From the keyboard: the menu entry, then the pasted plan and the check.
    await page.getByRole('navigation', { name: '主菜单' }).getByText('年度计划').click();
    await page.getByLabel('或粘贴计划内容（JSON）').fill(JSON.stringify(SECOND));
    await page.getByRole('button', { name: '校验计划' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('计划校验通过，可以启动').waitFor();

    const picture = page.getByRole('img', { name: /^年度日程图/ });
    await picture.locator('svg').waitFor();
    expect(await picture.getAttribute('_echarts_instance_')).toBeTruthy();
    await expect.poll(() => scripts.some((s) => s.includes('_echarts_instance_'))).toBe(true);
    const legend = page.getByRole('note', { name: '图例' });
    for (const entry of ['报送截止（北京时间）', '法定节假日', '周末休息日', '调休上班日（标“班”）', '今天（2016年4月5日）']) await legend.getByText(entry).waitFor();
    // The same dates as text: deadlines with their inclusive last day in Beijing time, holidays, 调休.
    const text = page.getByRole('region', { name: '日程（文字版）' });
    await text.getByText('自评报告：最后一日 2016年11月9日（含），截止 2016年11月9日 23:59').waitFor();
    await text.getByText(/工作进展情况报告\(一\)：最后一日 2016年8月1日（含）.*原定 2016年7月31日（含），遇休息日顺延/).waitFor();
    await text.getByText('国庆节：2016年10月1日—2016年10月7日').waitFor();
    await text.getByText('2016年6月12日（端午调休）').waitFor();
    await text.getByText('上报省局：2016年12月1日 09:00').waitFor();
    await text.getByText(/今天：2016年4月5日/).waitFor();
    await screenshot(page, 'year-plan-timeline');

    // 启动, confirmed in the dialog, by keyboard.
    await page.getByRole('button', { name: '启动', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: '确认启动工作周期' });
    await dialog.getByText(/将按“南平市2016年创建工作（第二轮）”启动周期 nanping-2016-round-2，共 10 个单位/).waitFor();
    await screenshot(page, 'year-plan-confirm');
    await dialog.getByRole('button', { name: '确认启动' }).click();
    await page.getByText('已启动：南平市2016年创建工作（第二轮）').waitFor();
    const stored = await api.twin.ctx.repo.getCycle('nanping-2016-round-2');
    expect(stored?.planHash).toMatch(/^[0-9a-f]{64}$/);
    await page.getByText(stored!.planHash).waitFor();

    // The header now offers both cycles, the new one shown.
    const selector = page.getByRole('combobox', { name: '工作周期' });
    await selector.waitFor();
    const header = page.locator('header');
    await header.getByTitle('南平市2016年创建工作（第二轮）').first().waitFor();
    await selector.click();
    const options = page.getByRole('option');
    // The list's accessible options are the cycle ids; its entries show the titles.
    await expect.poll(() => options.allTextContents()).toEqual(expect.arrayContaining(['nanping-2016-round-2', CYCLE]));
    await page.getByTitle(NANPING.title, { exact: true }).last().waitFor();
    await page.keyboard.press('Escape');
    await screenshot(page, 'year-plan-started');
    // The first cycle is still there.
    expect((await api.twin.ctx.repo.getCycle(CYCLE))?.planHash).not.toBe(stored!.planHash);
  });

  it('a county user is refused on /year, and has no 年度计划 in its menu', async () => {
    const page = await newPage(browser);
    await signIn(page, portal, 'yanping', LOCAL_PASSWORD);
    await page.getByRole('heading', { name: /工作台/ }).waitFor();
    expect(await page.getByRole('navigation', { name: '主菜单' }).getByText('年度计划').count()).toBe(0);
    await page.goto(new URL('/year', portal).href);
    await page.getByRole('alert').filter({ hasText: '无权访问该资源' }).waitFor();
    expect(await page.getByRole('button', { name: '选择计划文件（.json）' }).count()).toBe(0);
    await screenshot(page, 'year-plan-county-refused');
  });
});
