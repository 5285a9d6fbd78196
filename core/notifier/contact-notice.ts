/**
 * The notice to the city office that a directory address (通讯录邮箱) cannot be reached: formal zh-CN, plain
 * text and HTML, in the same layout as ./templates.ts (salutation, indented paragraphs, a table, the
 * signature). Kept apart from templates.ts only while that file is being reworked; it belongs there.
 */
import type { ContactStatus } from '../model';
import type { Plan } from '../plan/schema';
import { formatBeijing, weekdayZh } from '../time';
import { escapeHtml, type Rendered } from './templates';

/** Who in the plan's directory uses this address, e.g. `延平区打传办`, `延平区分管领导`; empty if nobody. */
export function directoryHolders(plan: Plan, email: string): string[] {
  const same = (a: string | undefined) => a !== undefined && a.toLowerCase() === email.toLowerCase();
  const holders: string[] = [];
  if (same(plan.city.email)) holders.push(plan.city.office);
  if (same(plan.city.leaderEmail)) holders.push(`${plan.city.name}打传办领导`);
  if (same(plan.province.email)) holders.push(plan.province.name);
  for (const u of plan.units) {
    if (same(u.office.email)) holders.push(u.office.name ?? `${u.name}打传办`);
    if (same(u.leader.email)) holders.push(u.leader.name ?? `${u.name}分管领导`);
  }
  return holders;
}

const REASON: Record<ContactStatus['reason'], string> = {
  bounce: '收件方邮件服务器永久退信（地址不存在或拒收）',
  complaint: '收件方将本系统邮件举报为垃圾邮件',
};

export function contactUndeliverableNotice(plan: Plan, status: ContactStatus, nowMs: number): Rendered {
  const holders = directoryHolders(plan, status.email);
  const who = holders.length > 0 ? holders.join('、') : '通讯录中的联系人';
  const when = `${formatBeijing(status.since, 'datetime')}（${weekdayZh(status.since)}）`;
  const subject = `【${plan.city.office.replace(/打击传销工作领导小组办公室$/, '打传办')}】邮箱无法送达，请更正通讯录：${who}`;
  const body = [
    `系统于${when}发往${who}邮箱 ${status.email} 的邮件未能送达，原因：${REASON[status.reason]}。`,
    '为避免通知继续丢失，系统已暂停向该邮箱发送邮件。请核实并更正通讯录中的邮箱地址，更正后在系统中标记为已更正，系统即恢复发送。在此期间，请以电话或其他方式将相关通知转告该单位。',
  ];
  const rows: Array<[string, string]> = [
    ['联系人', who],
    ['邮箱地址', status.email],
    ['原因', REASON[status.reason]],
    ['退信时间', formatBeijing(status.since, 'iso')],
    ['退信说明', status.detail || '（无）'],
  ];
  const signature = [plan.city.office, formatBeijing(nowMs, 'date')];
  const text = [
    `${plan.city.office}：`,
    '',
    ...body.map((b) => `    ${b}`),
    '',
    ...rows.map(([k, v]) => `    ${k}：${v}`),
    '',
    `    通讯录管理：${plan.portalUrl}`,
    '',
    ...signature.map((s) => `${' '.repeat(24)}${s}`),
    '',
    '（本邮件由系统自动发送，请勿直接回复。）',
  ].join('\n');
  const cell = 'padding:4px 12px;border:1px solid #ccc';
  const html = [
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head>',
    '<body style="font-family:\'SimSun\',\'Songti SC\',serif;font-size:16px;line-height:1.8;color:#222;max-width:720px">',
    `<p>${escapeHtml(plan.city.office)}：</p>`,
    ...body.map((b) => `<p style="text-indent:2em">${escapeHtml(b)}</p>`),
    `<table style="border-collapse:collapse;margin-left:2em">${rows
      .map(([k, v]) => `<tr><th style="text-align:left;${cell};background:#f6f6f6">${escapeHtml(k)}</th><td style="${cell}">${escapeHtml(v)}</td></tr>`)
      .join('')}</table>`,
    `<p style="text-indent:2em"><a href="${escapeHtml(plan.portalUrl)}">通讯录管理</a></p>`,
    `<p style="text-align:right">${signature.map(escapeHtml).join('<br>')}</p>`,
    '<p style="color:#888;font-size:12px">（本邮件由系统自动发送，请勿直接回复。）</p>',
    '</body></html>',
  ].join('');
  return { subject, text, html };
}
