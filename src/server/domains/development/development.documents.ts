import type { VoteFigures } from './development.policy';
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeightRule,
  LineRuleType,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
  type ITableCellBorders,
} from 'docx';
import JSZip from 'jszip';

// The six documents of member development (发展党员) as .docx: the 公示, the
// 备案报告 on a 发展对象, the 谈话记录 form, the 政治审查报告, and the 支部大会
// resolutions on admission and on conversion. Pure rendering from facts the
// caller gathers; a missing fact prints as a blank line to fill in by hand,
// never a crash. Each document is dated by its own fact (the 公示 by its first
// day, a resolution by its meeting), never by the day it is downloaded. Body
// text is 仿宋_GB2312 (GB/T 9704), with 仿宋 named as its alternative in the
// font table for machines without it; titles are 宋体 bold.

export type DocumentKind = 'public_notice' | 'filing_report' | 'talk_record' | 'political_review' | 'admission_resolution' | 'conversion_resolution';

export const DOCUMENT_KINDS: Record<DocumentKind, string> = {
  public_notice: '发展对象公示',
  filing_report: '发展对象备案报告',
  talk_record: '谈话记录',
  political_review: '政治审查报告',
  admission_resolution: '支部大会接收预备党员决议',
  conversion_resolution: '预备党员转正决议',
};

export interface Vote extends VoteFigures {
  meetingDate: string;
  isQuorate: boolean;
  isPassed: boolean;
}

export interface DocumentFacts {
  /** the branch, e.g. 城关镇和平社区党支部 */
  orgName: string;
  /** the superior Party committee (上级党委), e.g. 城关镇党委 */
  superiorOrgName: string | null;
  person: {
    name: string;
    sex: '男' | '女';
    ethnicity: string;
    /** YYYY-MM-DD */
    birthDate: string;
    /** Chinese label, e.g. 大学本科 */
    education: string;
    occupation: string;
    unitName: string | null;
  };
  appliedOn: string;
  /** step 3: 确定为入党积极分子 */
  activistOn: string | null;
  /** step 7: 确定为发展对象 */
  candidateOn: string | null;
  /** 培养联系人 */
  contacts: string[];
  /** 入党介绍人 */
  introducers: string[];
  politicalReview: { date: string; conclusion: string } | null;
  training: { date: string; days: number; hours: number; name: string | null } | null;
  /**
   * The 公示 period; `end` is its last working day. `provisional` (no holiday
   * calendar configured) is not printed. `workingDays` is the rule's length of
   * the period, 5 when not given.
   */
  publicNotice: { start: string; end: string; provisional: boolean; workingDays?: number } | null;
  /** step 2: the talk with the applicant */
  talk: { date: string; talkers: string[] } | null;
  /** step 15: the 支部大会 vote on admission */
  admissionVote: Vote | null;
  /** step 23: the 支部大会 vote on conversion */
  conversionVote: (Vote & { outcome: 'convert' | 'extend' | 'cancel'; extensionMonths: number | null }) | null;
  probationEnd: string | null;
  /** phone for objections during the 公示; null leaves a line to fill in */
  contactPhone: string | null;
}

/** What a missing fact prints as: a line to fill in by hand. */
export const BLANK = '________';

const DEFAULT_NOTICE_WORKING_DAYS = 5;

/** '2026-03-05' → '2026年3月5日'; null or empty → a blank line. A malformed date is a programming error. */
export function cnDate(date: string | null | undefined): string {
  if (date == null || date.trim() === '') return BLANK;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

export function documentFileName(kind: DocumentKind, personName: string): string {
  const safe = personName.replace(/[\\/:*?"<>|\s]+/g, '').trim() || '未命名';
  return `${DOCUMENT_KINDS[kind]}-${safe}.docx`;
}

export async function renderDevelopmentDocument(kind: DocumentKind, facts: DocumentFacts): Promise<Buffer> {
  const children = build(kind, facts);
  const doc = new Document({
    creator: facts.orgName,
    title: documentTitle(kind, facts),
    styles: {
      default: {
        document: {
          run: { font: BODY_FONT, size: BODY_SIZE, language: { value: 'zh-CN', eastAsia: 'zh-CN' } },
          paragraph: { spacing: { line: 560, lineRule: LineRuleType.EXACT } },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            // A4 with the margins of GB/T 9704 (党政机关公文格式)
            size: { width: 11906, height: 16838 },
            margin: { top: 2098, bottom: 1984, left: 1587, right: 1474 },
          },
        },
        children,
      },
    ],
  });
  return withFontAlternatives(await Packer.toBuffer(doc));
}

// ---------------------------------------------------------------------------
// Text of the documents

function build(kind: DocumentKind, f: DocumentFacts): (Paragraph | Table)[] {
  switch (kind) {
    case 'public_notice':
      return publicNotice(f);
    case 'filing_report':
      return filingReport(f);
    case 'talk_record':
      return talkRecord(f);
    case 'political_review':
      return politicalReview(f);
    case 'admission_resolution':
      return admissionResolution(f);
    case 'conversion_resolution':
      return conversionResolution(f);
  }
}

function documentTitle(kind: DocumentKind, f: DocumentFacts): string {
  const name = text(f.person.name);
  switch (kind) {
    case 'public_notice':
      return `关于${name}同志拟发展为预备党员的公示`;
    case 'filing_report':
      return `关于确定${name}同志为发展对象的备案报告`;
    case 'talk_record':
      return '谈话记录';
    case 'political_review':
      return `关于${name}同志的政治审查报告`;
    case 'admission_resolution':
      return `${committeeName(f.orgName)}关于接收${name}同志为中共预备党员的决议`;
    case 'conversion_resolution': {
      const outcome = f.conversionVote?.outcome ?? 'convert';
      if (outcome === 'extend') return `${committeeName(f.orgName)}关于延长${name}同志预备期的决议`;
      if (outcome === 'cancel') return `${committeeName(f.orgName)}关于取消${name}同志预备党员资格的决议`;
      return `${committeeName(f.orgName)}关于${name}同志预备党员转正的决议`;
    }
  }
}

function publicNotice(f: DocumentFacts): Paragraph[] {
  const name = text(f.person.name);
  const n = f.publicNotice;
  const days = n?.workingDays ?? DEFAULT_NOTICE_WORKING_DAYS;
  return [
    title(documentTitle('public_notice', f)),
    para(`根据《中国共产党发展党员工作细则》的有关规定，经支部委员会研究，拟将${name}同志发展为中共预备党员。为广泛听取党员和群众的意见，现将有关情况公示如下：`),
    para(personLine(f)),
    para(`申请入党时间：${cnDate(f.appliedOn)}`),
    para(`确定为入党积极分子时间：${cnDate(f.activistOn)}`),
    para(`确定为发展对象时间：${cnDate(f.candidateOn)}`),
    para(`入党介绍人：${names(f.introducers)}`),
    para(`公示时间为${cnDate(n?.start)}至${cnDate(n?.end)}（${days}个工作日）。`),
    para(`公示期间如有意见，请向${text(f.orgName)}或${text(f.superiorOrgName)}反映。反映情况要实事求是，以个人名义反映的请提供联系方式。`),
    para(`联系电话：${text(f.contactPhone)}`),
    // issued on the first day of the period it announces
    ...signature(f, n?.start),
  ];
}

function filingReport(f: DocumentFacts): Paragraph[] {
  const name = text(f.person.name);
  return [
    title(documentTitle('filing_report', f)),
    line(`${text(f.superiorOrgName)}：`),
    para(personLine(f)),
    para(
      `该同志于${cnDate(f.appliedOn)}向党组织提出入党申请，${cnDate(f.activistOn)}经支部委员会研究确定为入党积极分子，` +
        `培养联系人为${names(f.contacts)}。经过培养教育和考察，${cnDate(f.candidateOn)}，支部委员会在听取党小组、培养联系人、党员和群众意见的基础上，` +
        `研究决定确定${name}同志为发展对象。`,
    ),
    para('现将有关情况报上级党委备案。'),
    para('特此报告。'),
    // reported on the day the 支部委员会 determined the 发展对象
    ...signature(f, f.candidateOn),
  ];
}

function talkRecord(f: DocumentFacts): (Paragraph | Table)[] {
  const talkers = f.talk && f.talk.talkers.length > 0 ? f.talk.talkers.join('、') : '';
  const LABEL = 1700;
  const VALUE = 2722;
  return [
    title(documentTitle('talk_record', f)),
    line(`党组织：${text(f.orgName)}`),
    new Table({
      width: { size: 2 * (LABEL + VALUE), type: WidthType.DXA },
      columnWidths: [LABEL, VALUE, LABEL, VALUE],
      rows: [
        formRow([cell('谈话对象', LABEL), cell(f.person.name, VALUE), cell('谈话时间', LABEL), cell(f.talk ? cnDate(f.talk.date) : '', VALUE)]),
        formRow([cell('谈话地点', LABEL), cell('', VALUE), cell('谈话人', LABEL), cell(talkers, VALUE)]),
        new TableRow({
          height: { value: 8400, rule: HeightRule.ATLEAST },
          children: [
            cell('谈话内容', LABEL),
            new TableCell({
              columnSpan: 3,
              width: { size: LABEL + 2 * VALUE, type: WidthType.DXA },
              borders: CELL_BORDERS,
              verticalAlign: VerticalAlign.TOP,
              children: [new Paragraph({ spacing: TABLE_SPACING, children: [] })],
            }),
          ],
        }),
        formRow([cell('谈话人签字', LABEL), cell('', VALUE), cell('记录人', LABEL), cell('', VALUE)]),
      ],
    }),
  ];
}

function politicalReview(f: DocumentFacts): Paragraph[] {
  const name = text(f.person.name);
  const r = f.politicalReview;
  return [
    title(documentTitle('political_review', f)),
    line(`${text(f.superiorOrgName)}：`),
    para(personLine(f)),
    para(
      `根据《中国共产党发展党员工作细则》的有关规定，${text(f.orgName)}对发展对象${name}同志进行了政治审查。政治审查的主要内容是：` +
        '对党的理论和路线、方针、政策的态度；政治历史和在重大政治斗争中的表现；遵纪守法和遵守社会公德情况。',
    ),
    para('审查采取同本人谈话、查阅有关档案材料、找有关单位和人员了解情况的方法进行，并听取了本人直系亲属和与本人关系密切的主要社会关系的情况。'),
    para(`审查结论：${r && r.conclusion.trim() ? r.conclusion.trim() : BLANK}`),
    para('特此报告。'),
    ...signature(f, r?.date),
  ];
}

function admissionResolution(f: DocumentFacts): Paragraph[] {
  const v = f.admissionVote;
  if (!v) throw new Error('missing vote');
  const name = text(f.person.name);
  const result = !v.isQuorate
    ? notQuorate()
    : v.isPassed
      ? `赞成票超过应到会有表决权党员的半数，同意接收${name}同志为中共预备党员，报上级党委审批。`
      : `赞成票未超过应到会有表决权党员的半数，不同意接收${name}同志为中共预备党员。`;
  return [
    title(documentTitle('admission_resolution', f)),
    para(
      `${cnDate(v.meetingDate)}，${text(f.orgName)}召开支部大会，讨论${name}同志的入党问题。支部大会听取了${name}同志关于对党的认识、入党动机、本人履历等情况的汇报，` +
        `听取了入党介绍人${names(f.introducers)}同志对${name}同志的介绍，以及支部委员会对其审查情况的报告。经过充分讨论，采取无记名投票方式进行表决。`,
    ),
    para(voteLine(v)),
    para(result),
    // a resolution is dated by the meeting that adopted it
    ...signature(f, v.meetingDate),
  ];
}

function conversionResolution(f: DocumentFacts): Paragraph[] {
  const v = f.conversionVote;
  if (!v) throw new Error('missing vote');
  const name = text(f.person.name);
  let result: string;
  if (!v.isQuorate) result = notQuorate();
  else if (!v.isPassed) result = '赞成票未超过应到会有表决权党员的半数，该决议未获通过。';
  else if (v.outcome === 'convert') result = `赞成票超过应到会有表决权党员的半数，同意${name}同志按期转正为中共正式党员，党龄自${cnDate(f.probationEnd)}算起，报上级党委审批。`;
  else if (v.outcome === 'extend') result = `赞成票超过应到会有表决权党员的半数，同意${name}同志延长预备期${v.extensionMonths ?? BLANK}个月，报上级党委审批。`;
  else result = `赞成票超过应到会有表决权党员的半数，同意取消其预备党员资格，报上级党委审批。`;
  return [
    title(documentTitle('conversion_resolution', f)),
    para(`${name}同志的预备期于${cnDate(f.probationEnd)}期满。`),
    para(
      `${cnDate(v.meetingDate)}，${text(f.orgName)}召开支部大会，讨论${name}同志的转正问题。支部大会听取了${name}同志的转正申请和预备期间表现情况的汇报，` +
        `以及支部委员会的审查意见。经过充分讨论，采取无记名投票方式进行表决。`,
    ),
    para(voteLine(v)),
    para(result),
    ...signature(f, v.meetingDate),
  ];
}

function personLine(f: DocumentFacts): string {
  const p = f.person;
  const edu = text(p.education);
  const eduLabel = edu === BLANK || edu.endsWith('学历') ? edu : `${edu}学历`;
  const work = [p.unitName, p.occupation].map((s) => s?.trim() ?? '').join('');
  return `${text(p.name)}，${text(p.sex)}，${text(p.ethnicity)}，${cnDate(p.birthDate)}出生，${eduLabel}，${work || BLANK}。`;
}

function voteLine(v: Vote): string {
  return (
    `本支部应到会有表决权的党员${v.expected}名，实到${v.present}名，因故不能到会的有表决权的党员提交书面意见${v.written}份。` +
    `表决结果：赞成${v.yes}票，反对${v.no}票，弃权${v.abstain}票。`
  );
}

function notQuorate(): string {
  return '实到会有表决权的党员未超过应到会有表决权党员的半数，会议不足法定人数，不能进行表决。';
}

/** 城关镇和平社区党支部 → 中共城关镇和平社区支部委员会 (the issuer of a resolution). */
export function committeeName(orgName: string): string {
  const name = orgName.trim().replace(/^中共/, '').replace(/^中国共产党/, '');
  if (!name) return `中共${BLANK}支部委员会`;
  let m: RegExpExecArray | null;
  if ((m = /^(.*?)党?总支(部|部委员会)?$/.exec(name))) return `中共${m[1]}总支部委员会`;
  if ((m = /^(.*?)党?支部(委员会)?$/.exec(name))) return `中共${m[1]}支部委员会`;
  if ((m = /^(.*?)党委$/.exec(name))) return `中共${m[1]}委员会`;
  if (name.endsWith('委员会')) return `中共${name}`;
  return `中共${name}支部委员会`;
}

function text(s: string | null | undefined): string {
  const t = s?.trim();
  return t ? t : BLANK;
}

function names(list: readonly string[]): string {
  const clean = list.map((s) => s.trim()).filter((s) => s !== '');
  return clean.length > 0 ? clean.join('、') : BLANK;
}

// ---------------------------------------------------------------------------
// Layout

const BODY_FONT = { ascii: 'Times New Roman', eastAsia: '仿宋_GB2312', hAnsi: 'Times New Roman', cs: 'Times New Roman' };
const TITLE_FONT = { ascii: 'Times New Roman', eastAsia: '宋体', hAnsi: 'Times New Roman', cs: 'Times New Roman' };
/** 三号 (16 pt), in half-points */
const BODY_SIZE = 32;
/** 二号 (22 pt), in half-points */
const TITLE_SIZE = 44;
/** two characters of 三号 */
const FIRST_LINE_INDENT = 640;
const TABLE_SPACING = { line: 360, lineRule: LineRuleType.AUTO };
const BORDER = { style: BorderStyle.SINGLE, size: 6, color: '000000' };
const CELL_BORDERS: ITableCellBorders = { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER };

function title(s: string): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { before: 0, after: 560, line: 700, lineRule: LineRuleType.EXACT },
    children: [new TextRun({ text: s, bold: true, size: TITLE_SIZE, font: TITLE_FONT })],
  });
}

function para(s: string): Paragraph {
  return new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: FIRST_LINE_INDENT }, children: [new TextRun(s)] });
}

function line(s: string): Paragraph {
  return new Paragraph({ alignment: AlignmentType.LEFT, children: [new TextRun(s)] });
}

/** The issuer and the document's own date (a fact of the file; a blank line when it is not recorded yet). */
function signature(f: DocumentFacts, dated: string | null | undefined): Paragraph[] {
  return [
    new Paragraph({ children: [] }),
    new Paragraph({ alignment: AlignmentType.RIGHT, indent: { right: FIRST_LINE_INDENT }, children: [new TextRun(text(f.orgName))] }),
    new Paragraph({ alignment: AlignmentType.RIGHT, indent: { right: FIRST_LINE_INDENT }, children: [new TextRun(cnDate(dated))] }),
  ];
}

/**
 * Names each Chinese font in the document's font table with its common
 * alternative (仿宋_GB2312 → 仿宋, the name Windows has shipped since Vista),
 * so a machine without the first still sets the body in 仿宋, not a default.
 */
async function withFontAlternatives(docx: Buffer): Promise<Buffer> {
  const zip = await JSZip.loadAsync(docx);
  const table = await zip.file('word/fontTable.xml')?.async('string');
  if (!table) return docx;
  const fonts = FONT_TABLE.map((f) => `<w:font w:name="${f.name}"><w:altName w:val="${f.alt}"/><w:charset w:val="86"/><w:family w:val="${f.family}"/><w:pitch w:val="variable"/></w:font>`).join('');
  const filled = table.endsWith('/>') && !table.includes('</w:fonts>') ? table.replace(/\/>$/, `>${fonts}</w:fonts>`) : table.replace('</w:fonts>', `${fonts}</w:fonts>`);
  zip.file('word/fontTable.xml', filled);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

const FONT_TABLE = [
  { name: '仿宋_GB2312', alt: '仿宋', family: 'modern' },
  { name: '宋体', alt: 'SimSun', family: 'auto' },
];

function cell(s: string, width: number): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    borders: CELL_BORDERS,
    verticalAlign: VerticalAlign.CENTER,
    children: [new Paragraph({ alignment: AlignmentType.CENTER, spacing: TABLE_SPACING, children: s ? [new TextRun({ text: s, size: 28 })] : [] })],
  });
}

function formRow(cells: TableCell[]): TableRow {
  return new TableRow({ height: { value: 800, rule: HeightRule.ATLEAST }, children: cells });
}
