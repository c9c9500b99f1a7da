import { describe, expect, it } from 'vitest';
import mammoth from 'mammoth';
import JSZip from 'jszip';
import {
  cnDate, committeeName, documentFileName, renderDevelopmentDocument, DOCUMENT_KINDS,
  type DocumentFacts, type DocumentKind, type Vote,
} from '../../src/server/domains/development/development.documents';

// The five 发展党员 documents, rendered and read back as text. Every expected
// string is written out here, never produced by the module under test.

const admissionVote: Vote = {
  meetingDate: '2026-03-20', expected: 25, present: 21, written: 2, yes: 20, no: 2, abstain: 1, isQuorate: true, isPassed: true,
};

const facts: DocumentFacts = {
  orgName: '城关镇和平社区党支部',
  superiorOrgName: '城关镇党委',
  person: { name: '张晓雯', sex: '女', ethnicity: '汉族', birthDate: '1998-05-12', education: '大学本科', occupation: '工作人员', unitName: '城关镇和平社区居民委员会' },
  appliedOn: '2023-03-01',
  activistOn: '2023-04-10',
  candidateOn: '2025-05-20',
  contacts: ['李建国', '王芳'],
  introducers: ['赵明', '孙丽'],
  politicalReview: { date: '2025-11-03', conclusion: '合格' },
  training: { date: '2025-12-01', days: 3, hours: 24, name: '城关镇2025年发展对象培训班' },
  publicNotice: { start: '2026-03-02', end: '2026-03-06', provisional: true },
  talk: { date: '2023-03-20', talkers: ['刘卫东', '陈静'] },
  admissionVote,
  conversionVote: {
    meetingDate: '2027-03-25', expected: 30, present: 26, written: 3, yes: 27, no: 1, abstain: 1, isQuorate: true, isPassed: true,
    outcome: 'convert', extensionMonths: null,
  },
  probationEnd: '2027-03-20',
  contactPhone: '0931-8123456',
};

async function textOf(kind: DocumentKind, f: DocumentFacts): Promise<string> {
  const buf = await renderDevelopmentDocument(kind, f);
  expect(Buffer.isBuffer(buf)).toBe(true);
  expect(buf.subarray(0, 2).toString('latin1')).toBe('PK');
  const { value } = await mammoth.extractRawText({ buffer: buf });
  return value;
}

/** The document's date: the last line, under the issuer. */
const dateLine = (t: string) => t.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);

describe('cnDate', () => {
  it('writes dates without leading zeros', () => {
    expect(cnDate('2026-03-05')).toBe('2026年3月5日');
    expect(cnDate('2025-12-31')).toBe('2025年12月31日');
  });
  it('a missing date is a blank line', () => {
    expect(cnDate(null)).toBe('________');
    expect(cnDate('')).toBe('________');
  });
});

describe('names', () => {
  it('file names carry the document and the person', () => {
    expect(documentFileName('public_notice', '张晓雯')).toBe('发展对象公示-张晓雯.docx');
    expect(documentFileName('conversion_resolution', '张晓雯')).toBe('预备党员转正决议-张晓雯.docx');
    expect(DOCUMENT_KINDS.admission_resolution).toBe('支部大会接收预备党员决议');
  });
  it('the issuer of a resolution is the 支部委员会', () => {
    expect(committeeName('城关镇和平社区党支部')).toBe('中共城关镇和平社区支部委员会');
    expect(committeeName('县教育局机关党总支')).toBe('中共县教育局机关总支部委员会');
  });
});

describe('发展对象公示', () => {
  it('states the facts, the dates, the introducers and the period', async () => {
    const t = await textOf('public_notice', facts);
    expect(t).toContain('关于张晓雯同志拟发展为预备党员的公示');
    expect(t).toContain('张晓雯，女，汉族，1998年5月12日出生，大学本科学历，城关镇和平社区居民委员会工作人员。');
    expect(t).toContain('申请入党时间：2023年3月1日');
    expect(t).toContain('确定为入党积极分子时间：2023年4月10日');
    expect(t).toContain('确定为发展对象时间：2025年5月20日');
    expect(t).toContain('入党介绍人：赵明、孙丽');
    expect(t).toContain('公示时间为2026年3月2日至2026年3月6日（5个工作日）');
    expect(t).toContain('公示期间如有意见，请向城关镇和平社区党支部或城关镇党委反映');
    expect(t).toContain('联系电话：0931-8123456');
    // dated the first day of its own period, not the day it is downloaded
    expect(dateLine(t)).toBe('2026年3月2日');
    // a provisional period (no holiday calendar) is not announced as such
    expect(t).not.toMatch(/暂定|临时|provisional/);
  });
  it('uses the rule length of the period when given', async () => {
    const t = await textOf('public_notice', { ...facts, publicNotice: { start: '2026-03-02', end: '2026-03-10', provisional: false, workingDays: 7 } });
    expect(t).toContain('公示时间为2026年3月2日至2026年3月10日（7个工作日）');
  });
});

describe('发展对象备案报告', () => {
  it('is addressed to the superior and gives the facts up to 发展对象', async () => {
    const t = await textOf('filing_report', facts);
    expect(t).toContain('关于确定张晓雯同志为发展对象的备案报告');
    expect(t).toContain('城关镇党委：');
    expect(t).toContain('1998年5月12日出生');
    expect(t).toContain('2023年3月1日向党组织提出入党申请');
    expect(t).toContain('2023年4月10日经支部委员会研究确定为入党积极分子');
    expect(t).toContain('培养联系人为李建国、王芳');
    expect(t).toContain('2025年5月20日');
    expect(t).toContain('确定张晓雯同志为发展对象');
    expect(t).toContain('城关镇和平社区党支部');
    // reported on the day the 发展对象 was determined
    expect(dateLine(t)).toBe('2025年5月20日');
  });
});

describe('谈话记录', () => {
  it('is a form with the person, the date and the talkers filled in', async () => {
    const t = await textOf('talk_record', facts);
    for (const label of ['谈话记录', '谈话对象', '谈话时间', '谈话地点', '谈话人', '谈话内容', '谈话人签字', '记录人']) expect(t).toContain(label);
    expect(t).toContain('张晓雯');
    expect(t).toContain('2023年3月20日');
    expect(t).toContain('刘卫东、陈静');
  });
  it('leaves the date and talkers empty when the talk is not recorded', async () => {
    const t = await textOf('talk_record', { ...facts, talk: null });
    // each table cell reads back as a paragraph; the value cells after the labels are empty
    expect(t).toMatch(/谈话时间\s*谈话地点/);
    expect(t).toMatch(/谈话人\s*谈话内容/);
    expect(t).not.toContain('2023年3月20日');
  });
});

describe('政治审查报告', () => {
  it('is addressed to the superior, gives the scope of the review and its conclusion, dated on the review', async () => {
    const t = await textOf('political_review', facts);
    expect(t).toContain('关于张晓雯同志的政治审查报告');
    expect(t).toContain('城关镇党委：');
    expect(t).toContain('张晓雯，女，汉族，1998年5月12日出生');
    expect(t).toContain('城关镇和平社区党支部对发展对象张晓雯同志进行了政治审查');
    expect(t).toContain('遵纪守法和遵守社会公德情况');
    expect(t).toContain('审查结论：合格');
    expect(dateLine(t)).toBe('2025年11月3日');
  });
  it('leaves the conclusion and the date blank before step 10 is recorded', async () => {
    const t = await textOf('political_review', { ...facts, politicalReview: null });
    expect(t).toContain('审查结论：________');
    expect(dateLine(t)).toBe('________');
  });
});

describe('the official-document fonts', () => {
  it('sets the body in 仿宋_GB2312 with 仿宋 as its alternative, and titles in 宋体', async () => {
    const zip = await JSZip.loadAsync(await renderDevelopmentDocument('public_notice', facts));
    const styles = await zip.file('word/styles.xml')!.async('string');
    expect(styles).toMatch(/<w:rFonts[^>]*w:eastAsia="仿宋_GB2312"/);
    const document = await zip.file('word/document.xml')!.async('string');
    expect(document).toMatch(/<w:rFonts[^>]*w:eastAsia="宋体"/);
    const table = await zip.file('word/fontTable.xml')!.async('string');
    expect(table).toContain('<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>');
  });
});

describe('支部大会接收预备党员决议', () => {
  it('gives the meeting, the vote figures and the result', async () => {
    const t = await textOf('admission_resolution', facts);
    expect(t).toContain('中共城关镇和平社区支部委员会关于接收张晓雯同志为中共预备党员的决议');
    expect(t).toContain('2026年3月20日，城关镇和平社区党支部召开支部大会');
    expect(t).toContain('应到会有表决权的党员25名');
    expect(t).toContain('实到21名');
    expect(t).toContain('书面意见2份');
    expect(t).toContain('赞成20票，反对2票，弃权1票');
    expect(t).toContain('超过应到会有表决权党员的半数，同意接收张晓雯同志为中共预备党员，报上级党委审批');
    expect(t).toContain('入党介绍人赵明、孙丽');
    // dated by the meeting that adopted it
    expect(dateLine(t)).toBe('2026年3月20日');
  });
  it('a vote that did not pass does not admit', async () => {
    const t = await textOf('admission_resolution', { ...facts, admissionVote: { ...admissionVote, yes: 12, no: 9, abstain: 2, isPassed: false } });
    expect(t).toContain('赞成12票，反对9票，弃权2票');
    expect(t).toContain('赞成票未超过应到会有表决权党员的半数，不同意接收张晓雯同志为中共预备党员');
    expect(t).not.toContain('同意接收张晓雯同志为中共预备党员，报上级党委审批');
  });
  it('a meeting without quorum cannot vote', async () => {
    const t = await textOf('admission_resolution', {
      ...facts, admissionVote: { ...admissionVote, present: 12, written: 0, yes: 12, no: 0, abstain: 0, isQuorate: false, isPassed: false },
    });
    expect(t).toContain('会议不足法定人数，不能进行表决');
    expect(t).not.toContain('同意接收');
  });
  it('throws without a vote', async () => {
    await expect(renderDevelopmentDocument('admission_resolution', { ...facts, admissionVote: null })).rejects.toThrow('missing vote');
  });
});

describe('预备党员转正决议', () => {
  it('convert: on time, 党龄 from the end of probation', async () => {
    const t = await textOf('conversion_resolution', facts);
    expect(t).toContain('关于张晓雯同志预备党员转正的决议');
    expect(t).toContain('2027年3月25日，城关镇和平社区党支部召开支部大会');
    expect(t).toContain('应到会有表决权的党员30名');
    expect(t).toContain('实到26名');
    expect(t).toContain('书面意见3份');
    expect(t).toContain('赞成27票，反对1票，弃权1票');
    expect(t).toContain('同意张晓雯同志按期转正为中共正式党员，党龄自2027年3月20日算起');
    expect(dateLine(t)).toBe('2027年3月25日');
  });
  it('extend: the months of the extension', async () => {
    const t = await textOf('conversion_resolution', { ...facts, conversionVote: { ...facts.conversionVote!, outcome: 'extend', extensionMonths: 6 } });
    expect(t).toContain('中共城关镇和平社区支部委员会关于延长张晓雯同志预备期的决议');
    expect(t).toContain('延长预备期6个月');
    expect(t).not.toContain('按期转正');
  });
  it('cancel: the probationary membership ends', async () => {
    const t = await textOf('conversion_resolution', { ...facts, conversionVote: { ...facts.conversionVote!, outcome: 'cancel', extensionMonths: null } });
    expect(t).toContain('中共城关镇和平社区支部委员会关于取消张晓雯同志预备党员资格的决议');
    expect(t).toContain('取消其预备党员资格');
    expect(t).not.toContain('按期转正');
  });
  it('throws without a vote', async () => {
    await expect(renderDevelopmentDocument('conversion_resolution', { ...facts, conversionVote: null })).rejects.toThrow('missing vote');
  });
});

describe('missing facts print as blanks', () => {
  const sparse: DocumentFacts = {
    ...facts,
    superiorOrgName: null,
    person: { ...facts.person, unitName: null, occupation: '' },
    activistOn: null,
    candidateOn: null,
    contacts: [],
    introducers: [],
    politicalReview: null,
    training: null,
    publicNotice: null,
    talk: null,
    conversionVote: { ...facts.conversionVote!, outcome: 'extend', extensionMonths: null },
    probationEnd: null,
    contactPhone: null,
  };
  it('公示', async () => {
    const t = await textOf('public_notice', sparse);
    expect(t).toContain('大学本科学历，________。');
    expect(t).toContain('确定为入党积极分子时间：________');
    expect(t).toContain('确定为发展对象时间：________');
    expect(t).toContain('入党介绍人：________');
    expect(t).toContain('公示时间为________至________（5个工作日）');
    expect(t).toContain('请向城关镇和平社区党支部或________反映');
    expect(t).toContain('联系电话：________');
  });
  it('备案报告', async () => {
    const t = await textOf('filing_report', sparse);
    expect(t).toContain('________：');
    expect(t).toContain('________经支部委员会研究确定为入党积极分子');
    expect(t).toContain('培养联系人为________');
  });
  it('决议', async () => {
    expect(await textOf('admission_resolution', sparse)).toContain('入党介绍人________同志');
    const t = await textOf('conversion_resolution', sparse);
    expect(t).toContain('预备期于________期满');
    expect(t).toContain('延长预备期________个月');
  });
});
