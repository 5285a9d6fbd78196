/**
 * The email templates: formal zh-CN (公文 style), each with a plain-text and an HTML part, every date in
 * Beijing time with its weekday. Text that comes from people (names in the plan, review reasons) is
 * escaped in HTML. Recipients never come from here: callers take them from the plan's directory.
 *
 * The English versions and the full template set (working days, "还剩 N 个工作日") belong to the
 * reminders issue; the shape (one function per kind returning {subject, text, html}) is what it extends.
 */
import type { Deliverable, Phase, Plan, Unit } from '../plan/schema';
import { DateTime } from 'luxon';
import { formatBeijing, localDateOf, weekdayZh } from '../time';

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

/** The From header: the plan's sender (an SES-verified identity on AWS). */
export const fromAddress = (plan: Plan) => `${plan.sender.name} <${plan.sender.email}>`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const when = (instant: string) => `${formatBeijing(instant, 'datetime')}（${weekdayZh(instant)}）`;
/** Calendar days from today (Beijing) to the deadline's last day: 0 on the day itself. */
const daysLeft = (nowMs: number, dueAt: string) =>
  Math.max(0, DateTime.fromISO(localDateOf(dueAt)).diff(DateTime.fromISO(localDateOf(nowMs)), 'days').days);

interface Paragraphs {
  subject: string;
  salutation: string;
  body: string[];
  /** Optional table rows (label, value). */
  rows?: Array<[string, string]>;
  action?: { label: string; url: string };
}

function render(plan: Plan, p: Paragraphs, nowMs: number): Rendered {
  const signature = [plan.city.office, formatBeijing(nowMs, 'date')];
  const text = [
    `${p.salutation}：`,
    '',
    ...p.body.map((b) => `    ${b}`),
    ...(p.rows?.length ? ['', ...p.rows.map(([k, v]) => `    ${k}：${v}`)] : []),
    ...(p.action ? ['', `    ${p.action.label}：${p.action.url}`] : []),
    '',
    ...signature.map((s) => `${' '.repeat(24)}${s}`),
    '',
    '（本邮件由系统自动发送，请勿直接回复。）',
  ].join('\n');
  const html = [
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head>',
    '<body style="font-family:\'SimSun\',\'Songti SC\',serif;font-size:16px;line-height:1.8;color:#222;max-width:720px">',
    `<p>${escapeHtml(p.salutation)}：</p>`,
    ...p.body.map((b) => `<p style="text-indent:2em">${escapeHtml(b)}</p>`),
    p.rows?.length
      ? `<table style="border-collapse:collapse;margin-left:2em">${p.rows
          .map(
            ([k, v]) =>
              `<tr><th style="text-align:left;padding:4px 12px;border:1px solid #ccc;background:#f6f6f6">${escapeHtml(k)}</th><td style="padding:4px 12px;border:1px solid #ccc">${escapeHtml(v)}</td></tr>`,
          )
          .join('')}</table>`
      : '',
    p.action ? `<p style="text-indent:2em"><a href="${escapeHtml(p.action.url)}">${escapeHtml(p.action.label)}</a></p>` : '',
    `<p style="text-align:right">${signature.map(escapeHtml).join('<br>')}</p>`,
    '<p style="color:#888;font-size:12px">（本邮件由系统自动发送，请勿直接回复。）</p>',
    '</body></html>',
  ].join('');
  return { subject: `【${plan.city.office.replace(/打击传销工作领导小组办公室$/, '打传办')}】${p.subject}`, text, html };
}

const dueRow = (d: Deliverable, dueAt: string): [string, string] => [d.name, `${when(dueAt)}前（含）`];

export const templates = {
  phaseOpened(plan: Plan, unit: Unit, phase: Phase, due: Array<{ deliverable: Deliverable; dueAt: string }>, nowMs: number): Rendered {
    return render(plan, {
      subject: `关于开展“${phase.name}”阶段工作的通知`,
      salutation: `${unit.name}打传办`,
      body: [
        `根据《${plan.title}》工作安排，“${phase.name}”阶段自${formatBeijing(phase.opens, 'date')}起至${formatBeijing(phase.closes, 'date')}止。`,
        due.length
          ? '请按下列时限报送材料，逾期未报送的将按规定督办。'
          : '本阶段无需报送材料，请按工作方案组织实施。',
      ],
      rows: due.map((x) => dueRow(x.deliverable, x.dueAt)),
      action: { label: '报送入口', url: plan.portalUrl },
    }, nowMs);
  },

  reminder(plan: Plan, unit: Unit, deliverable: Deliverable, dueAt: string, nowMs: number): Rendered {
    const left = daysLeft(nowMs, dueAt);
    return render(plan, {
      subject: `提醒：请于${when(dueAt)}前报送${deliverable.name}${left > 0 ? `（还剩${left}天）` : '（今日截止）'}`,
      salutation: `${unit.name}打传办`,
      body: [
        `贵单位尚未报送${deliverable.name}。报送截止时间为${when(dueAt)}（北京时间，含当时），${left > 0 ? `距截止还剩${left}天` : '今日截止'}。`,
        '请抓紧完成并通过系统报送；已报送的请忽略本提醒。',
      ],
      action: { label: '报送入口', url: plan.portalUrl },
    }, nowMs);
  },

  escalation(plan: Plan, unit: Unit, deliverable: Deliverable, dueAt: string, audience: 'unit-leader' | 'city-office', nowMs: number): Rendered {
    return render(plan, {
      subject: `督办：${unit.name}未按时报送${deliverable.name}`,
      salutation: audience === 'unit-leader' ? `${unit.name}${unit.leader.name ?? ''}分管领导` : plan.city.office,
      body: [
        `${unit.name}应于${when(dueAt)}前报送${deliverable.name}，截至目前尚未报送。`,
        audience === 'unit-leader'
          ? '请督促本地打传办立即报送，并说明逾期原因。逾期情况将纳入考评。'
          : '现按工作方案提请市打传办督办。',
      ],
      action: { label: '查看报送情况', url: plan.portalUrl },
    }, nowMs);
  },

  receipt(plan: Plan, unit: Unit, deliverable: Deliverable, v: { version: number; receivedAt: string; onTime: boolean; documents: Array<{ fileName: string; sha256: string }> }, nowMs: number): Rendered {
    return render(plan, {
      subject: `回执：已收到${unit.name}报送的${deliverable.name}（第${v.version}版）`,
      salutation: `${unit.name}打传办`,
      body: [`系统已于${when(v.receivedAt)}收到贵单位报送的${deliverable.name}（第${v.version}版）。`],
      rows: [
        ['接收时间', formatBeijing(v.receivedAt, 'iso')],
        ['是否按时', v.onTime ? '按时' : '逾期'],
        ...v.documents.map((d): [string, string] => [d.fileName, `SHA-256 ${d.sha256}`]),
      ],
      action: { label: '查看报送记录', url: plan.portalUrl },
    }, nowMs);
  },

  rectification(plan: Plan, unit: Unit, deliverable: Deliverable, reason: string | undefined, dueAt: string, nowMs: number): Rendered {
    return render(plan, {
      subject: `限期整改通知：${unit.name}${deliverable.name}初评未通过`,
      salutation: `${unit.name}打传办`,
      body: [
        `经市打传办初评，贵单位报送的${deliverable.name}未达到要求，现予退回，请限期整改。`,
        `整改意见：${reason ?? '详见系统中的评分意见。'}`,
        `请于${when(dueAt)}前完成整改并重新报送。逾期未报送的，将按规定挂牌督办、通报批评。`,
      ],
      action: { label: '重新报送', url: plan.portalUrl },
    }, nowMs);
  },

  outcome(plan: Plan, unit: Unit, outcome: string, nowMs: number): Rendered {
    const text: Record<string, string> = {
      qualified: '经市打传办初评，贵单位达到创建标准，初评合格，将上报省局考评认定。',
      'not-qualified': '经市打传办初评，贵单位经整改后仍未达到创建标准，初评不合格。',
      'not-submitted': '贵单位在初评期限内未报送自评报告，初评不合格，将予以通报批评。',
      'rectification-missed': '贵单位未在整改期限内重新报送，初评不合格，将予以挂牌督办、通报批评。',
      'review-overdue': '贵单位的自评报告未能在初评期限内完成审核，请与市打传办联系。',
    };
    return render(plan, {
      subject: `初评结果通知：${unit.name}${outcome === 'qualified' ? '初评合格' : '初评未通过'}`,
      salutation: `${unit.name}打传办`,
      body: [text[outcome] ?? outcome],
      action: { label: '查看详情', url: plan.portalUrl },
    }, nowMs);
  },

  provinceForwarding(plan: Plan, qualified: Unit[], notQualified: Unit[], nowMs: number): Rendered {
    return render(plan, {
      subject: `关于报送${plan.city.name}${plan.year}年度无传销县(市、区)初评合格名单的报告`,
      salutation: plan.province.name,
      body: [
        `根据《${plan.title}》，${plan.city.name}打传办已完成对各县(市、区)的初评。现将初评合格名单报上，请予考评认定。`,
        `初评合格：${qualified.length}个；未通过：${notQualified.length}个。`,
      ],
      rows: [
        ['初评合格', qualified.map((u) => u.name).join('、') || '无'],
        ['未通过', notQualified.map((u) => u.name).join('、') || '无'],
      ],
    }, nowMs);
  },
};
