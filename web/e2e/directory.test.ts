/**
 * 通讯录 and the 总览's export in real Chromium against the twin at the review (10 November 2016, noon Beijing):
 * the city exports the overview and the test reads the workbook back with exceljs (every unit, the states in
 * the page's words and colours, the title with the cycle and the time, the print setup); the city corrects
 * yanping's office address (a bad one first, refused naming the field), the directory shows the new one, and
 * the next email the twin sends the unit goes there, which the unit's sent mail then shows; a county user is
 * refused the directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PASSWORD } from '../../local/api/users';
import { CYCLE, callApi, expectStatus, plan, startApiTwin, type ApiTwin } from '../../test/helpers/api-twin';
import { buildPortal, launch, newPage, screenshot, signIn } from './browser';

const NEW_OFFICE = 'dcb@yanping.example.cn';
const unitName = (id: string) => plan.units.find((u) => u.id === id)!.name;
const deliverables = plan.phases.flatMap((p) => p.deliverables);

describe('通讯录 and the overview export on the twin', () => {
  let api: ApiTwin;
  let browser: Browser;
  let portal: string;
  const downloads = mkdtempSync(join(tmpdir(), 'portal-downloads-'));

  beforeAll(async () => {
    const dist = buildPortal();
    [api, browser] = await Promise.all([startApiTwin({ portal: dist }), launch()]);
    portal = api.twin.endpoints.portal!;
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    rmSync(downloads, { recursive: true, force: true });
  });

  it('the 总览 exports every unit to an .xlsx: states in words and warning colours, a titled, frozen, A4 landscape sheet', async () => {
    const page = await newPage(browser);
    await signIn(page, portal, 'city', LOCAL_PASSWORD);
    await page.getByRole('heading', { name: '总览' }).waitFor();
    // Every page of the dashboard, then the workbook built in the browser: longer than Playwright's 30 s on a busy machine.
    const download = page.waitForEvent('download', { timeout: 120_000 });
    await page.getByRole('button', { name: '导出 Excel' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`总览-${CYCLE}-2016-11-10.xlsx`);
    const path = join(downloads, file.suggestedFilename());
    await file.saveAs(path);

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const sheet = book.getWorksheet('总览')!;
    const text = (row: number, col: number) => String(sheet.getRow(row).getCell(col).value ?? '');
    expect(text(1, 1).startsWith(`${plan.title}（${CYCLE}）总览　导出时间：2016年11月10日 `)).toBe(true);
    expect(text(1, 1)).toMatch(/ \d\d:\d\d（北京时间）$/);
    const header = sheet.getRow(2).values as unknown[];
    expect(header.slice(1, 2 + deliverables.length + 1)).toEqual(['单位', ...deliverables.map((d) => d.name), '初评']);
    expect(header.slice(2 + deliverables.length + 1)).toEqual(['按时报送（份）', '逾期报送（份）', '逾期未报（份）', '及时率', '创建覆盖率', '合格率']);
    // Every unit once, in plan order.
    expect(Array.from({ length: plan.units.length }, (_, i) => text(3 + i, 1))).toEqual(plan.units.map((u) => u.name));
    expect(sheet.rowCount).toBe(2 + plan.units.length);
    const col = (id: string) => 2 + deliverables.findIndex((d) => d.id === id);
    const row = (unitId: string) => 3 + plan.units.findIndex((u) => u.id === unitId);
    const fill = (r: number, c: number) => (sheet.getRow(r).getCell(c).fill as { fgColor?: { argb?: string } }).fgColor?.argb;
    // yanping sent its implementation plan and its report; jianyang sent nothing, long past due: red.
    expect(text(row('yanping'), col('implementation-plan'))).toBe('已报送');
    expect(fill(row('yanping'), col('implementation-plan'))).toBe('FFF6FFED');
    expect(text(row('yanping'), col('self-assessment-report'))).toMatch(/^(已报送|逾期报送)$/);
    expect(text(row('jianyang'), col('progress-report-1'))).toMatch(/^逾期未报/);
    expect(fill(row('jianyang'), col('progress-report-1'))).toBe('FFFFF1F0');
    expect(text(row('yanping'), 2 + deliverables.length)).toBe('第 1 轮');
    // The figures as the API gives them: yanping's self-assessment coverage as a percentage.
    const coverage = sheet.getRow(row('yanping')).getCell(2 + deliverables.length + 5);
    expect(coverage.value).toEqual(expect.any(Number));
    expect(coverage.numFmt).toBe('0.0%');
    expect(sheet.getRow(row('jianyang')).getCell(2 + deliverables.length + 5).value).toBe('—');
    // Frozen title and header (and the unit column), column widths, A4 landscape on one page wide.
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 2 });
    expect(sheet.getColumn(1).width).toBe(16);
    expect(sheet.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToWidth: 1 });
  });

  it('the city corrects yanping\'s office address in 通讯录; the directory shows it and the next email goes there', async () => {
    const page = await newPage(browser);
    await signIn(page, portal, 'city', LOCAL_PASSWORD);
    await page.getByRole('heading', { name: '总览' }).waitFor();
    await page.getByRole('menuitem', { name: '通讯录' }).click();
    await page.getByRole('heading', { name: '通讯录' }).waitFor();
    const yanping = plan.units.find((u) => u.id === 'yanping')!;
    await page.getByRole('cell', { name: yanping.office.email }).waitFor();
    await screenshot(page, 'city-directory');

    await page.getByRole('button', { name: `修改通讯录：${unitName('yanping')}` }).click();
    const dialog = page.getByRole('dialog', { name: `修改通讯录：${unitName('yanping')}` });
    await dialog.getByLabel('办公室邮箱').fill('not-an-address');
    await dialog.getByRole('button', { name: '保存' }).click();
    const refused = dialog.getByRole('alert').filter({ hasText: '通讯录未修改' });
    await refused.waitFor();
    expect(await refused.textContent()).toContain('office.email');
    expect(await api.twin.ctx.repo.listUnitContactVersions(CYCLE, 'yanping')).toEqual([]);
    await screenshot(page, 'city-directory-edit-refused');

    await dialog.getByLabel('办公室邮箱').fill(NEW_OFFICE);
    await dialog.getByLabel('办公室电话').fill('0599-8888888');
    await dialog.getByLabel('修改理由（记入操作日志）').fill('办公室邮箱变更');
    await dialog.getByRole('button', { name: '保存' }).click();
    await page.getByRole('alert').filter({ hasText: `已保存${unitName('yanping')}的通讯录（第 1 版）` }).waitFor();
    await page.getByRole('cell', { name: NEW_OFFICE }).waitFor();
    await page.getByRole('cell', { name: '0599-8888888' }).waitFor();
    expect(await page.getByRole('cell', { name: yanping.office.email }).count()).toBe(0);
    await screenshot(page, 'city-directory-edited');
    const versions = await api.twin.ctx.repo.listUnitContactVersions(CYCLE, 'yanping');
    expect(versions.map((v) => [v.version, v.contacts.office.email, v.previous.office.email, v.editedBy])).toEqual([[1, NEW_OFFICE, yanping.office.email, 'city']]);
    expect(await api.twin.ctx.repo.getPlan(CYCLE)).toEqual(plan);

    // The next email to the unit: the city returns its report; the twin's execution sends the 限期整改通知.
    const city = await api.twin.tokenFor('city');
    const decided = await callApi(api.twin, {
      method: 'PUT', path: `/cycles/${CYCLE}/units/yanping/reviews/1/decision`, token: city, body: { outcome: 'returned', reason: '请补充塔前村的创建材料。' },
    });
    expectStatus(decided, 201, 'decide-review');
    await expect.poll(async () => (await api.twin.inbox()).filter((m) => m.subject.includes('限期整改通知')).map((m) => m.destination.to), { timeout: 60_000, interval: 1_000 })
      .toEqual([[NEW_OFFICE]]);

    // The unit's sent mail, from the directory: the notice, and where it went.
    await page.getByRole('link', { name: `已发邮件：${unitName('yanping')}` }).click();
    await page.getByRole('heading', { name: `${unitName('yanping')} · 消息` }).waitFor();
    // (消息's screenshot and axe check are portal.test.ts's.)
    await page.getByRole('row').filter({ hasText: '限期整改通知' }).getByText(NEW_OFFICE).waitFor();
  });

  it('a county user is refused 通讯录: no menu entry, and the address answers with a refusal, no contact shown', async () => {
    const page = await newPage(browser);
    await signIn(page, portal, 'yanping', LOCAL_PASSWORD);
    await page.getByRole('heading', { name: `${unitName('yanping')} · 工作台` }).waitFor();
    expect(await page.getByRole('menuitem', { name: '通讯录' }).count()).toBe(0);
    await page.goto(`${portal}directory`);
    const refusal = page.getByRole('alert').filter({ hasText: '无法读取通讯录' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('无权访问该资源');
    expect(await page.getByText(plan.units.find((u) => u.id === 'jianyang')!.office.email).count()).toBe(0);
    await screenshot(page, 'county-directory-refused');
  });
});
