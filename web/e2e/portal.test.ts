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
import { buildPortal, launch, newPage, PHONE, screenshot, signIn } from './browser';
import { rosterXlsx, XLSX_TYPE } from './files';

const FIRST_TIMER = 'jianyang';
const TEMPORARY = 'Temp-Jianyang-2026!';
const unitName = (id: string) => plan.units.find((u) => u.id === id)!.name;

describe('the portal on the twin', () => {
  let api: ApiTwin;
  let browser: Browser;
  let portal: string;

  beforeAll(async () => {
    const dist = buildPortal();
    const users = usersFromPlan(plan).map((u) => (u.username === FIRST_TIMER ? { ...u, temporaryPassword: TEMPORARY } : u));
    // A second person of the city office, to decide the same round as `city`.
    users.push({ username: 'city2', groups: [CITY_GROUP], label: '市打传办（第二位）' });
    [api, browser] = await Promise.all([startApiTwin({ portal: dist, users }), launch()]);
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
    // The report's PDF is read in the page: the browser's viewer, from a link that shows it inline.
    await first.getByRole('button', { name: /^阅读 .+\.pdf$/ }).first().click();
    const viewer = first.getByTitle(/^正在阅读：.+\.pdf$/);
    await viewer.waitFor();
    const shown = await fetch((await viewer.getAttribute('src'))!);
    expect(shown.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(shown.headers.get('content-type')).toBe('application/pdf');
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
    await page.getByRole('link', { name: '报送 自评报告' }).click();

    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: '选择文件' }).click();
    await (await chooser).setFiles({ name: '延平区自评报告（整改）.pdf', mimeType: 'application/pdf', buffer: PDF_BYTES });
    const sha256 = createHash('sha256').update(PDF_BYTES).digest('hex');
    await page.getByText(`SHA-256 ${sha256}`).waitFor();

    await page.getByLabel('自评说明').fill('已补充塔前村的创建材料。');
    // The roster from the county's own spreadsheet: what was read fills the roster, what was refused is listed by row.
    const sheet = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: '从 Excel/CSV 导入名单' }).click();
    await (await sheet).setFiles({ name: '延平区名单.xlsx', mimeType: XLSX_TYPE, buffer: await rosterXlsx() });
    const imported = page.getByRole('region', { name: '导入结果' });
    await imported.getByText('读取 3 行，拒绝 1 行').waitFor();
    await imported.getByText('第 5 行：“是否已创建”的值“也许”无法识别，应填“是”或“否”').waitFor();
    expect(await page.getByLabel('第 2 行 社区（村）名称').inputValue()).toBe('塔前村');
    expect(await page.getByLabel('第 2 行 已创建').isChecked()).toBe(true);
    await page.getByLabel('第 1 行 社区（村）名称').fill('水南社区（一组）');
    // The plan's score sheet: each item with its maximum; one scored, with the PDF as its evidence.
    const item = plan.rubric.items.find((i) => i.kind === 'standard')!;
    const row = page.getByRole('group', { name: '考核评分表' }).getByRole('row').filter({ hasText: item.title });
    expect(await row.getByRole('cell').nth(1).textContent()).toBe(String(item.maxPoints));
    await page.getByLabel(`${item.title} 自评得分`).fill(String(item.maxPoints));
    // From the keyboard, as antd's list is drawn apart from its accessible options: type to filter, Enter to pick.
    await page.getByLabel(`${item.title} 佐证材料`).click();
    await page.keyboard.type('整改');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    // Nothing is confirmed before the server's preview of exactly what is sent.
    expect(await page.getByRole('button', { name: '确认报送' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '预览自评结果' }).click();
    const preview = page.getByRole('region', { name: '预览结果' });
    await preview.getByText(`${item.maxPoints} / ${plan.rubric.total}`).waitFor();
    expect(await preview.textContent()).toContain('100.0%');
    await screenshot(page, 'county-self-assessment-form');
    await page.getByRole('button', { name: '确认报送' }).click();
    await page.getByRole('heading', { name: '已收到第 2 版' }).waitFor();
    const v2 = await api.twin.ctx.repo.getSubmission(plan.cycleId, 'yanping', 'self-assessment-report', 2);
    expect(v2?.selfAssessment?.roster).toEqual([
      { name: '水南社区（一组）', created: true, qualified: true }, { name: '塔前村', created: true, qualified: true }, { name: '夏道村', created: true, qualified: false },
    ]);
    expect(v2?.selfAssessment?.scores).toEqual([{ itemId: item.id, score: item.maxPoints, evidence: [v2!.documents[0].uploadId] }]);

    await page.getByRole('link', { name: '查看并打印回执' }).click();
    await page.getByRole('heading', { name: '回执' }).waitFor();
    await page.getByText(sha256).waitFor();
    await page.getByRole('button', { name: '打印回执' }).waitFor();
    await screenshot(page, 'county-receipt');
  });

  it('消息 lists the receipt and the notices in Beijing time; the county signs for one, once, and the unsigned count drops', async () => {
    const page = await newPage(browser);
    await signIn(page, portal, 'yanping', LOCAL_PASSWORD);
    const unsigned = page.getByRole('alert').filter({ hasText: /有 \d+ 条通知尚未签收/ });
    const before = Number((await unsigned.textContent())!.match(/有 (\d+) 条/)![1]);
    expect(before).toBeGreaterThan(0);
    await unsigned.getByRole('link', { name: '前往签收' }).click();
    await page.getByRole('heading', { name: `${unitName('yanping')} · 消息` }).waitFor();
    const ledger = (await api.twin.ctx.repo.listUnitMessages(plan.cycleId, 'yanping')).filter((m) => m.status === 'sent');
    const receipt = ledger.find((m) => m.kind === 'receipt' && m.milestone === 'self-assessment-report#v2')!;
    const rectification = ledger.find((m) => m.kind === 'rectification')!;
    for (const m of [receipt, rectification]) await page.getByRole('row').filter({ hasText: m.subject }).waitFor();
    // A receipt is ours, not a notice: nothing to sign. The rectification notice is signed for.
    expect(await page.getByRole('row').filter({ hasText: receipt.subject }).getByRole('button').count()).toBe(0);
    await page.getByRole('button', { name: `签收：${rectification.subject}` }).click();
    const signedRow = page.getByRole('row').filter({ hasText: rectification.subject });
    await signedRow.getByText(/已签收：yanping，\d{4}年\d+月\d+日 \d\d:\d\d/).waitFor();
    await page.getByRole('alert').filter({ hasText: before - 1 > 0 ? `有 ${before - 1} 条通知尚未签收` : '通知均已签收' }).waitFor();
    const signatures = await api.twin.ctx.repo.listNoticeSignatures(plan.cycleId, 'yanping');
    expect(signatures.map((x) => [x.kind, x.signedBy])).toEqual([['rectification', 'yanping']]);
    await screenshot(page, 'county-messages');
  });

  it('an EXE renamed to .pdf is refused by the server check, in Chinese', async () => {
    const page = await newPage(browser);
    await signIn(page, portal, 'yanping', LOCAL_PASSWORD);
    await page.getByRole('link', { name: '报送 自评报告' }).click();
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
  it("the city's 初评队列 lists yanping's resubmission; the city approves round 2 and the 总览 shows 合格", async () => {
    const page = await newPage(browser);
    await signIn(page, portal, 'city', LOCAL_PASSWORD);
    await page.getByRole('heading', { name: '总览' }).waitFor();
    await page.getByRole('menuitem', { name: '初评队列' }).click();
    await page.getByRole('heading', { name: '初评队列' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: unitName('yanping') });
    await row.getByText('第 2 轮').waitFor();
    await row.getByText('第 2 版').waitFor();
    // jianyang sent nothing: nothing of it waits for the city.
    expect(await page.getByRole('row').filter({ hasText: unitName('jianyang') }).count()).toBe(0);
    await screenshot(page, 'city-review-queue');
    await row.getByRole('link', { name: `初评 ${unitName('yanping')}` }).click();
    await page.getByRole('heading', { name: `初评：${unitName('yanping')}` }).waitFor();
    await page.getByRole('radio', { name: '通过' }).check();
    await page.getByRole('button', { name: '提交决定' }).click();
    await page.getByText('第 2 轮初评已通过').waitFor();
    // The unit's execution records the outcome; the 总览 shows it once it has.
    await expect.poll(async () => {
      await page.goto(`${portal}overview`);
      return page.getByRole('link', { name: `初评 ${unitName('yanping')}` }).textContent();
    }, { timeout: 60_000, interval: 2_000 }).toBe('合格');
    await screenshot(page, 'city-overview-qualified');
  });

  it("the city grants jianyang an extension, then reads its sent mail and its audit log", async () => {
    const report = plan.phases.flatMap((p) => p.deliverables).find((d) => d.id === 'self-assessment-report')!;
    const page = await newPage(browser);
    await signIn(page, portal, 'city', LOCAL_PASSWORD);
    await page.getByRole('heading', { name: '总览' }).waitFor();
    await page.getByRole('link', { name: unitName('jianyang'), exact: true }).click();
    await page.getByRole('heading', { name: `${unitName('jianyang')} · 工作台` }).waitFor();
    const row = page.getByRole('row').filter({ hasText: report.name });
    await row.getByRole('button', { name: `批准延期：${report.name}` }).click();
    const dialog = page.getByRole('dialog', { name: `批准延期：${report.name}` });
    await dialog.getByLabel('新的截止日（北京时间，含当日）').fill('2016-11-15');
    await dialog.getByLabel('新的截止日（北京时间，含当日）').press('Enter');
    await dialog.getByLabel('延期理由').fill('县领导班子调整，准予延期');
    await dialog.getByRole('button', { name: '批准延期' }).click();
    await page.getByText(`已批准延期：${report.name}截止日改为 2016年11月15日`).waitFor();
    await row.getByText('已延期').waitFor();
    await row.getByText('2016年11月15日 23:59').waitFor();

    await page.getByRole('link', { name: '消息与签收' }).click();
    await page.getByRole('heading', { name: `${unitName('jianyang')} · 消息` }).waitFor();
    const sent = await api.twin.ctx.repo.listUnitMessages(plan.cycleId, 'jianyang');
    const notice = sent.find((m) => m.kind === 'extension')!;
    await page.getByRole('row').filter({ hasText: notice.subject }).getByRole('cell', { name: '延期通知', exact: true }).waitFor();
    // The city reads; only the county signs.
    expect(await page.getByRole('button', { name: /^签收：/ }).count()).toBe(0);
    await screenshot(page, 'city-unit-messages');

    await page.getByRole('link', { name: '返回工作台' }).click();
    await page.getByRole('link', { name: '操作日志' }).click();
    await page.getByRole('heading', { name: `${unitName('jianyang')} · 操作日志` }).waitFor();
    const entry = page.getByRole('row').filter({ hasText: '批准延期' });
    await entry.getByText('县领导班子调整，准予延期').waitFor();
    expect(await entry.textContent()).toContain('city');
    await screenshot(page, 'city-unit-audit');
  });

  it('the city confirms one 通报批评 proposal with a note and withdraws another with a reason; the county signs for the notice from its link', async () => {
    const report = plan.phases.flatMap((p) => p.deliverables).find((d) => d.id === 'progress-report-1')!;
    const page = await newPage(browser);
    await signIn(page, portal, 'city', LOCAL_PASSWORD);
    await page.getByRole('heading', { name: '总览' }).waitFor();
    await page.getByRole('menuitem', { name: '督办提议' }).click();
    await page.getByRole('heading', { name: '督办提议' }).waitFor();
    const before = (await api.twin.ctx.repo.listProposals(plan.cycleId)).filter((p) => p.status === 'proposed').length;
    await page.getByText(`有 ${before} 项督办提议待确认`).waitFor();
    await screenshot(page, 'city-proposals');

    const proposalRow = (unit: string) => page.getByRole('row').filter({ hasText: unitName(unit) }).filter({ hasText: `逾期未报送：${report.name}` });
    const songxi = proposalRow('songxi');
    // The draft unfolds under its row.
    await songxi.getByRole('button', { name: /展开/ }).click();
    await page.getByText(`关于对${unitName('songxi')}的通报`).first().waitFor();
    await songxi.getByRole('button', { name: `确认印发：${unitName('songxi')}${report.name}` }).click();
    const confirm = page.getByRole('dialog', { name: `确认印发：对${unitName('songxi')}的通报批评` });
    await confirm.getByLabel('意见（可选，随通报发给该单位）').fill('请于11月20日前补报');
    await confirm.getByRole('button', { name: '确认印发' }).click();
    await songxi.getByText('已确认印发').waitFor();
    expect(await songxi.textContent()).toMatch(/city，.+；意见：请于11月20日前补报/);

    const guangze = proposalRow('guangze');
    await guangze.getByRole('button', { name: `撤销：${unitName('guangze')}${report.name}` }).click();
    const withdraw = page.getByRole('dialog', { name: `撤销督办提议：${unitName('guangze')}` });
    // No reason, no withdrawal.
    expect(await withdraw.getByRole('button', { name: '撤销提议' }).isDisabled()).toBe(true);
    await withdraw.getByLabel('撤销理由（必填）').fill('该县已书面说明汛期原因');
    await withdraw.getByRole('button', { name: '撤销提议' }).click();
    await guangze.getByText('已撤销').waitFor();
    await page.getByText(`有 ${before - 2} 项督办提议待确认`).waitFor();
    await screenshot(page, 'city-proposals-decided');

    // songxi follows its email's link (its page in this cycle) and signs for the 通报批评.
    const sent = await api.twin.ctx.repo.listUnitMessages(plan.cycleId, 'songxi');
    const notice = sent.find((m) => m.kind === 'criticism')!;
    expect(notice.subject).toContain(`通报批评：关于对${unitName('songxi')}的通报`);
    const county = await newPage(browser);
    await signIn(county, portal, 'songxi', LOCAL_PASSWORD);
    await county.getByRole('heading', { name: `${unitName('songxi')} · 工作台` }).waitFor();
    await county.goto(`${portal}units/songxi/messages?cycle=${plan.cycleId}`);
    await county.getByRole('heading', { name: `${unitName('songxi')} · 消息` }).waitFor();
    const row = county.getByRole('row').filter({ hasText: notice.subject });
    await row.getByRole('cell', { name: '通报批评', exact: true }).waitFor();
    await row.getByRole('button', { name: `签收：${notice.subject}` }).click();
    await row.getByText(/已签收：songxi/).waitFor();
    expect((await api.twin.ctx.repo.listProposals(plan.cycleId)).filter((p) => p.unitId === 'guangze' && p.status === 'withdrawn')).toHaveLength(1);
  });

  it("a county user's 工作台 in English (the plan's names), kept on reload, the API's refusal too; and back", async () => {
    const unit = plan.units.find((u) => u.id === 'yanping')!;
    const report = plan.phases.flatMap((p) => p.deliverables).find((d) => d.id === 'self-assessment-report')!;
    const page = await newPage(browser);
    await signIn(page, portal, 'yanping', LOCAL_PASSWORD);
    await page.getByRole('heading', { name: `${unit.name} · 工作台` }).waitFor();
    await page.getByRole('button', { name: 'Switch to English' }).click();
    const english = page.getByRole('heading', { name: `${unit.nameEn} · Workbench` });
    await english.waitFor();
    const menu = page.getByRole('navigation', { name: 'Main menu' });
    await menu.getByRole('menuitem', { name: 'Workbench' }).waitFor();
    await menu.getByRole('menuitem', { name: 'Messages' }).waitFor();
    await page.getByRole('note', { name: 'Legend' }).getByText(/^Red: overdue/).waitFor();
    await page.getByRole('row').filter({ hasText: report.nameEn }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await screenshot(page, 'county-workbench-english');

    // The choice is this browser's: a reload keeps it.
    await page.reload();
    await english.waitFor();

    // Another county's page: the page's words and the API's refusal, both in English.
    await page.goto(`${portal}units/jianyang`);
    const refusal = page.getByRole('alert').filter({ hasText: "Cannot read this unit's workbench" });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('You may not access this resource');
    expect(await refusal.textContent()).not.toMatch(/[\u4e00-\u9fff]/);
    await screenshot(page, 'county-other-unit-refused-english');

    // Back to Chinese: the page reads again, the API answers in Chinese.
    await page.getByRole('button', { name: '切换为中文' }).click();
    await page.getByRole('alert').filter({ hasText: '无法读取本单位的工作台' }).filter({ hasText: '无权访问该资源' }).waitFor();
    await page.getByRole('menuitem', { name: '工作台' }).click();
    await page.getByRole('heading', { name: `${unit.name} · 工作台` }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');

    // The sign-in page has the switch too: signed in from it in English, the 工作台 opens in English.
    const fresh = await newPage(browser);
    await fresh.goto(portal);
    await fresh.getByRole('button', { name: 'Switch to English' }).click();
    await fresh.getByRole('heading', { name: 'Pyramid-selling-free campaign' }).waitFor();
    await screenshot(fresh, 'sign-in-english');
    await fresh.getByLabel('User name').fill('yanping');
    await fresh.getByLabel('Password', { exact: true }).fill(LOCAL_PASSWORD);
    await fresh.getByRole('button', { name: 'Sign in', exact: true }).click();
    await fresh.getByRole('heading', { name: `${unit.nameEn} · Workbench` }).waitFor();
  });

  it('at phone width the 工作台 and the 总览 fit the screen: the page never scrolls sideways, the menu opens from its button', async () => {
    const widest = (page: Page) => page.evaluate('document.documentElement.scrollWidth') as Promise<number>;
    const county = await newPage(browser, { phone: true });
    await signIn(county, portal, 'yanping', LOCAL_PASSWORD);
    await county.getByRole('heading', { name: `${unitName('yanping')} · 工作台` }).waitFor();
    // The cycle's title is whole (wrapped, not cut), each phase's title shows, the deliverables' table
    // scrolls inside its own box.
    await county.getByText(plan.title, { exact: true }).first().waitFor();
    for (const phase of plan.phases) await county.getByRole('heading', { name: phase.name, exact: true }).waitFor();
    expect(await widest(county)).toBeLessThanOrEqual(PHONE.width);
    // The menu is folded away behind a named button, opens over the page and closes on a choice.
    const menuButton = county.getByRole('button', { name: '主菜单' });
    expect(await menuButton.getAttribute('aria-expanded')).toBe('false');
    await screenshot(county, 'phone-county-workbench');
    await menuButton.click();
    await county.getByRole('menuitem', { name: '消息' }).click();
    await county.getByRole('heading', { name: `${unitName('yanping')} · 消息` }).waitFor();
    expect(await menuButton.getAttribute('aria-expanded')).toBe('false');
    expect(await widest(county)).toBeLessThanOrEqual(PHONE.width);

    const city = await newPage(browser, { phone: true });
    await signIn(city, portal, 'city', LOCAL_PASSWORD);
    await city.getByRole('heading', { name: '总览' }).waitFor();
    await city.getByRole('note', { name: '图例' }).waitFor();
    expect(await widest(city)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(city, 'phone-city-overview');
  });

  it("a county registers its 社区/村名单; the city reads it, its 上报确认 (units still without an outcome) and its 文件", async () => {
    const county = await newPage(browser);
    await signIn(county, portal, 'songxi', LOCAL_PASSWORD);
    await county.getByRole('heading', { name: `${unitName('songxi')} · 工作台` }).waitFor();
    await county.getByRole('link', { name: '社区/村名单与交叉检查抽样' }).click();
    await county.getByRole('heading', { name: `${unitName('songxi')} · 社区/村名单` }).waitFor();
    await county.getByLabel('社区/村名单', { exact: true }).fill('松源社区,社区,是,张敏,0599-2301001\n渭田村,村,否,李强,0599-2301002');
    await county.getByRole('button', { name: '保存为新版本' }).click();
    await county.getByText('当前第 1 版').waitFor();
    await county.getByRole('cell', { name: '渭田村' }).waitFor();
    await screenshot(county, 'county-roster');
    expect((await api.twin.ctx.repo.getRoster(plan.cycleId, 'songxi'))?.communities.map((c) => [c.name, c.takingPart])).toEqual([['松源社区', true], ['渭田村', false]]);

    const city = await newPage(browser);
    await signIn(city, portal, 'city', LOCAL_PASSWORD);
    await city.getByRole('heading', { name: '总览' }).waitFor();
    await city.goto(`${portal}units/songxi/roster`);
    await city.getByRole('cell', { name: '松源社区' }).waitFor();
    expect(await city.getByRole('button', { name: '保存为新版本' }).count()).toBe(0);

    await city.getByRole('navigation', { name: '主菜单' }).getByRole('menuitem', { name: '上报确认' }).click();
    await city.getByRole('heading', { name: '上报确认' }).waitFor();
    // In the review no unit's outcome is final: the list cannot be confirmed yet, and the page says why.
    await city.getByText(/尚有 \d+ 个单位没有初评结果/).waitFor();
    expect(await city.getByRole('button', { name: '确认上报名单' }).isDisabled()).toBe(true);
    await screenshot(city, 'city-forwarding');

    await city.getByRole('navigation', { name: '主菜单' }).getByRole('menuitem', { name: '文件' }).click();
    await city.getByRole('heading', { name: '文件' }).waitFor();
    await city.getByText('尚未上报，暂无文件').waitFor();
    await screenshot(city, 'city-documents');
  });
});
