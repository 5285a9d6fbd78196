/**
 * The layout of an official document (公文) after GB/T 9704-2012, shared by the forwarding report and the
 * 通报批评 draft: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (a 156 × 225 mm type area);
 * body in 仿宋_GB2312 3号 (16 pt) at a fixed 28.95 pt line (22 lines of 28 characters a page); the
 * 发文机关标志 in red 方正小标宋简体, the 文号 under it and the red separator line 4 mm below that; the title
 * in 方正小标宋简体 2号 (22 pt); page numbers 4号 "— 1 —", right on odd pages and left on even ones.
 *
 * Fonts are named, not embedded: a machine without 方正小标宋简体 or 仿宋_GB2312 (LibreOffice on Linux, for
 * one) draws them with a substitute such as Noto Serif CJK SC / 思源宋体 (core/exports/README.md).
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  TabStopType,
  TextRun,
  type IRunOptions,
} from 'docx';
import { normalizeOfficeZip } from './zip';

/** Millimetres to twips, rounded (docx's own helper truncates: 37 mm would be 2097, not 2098). */
const mm = (millimetres: number) => Math.round((millimetres * 1440) / 25.4);

export const FONTS = {
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  heading: '黑体',
  latin: 'Times New Roman',
} as const;

/** Half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt. */
const SIZE = { title: 44, body: 32, pageNumber: 28 } as const;
/** 28.95 pt in twips: 225 mm of type area / 22 lines. */
export const BODY_LINE_TWIPS = 579;
const TITLE_LINE_TWIPS = 700;
/** One character of 3号 text, in twips (16 pt). */
const CHAR = 320;
const RED = 'FF0000';
const TYPE_WIDTH_PT = (mm(156) / 20);

const font = (eastAsia: string) => ({ ascii: FONTS.latin, hAnsi: FONTS.latin, cs: FONTS.latin, eastAsia });
/**
 * 28 characters of 16 pt need 448 pt, the type area is 442 pt wide: each character gives up 0.25 pt (Word's
 * document grid does the same), so a line holds the standard's 28 and punctuation never hangs past it.
 */
const BODY_CHARACTER_SPACING = -5;
const run = (text: string, options: IRunOptions = {}) =>
  new TextRun({ text, font: font(FONTS.body), size: SIZE.body, characterSpacing: BODY_CHARACTER_SPACING, ...options });
const exact = (line: number) => ({ line, lineRule: LineRuleType.EXACT, before: 0, after: 0 });

export const blank = () => new Paragraph({ spacing: exact(BODY_LINE_TWIPS), children: [run('')] });

/** A body paragraph, its first line indented two characters. */
export const bodyParagraph = (text: string) =>
  new Paragraph({ spacing: exact(BODY_LINE_TWIPS), indent: { firstLine: 2 * CHAR }, alignment: AlignmentType.JUSTIFIED, children: [run(text)] });

/** 主送机关: flush left, ending with a full-width colon. */
export const addressee = (name: string) => new Paragraph({ spacing: exact(BODY_LINE_TWIPS), children: [run(`${name}：`)] });

/**
 * 发文机关标志: red, centred, as large as fits on one line (at most 26 pt), 35 mm below the top of the type
 * area (GB/T 9704 7.2.1).
 */
export function issuerMark(text: string): Paragraph {
  const points = Math.min(26, Math.floor(TYPE_WIDTH_PT / Math.max(text.length, 1)));
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { before: mm(35), after: 2 * BODY_LINE_TWIPS, line: points * 24, lineRule: LineRuleType.EXACT },
    children: [new TextRun({ text, font: font(FONTS.title), size: points * 2, color: RED, characterSpacing: 0 })],
  });
}

/**
 * 发文字号 with the red separator line under it. With `signer` (上行文), the number sits left indented one
 * character and 签发人 right; otherwise the number is centred.
 */
export function numberLine(number: string, signer?: string): Paragraph {
  const separator = { bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: 11 } };
  if (signer === undefined) {
    return new Paragraph({ alignment: AlignmentType.CENTER, spacing: exact(BODY_LINE_TWIPS), border: separator, children: [run(number)] });
  }
  return new Paragraph({
    spacing: exact(BODY_LINE_TWIPS),
    indent: { left: CHAR },
    border: separator,
    tabStops: [{ type: TabStopType.RIGHT, position: mm(156) - CHAR * 2 }],
    children: [run(number), run('\t'), run('签发人：'), run(signer, { font: font('楷体_GB2312') })],
  });
}

/** The title: 方正小标宋简体 2号, centred, with a blank line before and after. */
export const titleParagraphs = (title: string) => [
  blank(),
  new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: exact(TITLE_LINE_TWIPS),
    children: [new TextRun({ text: title, font: font(FONTS.title), size: SIZE.title })],
  }),
  blank(),
];

/** 附件说明: "附件：1．…", the later items lined up under the first (GB/T 9704 7.3.4). */
export function attachmentList(names: string[]): Paragraph[] {
  return names.map((name, i) =>
    new Paragraph({
      spacing: exact(BODY_LINE_TWIPS),
      indent: { left: 5 * CHAR, hanging: 3 * CHAR },
      children: [run(`${i === 0 ? '附件：' : '　　　'}${names.length > 1 ? `${i + 1}．` : ''}${name}`)],
    }),
  );
}

/** 署名 and 成文日期, right-aligned four characters in, after two blank lines; then the 附注 (contact). */
export function signatureBlock(office: string, date: string, note: string): Paragraph[] {
  const right = (text: string) => new Paragraph({ alignment: AlignmentType.RIGHT, indent: { right: 4 * CHAR }, spacing: exact(BODY_LINE_TWIPS), children: [run(text)] });
  return [blank(), blank(), right(office), right(date), new Paragraph({ spacing: exact(BODY_LINE_TWIPS), indent: { firstLine: 2 * CHAR }, children: [run(note)] })];
}

/** 版记: the printing office and the printing date between two lines (GB/T 9704 7.4). */
export function recordLine(office: string, date: string): Paragraph[] {
  const line = { style: BorderStyle.SINGLE, size: 8, color: '000000', space: 1 };
  return [
    blank(),
    new Paragraph({
      spacing: exact(BODY_LINE_TWIPS),
      border: { top: line, bottom: line },
      indent: { left: CHAR, right: CHAR },
      tabStops: [{ type: TabStopType.RIGHT, position: mm(156) - 2 * CHAR }],
      children: [run(office, { size: 28 }), run(`\t${date}印发`, { size: 28 })],
    }),
  ];
}

const pageNumberFooter = (alignment: (typeof AlignmentType)[keyof typeof AlignmentType]) =>
  new Footer({
    children: [
      new Paragraph({
        alignment,
        indent: alignment === AlignmentType.RIGHT ? { right: CHAR } : { left: CHAR },
        children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font: font('宋体'), size: SIZE.pageNumber })],
      }),
    ],
  });

/**
 * The fonts the documents name, each with the substitute a reader without it should draw (w:altName) and
 * its kind: 方正小标宋简体 and 仿宋_GB2312 are serif faces (roman) in the GB2312 charset (86), so a
 * substitution picks a serif CJK face (Noto Serif CJK SC, 思源宋体) rather than a sans one.
 */
const FONT_TABLE: Array<{ name: string; alt: string; family: 'roman' | 'swiss' | 'modern' }> = [
  { name: FONTS.title, alt: 'Noto Serif CJK SC', family: 'roman' },
  { name: FONTS.body, alt: 'Noto Serif CJK SC', family: 'roman' },
  { name: '楷体_GB2312', alt: 'Noto Serif CJK SC', family: 'roman' },
  { name: FONTS.heading, alt: 'Noto Sans CJK SC', family: 'swiss' },
  { name: '宋体', alt: 'Noto Serif CJK SC', family: 'roman' },
  { name: FONTS.latin, alt: 'Liberation Serif', family: 'roman' },
];

function withFontTable(xml: string): string {
  const entries = FONT_TABLE.map(
    (f) => `<w:font w:name="${f.name}"><w:altName w:val="${f.alt}"/>${f.name === FONTS.latin ? '' : '<w:charset w:val="86"/>'}<w:family w:val="${f.family}"/><w:pitch w:val="variable"/></w:font>`,
  ).join('');
  const empty = /<w:fonts([^>]*)\/>\s*$/;
  return empty.test(xml) ? xml.replace(empty, `<w:fonts$1>${entries}</w:fonts>`) : xml.replace(/<\/w:fonts>\s*$/, `${entries}</w:fonts>`);
}

/**
 * No punctuation hanging into the right margin (w:overflowPunct off, as GB/T 9704's 28 characters a line
 * means): LibreOffice drops a full stop that would hang there from the page.
 */
const withoutHangingPunctuation = (xml: string) =>
  xml.replace('<w:pPrDefault/>', '<w:pPrDefault><w:pPr><w:overflowPunct w:val="0"/></w:pPr></w:pPrDefault>');

/** The .docx bytes, dated by `at` (creation and modification, and every zip entry): the same input, the same bytes. */
export async function officialDocument(input: { title: string; office: string; at: string; children: Paragraph[] }): Promise<Buffer> {
  const doc = new Document({
    creator: input.office,
    lastModifiedBy: input.office,
    title: input.title,
    evenAndOddHeaderAndFooters: true,
    styles: { default: { document: { run: { font: font(FONTS.body), size: SIZE.body } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: mm(210), height: mm(297) },
            margin: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26), footer: mm(28) - mm(7) },
          },
        },
        footers: { default: pageNumberFooter(AlignmentType.RIGHT), even: pageNumberFooter(AlignmentType.LEFT) },
        children: input.children,
      },
    ],
  });
  return normalizeOfficeZip(new Uint8Array(await Packer.toBuffer(doc)), input.at, { 'word/fontTable.xml': withFontTable, 'word/styles.xml': withoutHangingPunctuation });
}
