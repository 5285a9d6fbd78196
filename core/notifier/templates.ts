/**
 * The email templates: formal zh-CN (公文 style) and English, each email with a plain-text and an HTML
 * part, every date in Beijing time with its weekday, days left counted as the plan counts them (working
 * days, with 调休, by default), and a link to where to act. Text that comes from people (names in the
 * plan, review reasons) is escaped in HTML. Recipients never come from here: callers take them from the
 * plan's directory.
 *
 * Each template is a Draft in both languages; render() sends zh-CN, and English after it when the plan's
 * `notices.languages` includes 'en'.
 *
 * No level of government is written here: the running office, its units and the superior the list goes to
 * are named in the plan's words (市打传办 / 区打传办, 县(市、区) / 街道, 省局 / 杭州市打传办; see the plan's
 * `city`, `unitLevel` and `province`). Every email is signed by the running office, with its contact person
 * and telephone and the document that issued the plan (issuer and 文号).
 */
import { DateTime } from 'luxon';
import type { ContactStatus } from '../model';
import { COMMUNITY_KIND_ZH, type InspectionSample } from '../inspection/model';
import type { Deliverable, InspectionGroup, InspectionWindow, Phase, Plan, Unit } from '../plan/schema';
import { isRosterDeliverable } from '../plan/roster-deliverable';
import { formatBeijing, localDateOf, weekdayZh } from '../time';

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

type Lang = 'zh' | 'en';
type Text = Record<Lang, string>;

interface Draft {
  subject: Text;
  salutation: Text;
  body: Text[];
  /** Optional table rows (label, value). */
  rows?: Array<[Text, Text]>;
  action?: { label: Text; url: string };
}

/** The From header: the plan's sender (an SES-verified identity on AWS). */
export const fromAddress = (plan: Plan) => `${plan.sender.name} <${plan.sender.email}>`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** A deadline as people read it: `2016年11月9日（星期三）23:59` / `9 November 2016, 23:59 (Wednesday)`. */
export const when = (instant: string, lang: Lang) =>
  lang === 'zh'
    ? `${formatBeijing(instant, 'date', 'zh')}（${weekdayZh(instant)}）${DateTime.fromISO(instant, { zone: 'Asia/Shanghai' }).toFormat('HH:mm')}`
    : `${formatBeijing(instant, 'datetime', 'en')} (${DateTime.fromISO(instant, { zone: 'Asia/Shanghai' }).setLocale('en').weekdayLong})`;
const date = (d: string, lang: Lang) => formatBeijing(`${d}T12:00:00+08:00`, 'date', lang);
const both = (f: (lang: Lang) => string): Text => ({ zh: f('zh'), en: f('en') });

/** Days left before a deadline, as the plan counts them. `null` when the count is in calendar days. */
export interface DaysLeft {
  days: number;
  working: boolean;
}
const leftText = (left: DaysLeft): Text =>
  left.days === 0
    ? { zh: '今日截止', en: 'due today' }
    : left.working
      ? { zh: `还剩 ${left.days} 个工作日`, en: `${left.days} working day${left.days > 1 ? 's' : ''} left` }
      : { zh: `还剩 ${left.days} 天`, en: `${left.days} day${left.days > 1 ? 's' : ''} left` };

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const officeName = (plan: Plan): Text => ({ zh: plan.city.office, en: plan.city.officeEn });

/** The 落款: the running office, the date, its contact person and telephone, the issuing document (issuer 文号). */
export function signature(plan: Plan, lang: Lang, nowMs: number): string[] {
  const { contact } = plan.city;
  const doc = plan.issuingDocument;
  return lang === 'zh'
    ? [plan.city.office, formatBeijing(nowMs, 'date', 'zh'), `联系人：${contact.name}　联系电话：${contact.telephone}`, `依据文件：${doc.issuer} ${doc.number}`]
    : [plan.city.officeEn, formatBeijing(nowMs, 'date', 'en'), `Contact: ${contact.name}, tel. ${contact.telephone}`, `Under ${doc.number}, issued by ${doc.issuer}`];
}

function block(plan: Plan, d: Draft, lang: Lang, nowMs: number, html: boolean): string {
  const signed = signature(plan, lang, nowMs);
  const colon = lang === 'zh' ? '：' : ': ';
  if (!html) {
    return [
      `${d.salutation[lang]}${lang === 'zh' ? '：' : ','}`,
      '',
      ...d.body.map((b) => `    ${b[lang]}`),
      ...(d.rows?.length ? ['', ...d.rows.map(([k, v]) => `    ${k[lang]}${colon}${v[lang]}`)] : []),
      ...(d.action ? ['', `    ${d.action.label[lang]}${colon}${d.action.url}`] : []),
      '',
      ...signed.map((s) => `${' '.repeat(24)}${s}`),
    ].join('\n');
  }
  const cell = 'padding:4px 12px;border:1px solid #ccc';
  return [
    `<p>${escapeHtml(d.salutation[lang])}${lang === 'zh' ? '：' : ','}</p>`,
    ...d.body.map((b) => `<p style="text-indent:2em">${escapeHtml(b[lang])}</p>`),
    d.rows?.length
      ? `<table style="border-collapse:collapse;margin-left:2em">${d.rows
          .map(([k, v]) => `<tr><th style="text-align:left;background:#f6f6f6;${cell}">${escapeHtml(k[lang])}</th><td style="${cell}">${escapeHtml(v[lang])}</td></tr>`)
          .join('')}</table>`
      : '',
    d.action ? `<p style="text-indent:2em"><a href="${escapeHtml(d.action.url)}">${escapeHtml(d.action.label[lang])}</a></p>` : '',
    `<p style="text-align:right">${signed.map(escapeHtml).join('<br>')}</p>`,
  ].join('');
}

const AUTO: Text = { zh: '（本邮件由系统自动发送，请勿直接回复。）', en: '(Sent automatically; please do not reply to this email.)' };

function render(plan: Plan, d: Draft, nowMs: number): Rendered {
  const langs: Lang[] = plan.notices.languages.includes('en') ? ['zh', 'en'] : ['zh'];
  const prefix = `【${plan.city.shortName}】`;
  const subject = `${prefix}${d.subject.zh}${langs.includes('en') ? ` / ${d.subject.en}` : ''}`;
  const text = [...langs.map((l) => block(plan, d, l, nowMs, false)), langs.map((l) => AUTO[l]).join(' ')].join('\n\n————————\n\n');
  const html = [
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head>',
    '<body style="font-family:\'SimSun\',\'Songti SC\',serif;font-size:16px;line-height:1.8;color:#222;max-width:720px">',
    langs.map((l) => `<section lang="${l === 'zh' ? 'zh-CN' : 'en'}">${block(plan, d, l, nowMs, true)}</section>`).join('<hr>'),
    `<p style="color:#888;font-size:12px">${langs.map((l) => escapeHtml(AUTO[l])).join(' ')}</p>`,
    '</body></html>',
  ].join('');
  return { subject, text, html };
}

const nameOf = (unit: Unit): Text => ({ zh: unit.name, en: unit.nameEn ?? unit.name });
/** The unit's office as the directory names it (`延平区打传办`, `浦沿街道打传办`), else `<unit>打传办`. */
const officeOf = (unit: Unit): Text => ({ zh: unit.office.name ?? `${unit.name}打传办`, en: `${nameOf(unit).en} office` });
/**
 * The unit's leader in charge as the directory names the holder (`延平区分管领导`), else `<unit>分管领导`. The
 * directory's name already says whose leader it is: nothing is put before or after it (it once read
 * `延平区延平区分管领导分管领导`).
 */
const leaderOf = (unit: Unit): Text => ({ zh: unit.leader.name ?? `${unit.name}分管领导`, en: `the leader in charge, ${nameOf(unit).en}` });
/**
 * A link to the portal page the message is about, in the message's cycle (`?cycle=`: the portal opens that
 * cycle even when the user works in several). Paths are the portal's routes (web/src/main.tsx).
 */
const portal = (plan: Plan, zh: string, en: string, path = '/') => {
  const url = new URL(plan.portalUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.searchParams.set('cycle', plan.cycleId);
  return { label: { zh, en }, url: url.toString() };
};
const unitPage = (unit: Unit, rest = '') => `/units/${encodeURIComponent(unit.id)}${rest}`;
/** Where a deliverable is sent: its submission page; the roster registration's is the roster page (core/plan/roster-deliverable.ts). */
const deliverablePage = (unit: Unit, d: Deliverable) =>
  isRosterDeliverable(d.id) ? unitPage(unit, '/roster') : unitPage(unit, `/deliverables/${encodeURIComponent(d.id)}`);
const phaseName = (phase: Phase): Text => ({ zh: phase.name, en: phase.nameEn });
const item = (d: Deliverable): Text => ({ zh: d.name, en: d.nameEn });

/** What was missed: a deliverable's deadline, a rectification deadline (限期整改), or the 签收 of a rectification notice. */
type Missed = 'deliverable' | 'rectification' | 'signing';
const missed = (about: Missed, d: Deliverable): Text =>
  about === 'signing'
    ? { zh: `未按期签收${d.name}限期整改通知`, en: `did not sign for the rectification notice on its ${d.nameEn} in time` }
    : about === 'rectification'
      ? { zh: `未按期完成${d.name}整改`, en: `missed the rectification deadline for ${d.nameEn}` }
      : { zh: `未按时报送${d.name}`, en: `missed the deadline for ${d.nameEn}` };

const missedBy = (d: Deliverable, dueAt: string, about: Missed): Text =>
  about === 'signing'
    ? { zh: `未在${when(dueAt, 'zh')}前签收${d.name}限期整改通知`, en: `did not sign for the rectification notice on its ${d.nameEn} by ${when(dueAt, 'en')}` }
    : about === 'rectification'
      ? { zh: `未在${when(dueAt, 'zh')}前完成${d.name}整改`, en: `did not rectify its ${d.nameEn} by ${when(dueAt, 'en')}` }
      : { zh: `未在${when(dueAt, 'zh')}前报送${d.name}`, en: `did not submit the ${d.nameEn} due ${when(dueAt, 'en')}` };

/** The 通报批评 itself: the text the draft proposes, and what the unit receives once the city confirms it. */
export function criticismText(plan: Plan, unit: Unit, deliverable: Deliverable, dueAt: string, about: Missed): Text {
  const what = missedBy(deliverable, dueAt, about);
  return {
    zh: `关于对${unit.name}的通报：${unit.name}未按《${plan.title}》要求，${what.zh}，影响${plan.city.areaWord}创建工作进度。现予通报批评，并列入挂牌督办，限期整改。`,
    en: `Notice concerning ${nameOf(unit).en}: against "${plan.title}", it ${what.en}, holding back the work across ${plan.city.areaWordEn}. It is criticised and listed for supervision, with a deadline to rectify.`,
  };
}

/** Who in the plan's directory uses this address, e.g. `延平区打传办`, `延平区分管领导`; empty if nobody. */
export function directoryHolders(plan: Plan, email: string): Text[] {
  const same = (a: string | undefined) => a !== undefined && a.toLowerCase() === email.toLowerCase();
  const holders: Text[] = [];
  if (same(plan.city.email)) holders.push(officeName(plan));
  if (same(plan.city.leaderEmail)) holders.push({ zh: `${plan.city.shortName}领导`, en: `the head of ${plan.city.officeEn}` });
  if (same(plan.province.email)) holders.push({ zh: plan.province.name, en: plan.province.nameEn });
  for (const u of plan.units) {
    if (same(u.office.email)) holders.push({ zh: officeOf(u).zh, en: u.office.name ?? officeOf(u).en });
    if (same(u.leader.email)) holders.push(leaderOf(u));
  }
  return holders;
}

const UNDELIVERABLE: Record<ContactStatus['reason'], Text> = {
  bounce: { zh: '收件方邮件服务器永久退信（地址不存在或拒收）', en: "the receiving mail server bounced it permanently (no such address, or refused)" },
  complaint: { zh: '收件方将本系统邮件举报为垃圾邮件', en: 'the recipient reported the system\'s email as spam' },
};

/** What the 初评结果通知 says of the unit's cross-inspection (core/use-cases/inspection-results.ts unitInspectionGlance). */
export interface OutcomeInspection {
  windowName: Text;
  opens: string;
  closes: string;
  /** The window's last day has passed: its standing is final. */
  closed: boolean;
  disqualifiedBy: ReadonlyArray<'veto-failed' | 'sampled-pass-rate'>;
  vetoFailed: readonly string[];
  sampledPassRate: number | null;
}

/** 一票否决项“…”未通过 / 抽查社区（村）合格率 66.7%，低于 80% 的要求: the veto items by their rubric titles. */
function inspectionReasons(plan: Plan, i: OutcomeInspection): Text {
  const title = (id: string) => plan.rubric.items.find((r) => r.id === id);
  const zh: string[] = [];
  const en: string[] = [];
  if (i.disqualifiedBy.includes('veto-failed')) {
    zh.push(`一票否决项${i.vetoFailed.map((id) => `“${title(id)?.title ?? id}”`).join('、')}未通过`);
    en.push(`the veto item${i.vetoFailed.length > 1 ? 's' : ''} ${i.vetoFailed.map((id) => `"${title(id)?.titleEn ?? title(id)?.title ?? id}"`).join(', ')} failed`);
  }
  if (i.disqualifiedBy.includes('sampled-pass-rate') && i.sampledPassRate !== null) {
    const rate = `${(Math.round(i.sampledPassRate * 1000) / 10).toFixed(1)}%`;
    zh.push(`抽查社区（村）合格率为 ${rate}，低于 ${plan.targets.passRatePercent}% 的要求`);
    en.push(`the sampled pass rate was ${rate}, under the required ${plan.targets.passRatePercent}%`);
  }
  return { zh: zh.join('，'), en: en.join(', and ') };
}

export const templates = {
  phaseOpened(plan: Plan, unit: Unit, phase: Phase, due: Array<{ deliverable: Deliverable; dueAt: string }>, nowMs: number): Rendered {
    return render(plan, {
      subject: { zh: `关于开展“${phase.name}”阶段工作的通知`, en: `The "${phase.nameEn}" phase begins` },
      salutation: officeOf(unit),
      body: [
        {
          zh: `根据《${plan.title}》工作安排，“${phase.name}”阶段自${date(phase.opens, 'zh')}起至${date(phase.closes, 'zh')}止。`,
          en: `Under the plan "${plan.title}", the "${phase.nameEn}" phase runs from ${date(phase.opens, 'en')} to ${date(phase.closes, 'en')}.`,
        },
        due.length
          ? { zh: '请按下列时限报送材料，逾期未报送的将按规定督办。', en: 'Please submit the following by their deadlines; missed deadlines are escalated.' }
          : { zh: '本阶段无需报送材料，请按工作方案组织实施。', en: 'Nothing is due in this phase; please carry out the plan.' },
      ],
      rows: due.map((x): [Text, Text] => [item(x.deliverable), both((l) => `${when(x.dueAt, l)}${l === 'zh' ? '前（含）' : ' at the latest'}`)]),
      action: portal(plan, '报送入口', 'Where to submit', unitPage(unit)),
    }, nowMs);
  },

  reminder(plan: Plan, unit: Unit, deliverable: Deliverable, dueAt: string, left: DaysLeft, nowMs: number): Rendered {
    const l = leftText(left);
    return render(plan, {
      subject: { zh: `提醒：请于${when(dueAt, 'zh')}前报送${deliverable.name}（${l.zh}）`, en: `Reminder: ${deliverable.nameEn} is due ${when(dueAt, 'en')} (${l.en})` },
      salutation: officeOf(unit),
      body: [
        {
          zh: `贵单位尚未报送${deliverable.name}。报送截止时间为${when(dueAt, 'zh')}（北京时间，含当时），${l.zh}。`,
          en: `Your ${deliverable.nameEn} has not been received. It is due ${when(dueAt, 'en')} Beijing time (inclusive); ${l.en}.`,
        },
        isRosterDeliverable(deliverable.id)
          ? { zh: `请在系统中逐条登记本单位的社区（村）：名称、类型、是否参与创建、联系人及电话；已登记的请忽略本提醒。`, en: 'Please register your communities and villages in the system, one row each (name, kind, taking part or not, contact and telephone); if you already have, disregard this reminder.' }
          : { zh: '请抓紧完成并通过系统报送；已报送的请忽略本提醒。', en: 'Please submit it through the system; if you already have, disregard this reminder.' },
      ],
      action: isRosterDeliverable(deliverable.id)
        ? portal(plan, '登记入口', 'Where to register', deliverablePage(unit, deliverable))
        : portal(plan, '报送入口', 'Where to submit', deliverablePage(unit, deliverable)),
    }, nowMs);
  },

  escalation(
    plan: Plan,
    unit: Unit,
    deliverable: Deliverable,
    dueAt: string,
    audience: 'unit-leader' | 'city-office',
    nowMs: number,
    about: Missed = 'deliverable',
  ): Rendered {
    const m = missed(about, deliverable);
    return render(plan, {
      subject: { zh: `督办：${unit.name}${m.zh}`, en: `Escalation: ${nameOf(unit).en} ${m.en}` },
      salutation: audience === 'unit-leader' ? { zh: leaderOf(unit).zh, en: `Leader in charge, ${nameOf(unit).en}` } : officeName(plan),
      body: [
        about === 'rectification'
          ? { zh: `${unit.name}应于${when(dueAt, 'zh')}前完成${deliverable.name}整改并重新报送，截至目前尚未报送。`, en: `${nameOf(unit).en} was due to rectify and resubmit the ${deliverable.nameEn} by ${when(dueAt, 'en')} and has not.` }
          : { zh: `${unit.name}应于${when(dueAt, 'zh')}前报送${deliverable.name}，截至目前尚未报送。`, en: `${nameOf(unit).en} was due to submit the ${deliverable.nameEn} by ${when(dueAt, 'en')} and has not.` },
        audience === 'unit-leader'
          ? { zh: '请督促本地打传办立即报送，并说明逾期原因。逾期情况将纳入考评。', en: 'Please have your office submit it at once and explain the delay; it counts in the assessment.' }
          : { zh: `现按工作方案提请${plan.city.officeWord}督办。`, en: `Under the plan, this is now escalated to ${plan.city.officeWordEn}.` },
      ],
      action: portal(plan, '查看报送情况', 'See the submissions', unitPage(unit)),
    }, nowMs);
  },

  /**
   * 督办 of a rectification notice left unsigned (签收) past its period: to the unit's leader in charge or to the
   * city office, a rung of the same ladder as a missed deadline, saying which notice, when it went out and by
   * when it was to be signed.
   */
  unsignedEscalation(
    plan: Plan,
    unit: Unit,
    deliverable: Deliverable,
    notice: { sentAt: string; dueAt: string },
    audience: 'unit-leader' | 'city-office',
    nowMs: number,
  ): Rendered {
    const m = missed('signing', deliverable);
    return render(plan, {
      subject: { zh: `督办：${unit.name}${m.zh}`, en: `Escalation: ${nameOf(unit).en} ${m.en}` },
      salutation: audience === 'unit-leader' ? { zh: leaderOf(unit).zh, en: `Leader in charge, ${nameOf(unit).en}` } : officeName(plan),
      body: [
        {
          zh: `${plan.city.officeWord}于${when(notice.sentAt, 'zh')}向${unit.name}发出${deliverable.name}限期整改通知，应于${when(notice.dueAt, 'zh')}前签收，截至目前尚未签收，也未重新报送。`,
          en: `${capitalised(plan.city.officeWordEn)} sent ${nameOf(unit).en} a rectification notice on its ${deliverable.nameEn} on ${when(notice.sentAt, 'en')}, to be signed for by ${when(notice.dueAt, 'en')}. It has not been signed for, and nothing has been resubmitted.`,
        },
        audience === 'unit-leader'
          ? { zh: '请督促本地打传办立即在平台签收，并按通知要求限期整改。未按期签收情况将纳入考评。', en: 'Please have your office sign for it in the portal at once and rectify by the deadline; the delay counts in the assessment.' }
          : { zh: `现按工作方案提请${plan.city.officeWord}督办。`, en: `Under the plan, this is now escalated to ${plan.city.officeWordEn}.` },
      ],
      rows: [
        [{ zh: '通知', en: 'Notice' }, { zh: `限期整改通知：${unit.name}${deliverable.name}`, en: `Rectification notice: ${deliverable.nameEn}` }],
        [{ zh: '发出时间', en: 'Sent' }, both((l) => when(notice.sentAt, l))],
        [{ zh: '签收期限', en: 'Sign for it by' }, both((l) => when(notice.dueAt, l))],
      ],
      action: portal(plan, '查看消息与签收', 'See the messages and signatures', unitPage(unit, '/messages')),
    }, nowMs);
  },

  /** 通报批评 draft and 挂牌督办 proposal: for the city office to confirm, never sent to the unit by the system. */
  criticismDraft(plan: Plan, unit: Unit, deliverable: Deliverable, dueAt: string, nowMs: number, about: Missed = 'deliverable'): Rendered {
    const m = missed(about, deliverable);
    const what = missedBy(deliverable, dueAt, about);
    return render(plan, {
      subject: { zh: `请确认：拟对${unit.name}通报批评并挂牌督办（${m.zh}）`, en: `To confirm: criticism and supervision listing proposed for ${nameOf(unit).en} (${m.en})` },
      salutation: officeName(plan),
      body: [
        { zh: `${unit.name}${what.zh}，经提醒和督办仍未办结。按工作方案，拟予以通报批评，并列入挂牌督办名单。`, en: `${nameOf(unit).en} ${what.en}, after reminders and escalation. Under the plan, a notice of criticism and listing for supervision are proposed.` },
        { zh: '通报批评稿如下，请审核确认后印发：', en: 'The draft notice follows; please review and confirm before it is issued:' },
        criticismText(plan, unit, deliverable, dueAt, about),
      ],
      action: portal(plan, '确认或撤销', 'Confirm or withdraw', '/proposals'),
    }, nowMs);
  },

  /** The confirmed 通报批评 and 挂牌督办, to the unit office (its leader in copy): a notice to sign for (签收). */
  criticism(plan: Plan, unit: Unit, deliverable: Deliverable, dueAt: string, note: string | undefined, nowMs: number, about: Missed = 'deliverable'): Rendered {
    return render(plan, {
      subject: { zh: `通报批评：关于对${unit.name}的通报`, en: `Notice of criticism: ${nameOf(unit).en}` },
      salutation: officeOf(unit),
      body: [
        criticismText(plan, unit, deliverable, dueAt, about),
        ...(note ? [{ zh: `${plan.city.office}意见：${note}`, en: `Note from ${plan.city.officeEn}: ${note}` }] : []),
        { zh: '请签收本通报，并于整改完成后在平台报送。', en: 'Please sign for this notice, and submit through the portal once rectified.' },
      ],
      action: portal(plan, '签收', 'Sign for it', unitPage(unit, '/messages')),
    }, nowMs);
  },

  receipt(plan: Plan, unit: Unit, deliverable: Deliverable, v: { version: number; receivedAt: string; onTime: boolean; documents: Array<{ fileName: string; sha256: string }> }, nowMs: number): Rendered {
    return render(plan, {
      subject: { zh: `回执：已收到${unit.name}报送的${deliverable.name}（第${v.version}版）`, en: `Receipt: ${deliverable.nameEn}, version ${v.version}, received from ${nameOf(unit).en}` },
      salutation: officeOf(unit),
      body: [{ zh: `系统已于${when(v.receivedAt, 'zh')}收到贵单位报送的${deliverable.name}（第${v.version}版）。`, en: `The system received your ${deliverable.nameEn} (version ${v.version}) on ${when(v.receivedAt, 'en')}.` }],
      rows: [
        [{ zh: '接收时间', en: 'Received' }, both(() => formatBeijing(v.receivedAt, 'iso'))],
        [{ zh: '是否按时', en: 'On time' }, v.onTime ? { zh: '按时', en: 'yes' } : { zh: '逾期', en: 'no, late' }],
        ...v.documents.map((d): [Text, Text] => [both(() => d.fileName), both(() => `SHA-256 ${d.sha256}`)]),
      ],
      action: portal(plan, '查看报送记录', 'See your submissions', deliverablePage(unit, deliverable)),
    }, nowMs);
  },

  /**
   * The rectification notice (限期整改通知): the reasons, the rectification deadline, and the 签收 the unit
   * owes it by `signBy` (the end of its 签收 period) with where to sign, since a notice left unsigned past it
   * is escalated.
   */
  rectification(plan: Plan, unit: Unit, deliverable: Deliverable, reason: string | undefined, dueAt: string, nowMs: number, signBy?: string): Rendered {
    const messages = portal(plan, '签收', 'Sign for it', unitPage(unit, '/messages')).url;
    return render(plan, {
      subject: { zh: `限期整改通知：${unit.name}${deliverable.name}初评未通过`, en: `Rectification notice: ${nameOf(unit).en}'s ${deliverable.nameEn} was returned` },
      salutation: officeOf(unit),
      body: [
        { zh: `经${plan.city.officeWord}初评，贵单位报送的${deliverable.name}未达到要求，现予退回，请限期整改。`, en: `After the preliminary review by ${plan.city.officeWordEn}, your ${deliverable.nameEn} does not meet the requirements and is returned for rectification.` },
        { zh: `整改意见：${reason ?? '详见系统中的评分意见。'}`, en: `Reasons: ${reason ?? 'see the scores and comments in the system.'}` },
        { zh: `请于${when(dueAt, 'zh')}前完成整改并重新报送。逾期未报送的，将按规定挂牌督办、通报批评。`, en: `Please rectify and resubmit by ${when(dueAt, 'en')}. Missing this deadline leads to listing for supervision and public criticism.` },
        ...(signBy
          ? [{
            zh: `请于${when(signBy, 'zh')}前在平台签收本通知（${messages}）；逾期未签收且未重新报送的，将按督办程序逐级报告。`,
            en: `Please sign for this notice in the portal by ${when(signBy, 'en')} (${messages}); left unsigned, with nothing resubmitted, it is escalated step by step.`,
          }]
          : []),
      ],
      action: portal(plan, '重新报送', 'Resubmit', deliverablePage(unit, deliverable)),
    }, nowMs);
  },

  /**
   * The review's outcome (初评结果), naming the reviewed deliverable as the plan does (自评报告, or its own name).
   * A qualified unit the plan also cross-inspects is not promised the list: before its window ends the notice
   * says the inspection still decides (and by which rule); after it, a failed veto item or a sampled pass rate
   * under the target is named and the unit told it stays off the list (the forwarding's rule, qualifiesForList).
   */
  outcome(plan: Plan, unit: Unit, outcome: string, deliverable: Deliverable, nowMs: number, inspection?: OutcomeInspection | null): Rendered {
    const d = item(deliverable);
    const superior = { zh: plan.province.shortName, en: plan.province.shortNameEn };
    const office = { zh: plan.city.officeWord, en: capitalised(plan.city.officeWordEn) };
    const pct = plan.targets.passRatePercent;
    const offList = outcome === 'qualified' && inspection?.closed === true && inspection.disqualifiedBy.length > 0;
    const pending = outcome === 'qualified' && inspection != null && !inspection.closed;
    const qualified: Text = offList
      ? {
        zh: `经${office.zh}初评，贵单位${d.zh}达到创建标准。但在${inspection!.windowName.zh}中，${inspectionReasons(plan, inspection!).zh}，按计划规定不列入上报${superior.zh}的名单。`,
        en: `${office.en} finds that your ${d.en} meets the standard, but in the ${inspection!.windowName.en} ${inspectionReasons(plan, inspection!).en}: under the plan you are not on the list that goes to ${superior.en}.`,
      }
      : pending
        ? {
          zh: `经${office.zh}初评，贵单位达到创建标准，初评合格。是否上报${superior.zh}，还将依据${inspection!.windowName.zh}（${inspection!.opens}至${inspection!.closes}）的结果确定：一票否决项未通过，或抽查社区（村）合格率低于 ${pct}% 的，不列入上报名单。`,
          en: `${office.en} finds that you meet the standard: you pass the preliminary review. Whether you go forward to ${superior.en} also depends on the ${inspection!.windowName.en} (${inspection!.opens} to ${inspection!.closes}): a failed veto item, or a sampled pass rate under ${pct}%, keeps a unit off the list.`,
        }
        : {
          zh: `经${office.zh}初评，贵单位达到创建标准，初评合格，将上报${superior.zh}考评认定。`,
          en: `${office.en} finds that you meet the standard: you pass the preliminary review and go forward to ${superior.en}.`,
        };
    const text: Record<string, Text> = {
      qualified,
      'not-qualified': { zh: `经${plan.city.officeWord}初评，贵单位经整改后仍未达到创建标准，初评不合格。`, en: 'After rectification you still do not meet the standard: you do not pass the preliminary review.' },
      'not-submitted': { zh: `贵单位在初评期限内未报送${d.zh}，初评不合格，将予以通报批评。`, en: `No ${d.en} arrived within the review period: you do not pass, and will be criticised.` },
      'rectification-missed': { zh: '贵单位未在整改期限内重新报送，初评不合格，将予以挂牌督办、通报批评。', en: 'No resubmission arrived by the rectification deadline: you do not pass, and will be listed for supervision and criticised.' },
      'review-overdue': { zh: `贵单位的${d.zh}未能在初评期限内完成审核，请与${plan.city.office}联系。`, en: `Your ${d.en} could not be reviewed within the review period; please contact ${plan.city.officeEn}.` },
    };
    const passed = outcome === 'qualified';
    return render(plan, {
      subject: offList
        ? { zh: `初评结果通知：${unit.name}不列入上报名单`, en: `Preliminary review: ${nameOf(unit).en} is not on the list` }
        : { zh: `初评结果通知：${unit.name}${passed ? '初评合格' : '初评未通过'}`, en: `Preliminary review: ${nameOf(unit).en} ${passed ? 'passes' : 'does not pass'}` },
      salutation: officeOf(unit),
      body: [text[outcome] ?? both(() => outcome)],
      action: portal(plan, '查看详情', 'Details', unitPage(unit)),
    }, nowMs);
  },

  /** The list to the superior; `documents` (core/exports, stored on forwarding) are listed with their SHA-256 and linked. */
  provinceForwarding(plan: Plan, qualified: Unit[], notQualified: Unit[], nowMs: number, documents: Array<{ name: string; size: number; sha256: string }> = []): Rendered {
    const list = (units: Unit[]): Text => ({ zh: units.map((u) => u.name).join('、') || '无', en: units.map((u) => u.nameEn ?? u.name).join(', ') || 'none' });
    const units = plan.unitLevel;
    return render(plan, {
      subject: {
        zh: `关于报送${plan.city.name}${plan.year}年度无传销${units.word}初评合格名单的报告`,
        en: `${plan.city.nameEn} ${plan.year}: ${units.wordEnPlural} passing the preliminary review`,
      },
      salutation: { zh: plan.province.name, en: plan.province.nameEn },
      body: [
        {
          zh: `根据《${plan.title}》，${plan.city.shortName}已完成对各${units.word}的初评。现将初评合格名单报上，请予考评认定。`,
          en: `Under "${plan.title}", ${plan.city.officeEn} has completed its preliminary review. The ${units.wordEnPlural} that pass are listed for your assessment and certification.`,
        },
        { zh: `初评合格：${qualified.length}个；未通过：${notQualified.length}个。`, en: `Passing: ${qualified.length}; not passing: ${notQualified.length}.` },
      ],
      rows: [
        [{ zh: '初评合格', en: 'Passing' }, list(qualified)],
        [{ zh: '未通过', en: 'Not passing' }, list(notQualified)],
        ...documents.map((d): [Text, Text] => [both(() => d.name), { zh: `SHA-256 ${d.sha256}（${d.size} 字节）`, en: `SHA-256 ${d.sha256} (${d.size} bytes)` }]),
      ],
      ...(documents.length
        ? { action: portal(plan, `下载附件（${plan.city.office}登录工作平台）`, `Download the documents (${plan.city.officeEn}, signed in)`, '/documents') }
        : {}),
    }, nowMs);
  },

  /** To the city office: a scheduled notice about a unit could not be sent after every retry. */
  deliveryFailure(plan: Plan, unit: Unit, what: string, error: string, nowMs: number): Rendered {
    return render(plan, {
      subject: { zh: `发送失败：致${unit.name}的通知未能发出`, en: `Not delivered: a notice to ${nameOf(unit).en} could not be sent` },
      salutation: officeName(plan),
      body: [
        { zh: `系统多次重试后，仍未能向${unit.name}发出以下通知，请核对通讯录并以其他方式通知该单位。`, en: `After repeated retries, the following notice to ${nameOf(unit).en} could not be sent. Please check the directory and reach the unit another way.` },
      ],
      rows: [
        [{ zh: '通知', en: 'Notice' }, both(() => what)],
        [{ zh: '错误', en: 'Error' }, both(() => error)],
        [{ zh: '收件人', en: 'Recipients' }, both(() => `${unit.office.email}, ${unit.leader.email}`)],
      ],
      action: portal(plan, '查看发送记录', 'See what was sent', unitPage(unit, '/messages')),
    }, nowMs);
  },

  /**
   * To the city office: the mail provider refused a notice for good (an unverified sender, the SES sandbox, a
   * rejected recipient), so the system will not retry it; a person has to fix the cause and pass it on.
   */
  refusedNotice(
    plan: Plan,
    unit: Unit | null,
    refused: { kind: string; milestone: string; recipient: string; subject: string },
    error: Text,
    nowMs: number,
  ): Rendered {
    const holders = directoryHolders(plan, refused.recipient);
    const to: Text = unit
      ? nameOf(unit)
      : holders.length > 0
        ? { zh: holders.map((h) => h.zh).join('、'), en: holders.map((h) => h.en).join(', ') }
        : both(() => refused.recipient);
    return render(plan, {
      subject: { zh: `发送失败：致${to.zh}的通知被邮件服务拒收`, en: `Not delivered: the mail service refused a notice to ${to.en}` },
      salutation: officeName(plan),
      body: [
        {
          zh: `邮件服务拒绝发送以下致${to.zh}的通知，系统不再重试。请核对发件邮箱是否已验证、收件邮箱是否正确，并以其他方式将通知送达。`,
          en: `The mail service refused the following notice to ${to.en}; the system will not retry it. Please check that the sender is verified and the recipient's address is right, and pass the notice on another way.`,
        },
      ],
      rows: [
        [{ zh: '通知', en: 'Notice' }, both(() => refused.subject)],
        [{ zh: '类别', en: 'Kind' }, both(() => `${refused.kind}#${refused.milestone}`)],
        [{ zh: '收件人', en: 'Recipient' }, both(() => refused.recipient)],
        [{ zh: '拒收原因', en: 'Refusal' }, error],
      ],
      action: portal(plan, '查看发送记录', 'See what was sent', unit ? unitPage(unit, '/messages') : '/'),
    }, nowMs);
  },

  /** To the city office: a directory address (通讯录邮箱) cannot be reached; the notifier holds its mail until fixed. */
  contactUndeliverable(plan: Plan, status: ContactStatus, nowMs: number): Rendered {
    const holders = directoryHolders(plan, status.email);
    const who: Text = holders.length > 0
      ? { zh: holders.map((h) => h.zh).join('、'), en: holders.map((h) => h.en).join(', ') }
      : { zh: '通讯录中的联系人', en: 'a contact in the directory' };
    const reason = UNDELIVERABLE[status.reason];
    return render(plan, {
      subject: { zh: `邮箱无法送达，请更正通讯录：${who.zh}`, en: `Undeliverable address, please correct the directory: ${who.en}` },
      salutation: officeName(plan),
      body: [
        {
          zh: `系统于${when(status.since, 'zh')}发往${who.zh}邮箱 ${status.email} 的邮件未能送达，原因：${reason.zh}。`,
          en: `Email the system sent to ${who.en} at ${status.email} on ${when(status.since, 'en')} was not delivered: ${reason.en}.`,
        },
        {
          zh: '为避免通知继续丢失，系统已暂停向该邮箱发送邮件。请核实并更正通讯录中的邮箱地址，更正后在系统中标记为已更正，系统即恢复发送。在此期间，请以电话或其他方式将相关通知转告该单位。',
          en: 'So that no more notices are lost, the system has stopped mailing this address. Please check and correct it in the directory, then mark it fixed in the system, and sending resumes. Meanwhile, please pass the notices on by phone or otherwise.',
        },
      ],
      rows: [
        [{ zh: '联系人', en: 'Contact' }, who],
        [{ zh: '邮箱地址', en: 'Address' }, both(() => status.email)],
        [{ zh: '原因', en: 'Reason' }, reason],
        [{ zh: '退信时间', en: 'Bounced at' }, both(() => formatBeijing(status.since, 'iso'))],
        [{ zh: '退信说明', en: 'Details' }, status.detail ? both(() => status.detail) : { zh: '（无）', en: '(none)' }],
      ],
      action: portal(plan, '通讯录管理', 'Manage the directory'),
    }, nowMs);
  },

  /** To the unit office (its leader in copy): the city office granted an extension (延期). */
  extensionGranted(plan: Plan, unit: Unit, deliverable: Deliverable, previousDueAt: string, dueAt: string, reason: string, nowMs: number): Rendered {
    return render(plan, {
      subject: { zh: `延期通知：${unit.name}${deliverable.name}报送截止时间延至${when(dueAt, 'zh')}`, en: `Extension: ${nameOf(unit).en}'s ${deliverable.nameEn} is now due ${when(dueAt, 'en')}` },
      salutation: officeOf(unit),
      body: [
        {
          zh: `经${plan.city.officeWord}同意，贵单位${deliverable.name}的报送截止时间由${when(previousDueAt, 'zh')}延至${when(dueAt, 'zh')}（北京时间，含当时）。`,
          en: `${capitalised(plan.city.officeWordEn)} has agreed to extend the deadline for your ${deliverable.nameEn} from ${when(previousDueAt, 'en')} to ${when(dueAt, 'en')} Beijing time (inclusive).`,
        },
        { zh: `延期理由：${reason}`, en: `Reason: ${reason}` },
        { zh: '提醒和督办将按新的截止时间进行。请抓紧完成并按期报送。', en: 'Reminders and escalation now follow the new deadline. Please submit it in time.' },
      ],
      rows: [
        [{ zh: '原截止时间', en: 'Was due' }, both((l) => when(previousDueAt, l))],
        [{ zh: '新截止时间', en: 'Now due' }, both((l) => when(dueAt, l))],
      ],
      action: portal(plan, '报送入口', 'Where to submit', deliverablePage(unit, deliverable)),
    }, nowMs);
  },

  /** Once per cycle, to the city office: dates in a year whose official calendar is not published yet. */
  calendarWarning(plan: Plan, years: number[], nowMs: number): Rendered {
    const ys = years.join('、');
    return render(plan, {
      subject: { zh: `请注意：${ys}年法定节假日安排尚未发布`, en: `Note: the official ${years.join(', ')} holiday calendar is not published yet` },
      salutation: officeName(plan),
      body: [
        { zh: `《${plan.title}》的部分日期在${ys}年。该年法定节假日及调休安排尚未发布，系统暂按周一至周五为工作日计算提醒和督办日期。`, en: `Some dates of "${plan.title}" fall in ${years.join(', ')}, whose official holidays and adjusted working days are not published yet. Until they are, reminders and escalations count Monday to Friday as working days.` },
        { zh: '国务院办公厅发布后，请更新系统日历数据，相关日期将随之调整。', en: 'Once the State Council publishes it, please update the calendar data; the dates will follow.' },
      ],
    }, nowMs);
  },

  // ---- 上报确认 and 通报表扬 (core/use-cases/forwarding.ts) ------------------------------------------------
  /**
   * To the running office (or, `escalation`, its leader first and then the office again): confirm the list
   * before it goes up. `pending`: units whose outcome is not recorded yet (the list can be confirmed once none is).
   */
  listConfirmation(
    plan: Plan,
    list: { qualified: Unit[]; notQualified: Unit[]; pending: Unit[] },
    forwardAt: string,
    nowMs: number,
    escalation?: { level: number; toLeader: boolean },
  ): Rendered {
    const names = (units: Unit[]): Text => ({ zh: units.map((u) => u.name).join('、') || '无', en: units.map((u) => nameOf(u).en).join(', ') || 'none' });
    const sup = { zh: plan.province.shortName, en: plan.province.shortNameEn };
    const word = plan.unitLevel;
    const overdue = escalation !== undefined;
    const pendingLine: Text[] = list.pending.length
      ? [{
          zh: `另有${list.pending.length}个${word.word}的初评结果尚未产生（${names(list.pending).zh}），待全部产生后方可确认。`,
          en: `${list.pending.length} ${list.pending.length > 1 ? word.wordEnPlural : word.wordEn} still have no outcome (${names(list.pending).en}); the list can be confirmed once all have one.`,
        }]
      : [];
    return render(plan, {
      subject: overdue
        ? { zh: `督办：初评合格名单尚未确认，未能按期上报${sup.zh}`, en: `Overdue: the list has not been confirmed and has not gone to ${sup.en}` }
        : { zh: `请确认拟上报${sup.zh}的初评合格名单`, en: `Please confirm the list going to ${sup.en}` },
      salutation: escalation?.toLeader ? { zh: `${plan.city.officeWord}分管领导`, en: `the leader in charge of ${plan.city.officeWordEn}` } : officeName(plan),
      body: [
        overdue
          ? {
              zh: `拟上报${sup.zh}的初评合格名单原定于 ${when(forwardAt, 'zh')} 上报，至今尚未经${plan.city.officeWord}确认，名单未上报。请尽快在工作平台确认；确认后即上报。`,
              en: `The list was due to go to ${sup.en} on ${when(forwardAt, 'en')}. ${capitalised(plan.city.officeWordEn)} has not confirmed it, so it has not gone. Please confirm it on the portal; it goes as soon as it is confirmed.`,
            }
          : {
              zh: `根据《${plan.title}》，初评合格名单将于 ${when(forwardAt, 'zh')} 上报${sup.zh}。名单须经${plan.city.officeWord}确认后方可上报，请在此之前登录工作平台核对并确认；未确认的名单不会上报。`,
              en: `Under "${plan.title}", the list goes to ${sup.en} on ${when(forwardAt, 'en')}, once ${plan.city.officeWordEn} has confirmed it. Please check and confirm it on the portal before then; an unconfirmed list does not go.`,
            },
        ...pendingLine,
      ],
      rows: [
        [{ zh: '初评合格', en: 'Passing' }, names(list.qualified)],
        [{ zh: '未通过', en: 'Not passing' }, names(list.notQualified)],
        ...(list.pending.length ? [[{ zh: '尚无结果', en: 'No outcome yet' }, names(list.pending)] as [Text, Text]] : []),
        [{ zh: '上报时间', en: 'Goes up' }, both((l) => when(forwardAt, l))],
      ],
      action: portal(plan, '上报确认', 'Confirm the list', '/forwarding'),
    }, nowMs);
  },

  /** To a qualified unit's office (its leader in copy): 通报表扬, in the running office's own words. */
  commendation(plan: Plan, unit: Unit, text: string, nowMs: number): Rendered {
    return render(plan, {
      subject: { zh: `通报表扬：${unit.name}`, en: `Commendation: ${nameOf(unit).en}` },
      salutation: officeOf(unit),
      body: [
        { zh: `经${plan.city.officeWord}初评，${unit.name}创建工作成效显著，特予通报表扬。`, en: `After the preliminary review, ${plan.city.officeWordEn} commends ${nameOf(unit).en} for its work.` },
        both(() => text),
      ],
      action: portal(plan, '查看消息', 'Messages', unitPage(unit, '/messages')),
    }, nowMs);
  },
};

/** Days left from `nowMs` (Beijing date) to a deadline's last day, as the plan counts them. */
export function daysLeft(nowMs: number, lastDay: string, working: boolean, workingDaysBetween: (from: string, to: string) => number): DaysLeft {
  const today = localDateOf(nowMs);
  if (working) return { days: workingDaysBetween(today, lastDay), working };
  return { days: Math.max(0, DateTime.fromISO(lastDay).diff(DateTime.fromISO(today), 'days').days), working };
}

// ---- Cross-inspection (交叉检查, issue 10): the sample, to the group and the unit; no roster, to the office ----

/** The sample as rows: one per sampled community, with its contact; then the published inputs of the draw. */
function sampleRows(sample: InspectionSample): Array<[Text, Text]> {
  const rows: Array<[Text, Text]> = sample.sample.map((c) => [
    both(() => `${c.position}. ${c.name}`),
    { zh: `${COMMUNITY_KIND_ZH[c.kind]}，联系人 ${c.contact.name}，${c.contact.telephone}`, en: `${c.kind}, contact ${c.contact.name}, tel. ${c.contact.telephone}` },
  ]);
  if (sample.inputs && sample.seed) {
    rows.push(
      [{ zh: '名单版本', en: 'Roster version' }, both(() => `${sample.inputs!.rosterVersion}（SHA-256 ${sample.inputs!.rosterSha256}）`)],
      [{ zh: '计划哈希', en: 'Plan hash' }, both(() => sample.inputs!.planSha256)],
      [{ zh: '抽取时间', en: 'Draw instant' }, both((l) => `${when(sample.drawAt, l)}（${sample.drawAt}）`)],
      [{ zh: '随机种子', en: 'Seed' }, both(() => sample.seed!)],
      [{ zh: '抽样方法', en: 'Algorithm' }, both(() => sample.inputs!.algorithm)],
    );
  }
  return rows;
}

export const inspectionTemplates = {
  /**
   * The unit's sample, drawn at the window's start: to each member of the inspecting group (salutation the
   * group) and to the unit's office (salutation the office). The same rows for both, with what it takes to
   * recompute the draw.
   */
  sampleDrawn(
    plan: Plan,
    unit: Unit,
    group: InspectionGroup,
    window: InspectionWindow,
    sample: InspectionSample,
    to: 'group' | 'unit',
    nowMs: number,
  ): Rendered {
    const ratio = plan.inspection?.sampling ?? { numerator: 1, denominator: 3 };
    const days = { zh: `${date(window.opens, 'zh')}至${date(window.closes, 'zh')}`, en: `${date(window.opens, 'en')} to ${date(window.closes, 'en')}` };
    const groupName: Text = { zh: group.name, en: group.nameEn ?? group.name };
    const k = sample.sample.length;
    return render(plan, {
      subject: { zh: `交叉检查抽样结果：${unit.name}（${k}个社区/村）`, en: `Cross-inspection sample: ${nameOf(unit).en} (${k} ${k === 1 ? 'community' : 'communities'})` },
      salutation: to === 'group' ? groupName : officeOf(unit),
      body: [
        {
          zh: `按照《${plan.title}》，${groupName.zh}于${days.zh}对${unit.name}开展交叉检查。${plan.city.officeWord}已于${when(sample.drawAt, 'zh')}（北京时间）按公布的方法，从${unit.name}登记的${sample.population}个参与创建的社区/村中，按${ratio.numerator}/${ratio.denominator}比例（向上取整）抽取以下${k}个作为检查对象。`,
          en: `Under "${plan.title}", ${groupName.en} inspects ${nameOf(unit).en} from ${days.en}. At ${when(sample.drawAt, 'en')} Beijing time ${plan.city.officeWordEn} drew, by the published method, ${k} of the ${sample.population} registered communities taking part (${ratio.numerator}/${ratio.denominator}, rounded up), listed below.`,
        },
        k === 0
          ? { zh: `${unit.name}登记的名单中没有参与创建的社区/村，本次未抽取检查对象。`, en: `No registered community of ${nameOf(unit).en} takes part: nothing was drawn.` }
          : { zh: '抽样结果已记录，不再重抽。任何人均可依据下列公开数据复核抽样结果。', en: 'The sample is recorded and will not be drawn again. Anyone can recompute it from the published inputs below.' },
      ],
      rows: sampleRows(sample),
      action: portal(plan, '查看抽样结果', 'See the sample', `${unitPage(unit, '/sample')}`),
    }, nowMs);
  },

  /**
   * To the unit (its leader in Cc), the first sending morning after the window's last day: what the group found in
   * each sampled community, the score sheet's total and veto items, and what that means for the list, by the
   * forwarding's rule. A unit whose review passed before the window closed was told the inspection still decides
   * (templates.outcome): this is where it learns how.
   */
  inspectionResult(
    plan: Plan,
    unit: Unit,
    group: InspectionGroup,
    window: InspectionWindow,
    found: {
      communities: ReadonlyArray<{ position: number; name: string; passed: boolean | null; notes: string }>;
      score: number | null;
      inspection: OutcomeInspection;
      /** The review's outcome so far (null: not decided yet). */
      reviewOutcome: string | null;
    },
    nowMs: number,
  ): Rendered {
    const days = { zh: `${date(window.opens, 'zh')}至${date(window.closes, 'zh')}`, en: `${date(window.opens, 'en')} to ${date(window.closes, 'en')}` };
    const groupName: Text = { zh: group.name, en: group.nameEn ?? group.name };
    const superior = { zh: plan.province.shortName, en: plan.province.shortNameEn };
    const i = found.inspection;
    const offList = i.disqualifiedBy.length > 0;
    const rate = i.sampledPassRate === null ? null : `${(Math.round(i.sampledPassRate * 1000) / 10).toFixed(1)}%`;
    const rows: Array<[Text, Text]> = found.communities.map((c) => [
      both(() => `${c.position}. ${c.name}`),
      c.passed === null
        ? (found.communities.some((x) => x.passed !== null)
          ? { zh: '未记录检查结果（按不合格计）', en: 'no result recorded (counted as not passing)' }
          : { zh: '未记录检查结果', en: 'no result recorded' })
        : { zh: `${c.passed ? '合格' : '不合格'}${c.notes ? `：${c.notes}` : ''}`, en: `${c.passed ? 'passed' : 'did not pass'}${c.notes ? `: ${c.notes}` : ''}` },
    ]);
    if (rate !== null) rows.push([{ zh: '抽查合格率', en: 'Sampled pass rate' }, { zh: `${rate}（要求不低于 ${plan.targets.passRatePercent}%）`, en: `${rate} (at least ${plan.targets.passRatePercent}% required)` }]);
    if (found.score !== null) rows.push([{ zh: '考核评分', en: 'Score' }, { zh: `${found.score} 分（满分 ${plan.rubric.total} 分）`, en: `${found.score} of ${plan.rubric.total}` }]);
    // Nothing recorded at all: the inspection decides nothing (core/inspection/scoring.ts), and the email says so
    // rather than counting each community as failed and then finding nothing against the unit.
    const nothing = found.communities.every((c) => c.passed === null) && found.score === null;
    const verdict: Text = nothing
      ? { zh: `检查组未记录任何检查结果和考核评分，本次交叉检查不影响是否上报；如有疑问，请与${plan.city.officeWord}联系。`, en: `The group recorded no result and no score sheet: the inspection does not affect whether you go forward. Contact ${plan.city.officeWordEn} with any question.` }
      : offList
      ? { zh: `${inspectionReasons(plan, i).zh}。按计划规定，贵单位不列入上报${superior.zh}的名单。`, en: `${capitalised(inspectionReasons(plan, i).en)}: under the plan you are not on the list that goes to ${superior.en}.` }
      : found.reviewOutcome === 'qualified'
        ? { zh: `交叉检查未发现不列入上报名单的情形。贵单位初评合格，将列入上报${superior.zh}的名单（以${plan.city.officeWord}确认的名单为准）。`, en: `Nothing in the inspection keeps you off the list. You passed the preliminary review and are on the list that goes to ${superior.en} (as ${plan.city.officeWordEn} confirms it).` }
        : found.reviewOutcome === null
          ? { zh: '交叉检查未发现不列入上报名单的情形；是否上报，以初评结果为准。', en: 'Nothing in the inspection keeps you off the list; whether you go forward depends on the preliminary review.' }
          : { zh: '交叉检查未发现不列入上报名单的情形；贵单位初评未通过，不列入上报名单。', en: 'Nothing in the inspection keeps you off the list, but you did not pass the preliminary review.' };
    return render(plan, {
      subject: { zh: `交叉检查结果通知：${unit.name}${offList ? '（不列入上报名单）' : ''}`, en: `Cross-inspection results: ${nameOf(unit).en}${offList ? ' (not on the list)' : ''}` },
      salutation: officeOf(unit),
      body: [
        {
          zh: `${window.name}（${groupName.zh}，${days.zh}）已结束。抽查的社区/村及检查结果如下。`,
          en: `The ${window.nameEn ?? window.name} by ${groupName.en} (${days.en}) is over. The sampled communities and what was found are below.`,
        },
        verdict,
      ],
      rows,
      action: portal(plan, '查看检查结果', 'See the results', unitPage(unit, `/inspection/${encodeURIComponent(window.id)}`)),
    }, nowMs);
  },

  /** To the running office, once: the unit had registered no roster at the draw instant, so nothing was drawn. */
  noRoster(plan: Plan, unit: Unit, group: InspectionGroup, window: InspectionWindow, drawAt: string, nowMs: number): Rendered {
    return render(plan, {
      subject: { zh: `未能抽样：${unit.name}未登记社区/村名单`, en: `No sample: ${nameOf(unit).en} registered no roster` },
      salutation: officeName(plan),
      body: [
        {
          zh: `${unit.name}在抽取时间${when(drawAt, 'zh')}（北京时间）尚未登记社区/村名单，${group.name}在${window.name}中的抽样未能进行。系统已记录此情况，之后登记的名单不会自动补抽。`,
          en: `${nameOf(unit).en} had registered no roster of communities by the draw instant, ${when(drawAt, 'en')} Beijing time, so ${group.nameEn ?? group.name} has no sample for ${window.nameEn ?? window.name}. This is recorded; a roster registered later does not trigger a draw.`,
        },
        { zh: `请${plan.city.officeWord}督促该${plan.unitLevel.word}登记名单，并决定检查安排。`, en: `Please have the ${plan.unitLevel.wordEn} register its roster and decide how to inspect it.` },
      ],
      action: portal(plan, '查看社区/村名单', 'See the roster', `${unitPage(unit, '/roster')}`),
    }, nowMs);
  },

  /**
   * To the running office, once per unit and window: the draw failed after its retries (the error as the workflow
   * reported it); the system tries again at `nextAttemptAt` and on (core/inspection/draw-retry.ts) while the window
   * is open. Nothing is drawn differently for it: the inputs are the announced ones.
   */
  drawFailed(plan: Plan, unit: Unit, group: InspectionGroup, window: InspectionWindow, drawAt: string, error: string, nextAttemptAt: string, nowMs: number): Rendered {
    const windowEnd = { zh: date(window.closes, 'zh'), en: date(window.closes, 'en') };
    return render(plan, {
      subject: { zh: `抽样未完成：${unit.name}的交叉检查抽样出错，系统将自动重试`, en: `Draw failed: the cross-inspection sample of ${nameOf(unit).en} will be retried` },
      salutation: officeName(plan),
      body: [
        {
          zh: `${unit.name}的交叉检查抽样（${group.name}，${window.name}）应于${when(drawAt, 'zh')}（北京时间）进行，系统多次尝试后仍未完成（${error}），抽样结果尚未记录。`,
          en: `The cross-inspection draw of ${nameOf(unit).en} (${group.nameEn ?? group.name}, ${window.nameEn ?? window.name}), due at ${when(drawAt, 'en')} Beijing time, failed after several attempts (${error}); no sample is recorded yet.`,
        },
        {
          zh: `系统将于${when(nextAttemptAt, 'zh')}再次抽取，此后首日每小时、之后每日重试，直至${windowEnd.zh}检查时段结束。抽样仍按公布的抽取时间和名单版本进行，结果一经记录不再重抽；抽出后将照常通知检查组和${unit.name}。`,
          en: `The system tries again at ${when(nextAttemptAt, 'en')}, then hourly for the first day and daily after that, until the window closes on ${windowEnd.en}. The draw still uses the announced draw instant and roster version; once recorded it is never redrawn, and the group and ${nameOf(unit).en} are told as usual.`,
        },
        { zh: '如需人工处理，请联系系统管理员。', en: 'If it needs a person, please contact the system administrator.' },
      ],
      action: portal(plan, '查看抽样情况', 'See the draw', `${unitPage(unit, '/sample')}`),
    }, nowMs);
  },

  /** To the running office, once: every attempt failed and the window closed (or the attempts ran out): no sample. */
  drawGaveUp(plan: Plan, unit: Unit, group: InspectionGroup, window: InspectionWindow, drawAt: string, error: string, firstFailedAt: string, nowMs: number): Rendered {
    return render(plan, {
      subject: { zh: `未能抽样：${unit.name}的交叉检查抽样多次重试仍未完成`, en: `No sample: the cross-inspection draw of ${nameOf(unit).en} failed on every attempt` },
      salutation: officeName(plan),
      body: [
        {
          zh: `${unit.name}的交叉检查抽样（${group.name}，${window.name}）应于${when(drawAt, 'zh')}（北京时间）进行，自${when(firstFailedAt, 'zh')}首次出错以来，系统在检查时段内的各次重试均未完成（最后一次：${error}），系统不再自动重试，${unit.name}本期没有抽样结果。`,
          en: `The cross-inspection draw of ${nameOf(unit).en} (${group.nameEn ?? group.name}, ${window.nameEn ?? window.name}), due at ${when(drawAt, 'en')} Beijing time, first failed at ${when(firstFailedAt, 'en')} and failed on every retry within the window (last: ${error}). The system no longer retries: ${nameOf(unit).en} has no sample for this window.`,
        },
        { zh: `请${plan.city.officeWord}决定该${plan.unitLevel.word}的检查安排。`, en: `Please decide how ${plan.city.officeWordEn} inspects this ${plan.unitLevel.wordEn}.` },
      ],
      action: portal(plan, '查看抽样情况', 'See the draw', `${unitPage(unit, '/sample')}`),
    }, nowMs);
  },
};
