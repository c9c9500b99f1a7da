import { AlignmentType, HeadingLevel, Paragraph, TextRun } from 'docx';

// The paragraphs of the platform's Word documents (meeting report, problem
// brief): 宋体 body at 12 pt, headings at 14 pt bold.

export const DOCX_FONT = { ascii: 'SimSun', eastAsia: '宋体', hAnsi: 'SimSun' };

export type DocxAlign = (typeof AlignmentType)[keyof typeof AlignmentType];

/** A body paragraph (size in half-points: 24 = 12 pt). */
export function docxParagraph(text: string, opts: { bold?: boolean; size?: number; align?: DocxAlign } = {}): Paragraph {
  return new Paragraph({ alignment: opts.align, spacing: { after: 120 }, children: [new TextRun({ text, bold: opts.bold, size: opts.size ?? 24, font: DOCX_FONT })] });
}

/** A section heading. */
export function docxHeading(text: string): Paragraph {
  return new Paragraph({ heading: HeadingLevel.HEADING_2, spacing: { before: 240, after: 120 }, children: [new TextRun({ text, bold: true, size: 28, font: DOCX_FONT })] });
}

/** A date as written at the foot of a document: 2026年12月6日. */
export function docxDate(day: string): string {
  return `${day.slice(0, 4)}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;
}
