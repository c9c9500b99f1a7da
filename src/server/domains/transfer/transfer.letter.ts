import QRCode from 'qrcode';
import type PDFKit from 'pdfkit';
import { cjkLine, cjkText, renderPdf } from '../../platform/pdf';
import { capitalMonth, capitalNumber, writtenDate } from './transfer.policy';
import type { TransferRow } from './transfer.repo';

// 中国共产党党员组织关系介绍信 as a printable A4 page in three parts, cut along
// the dashed lines: 存根 (kept by the issuing committee), 介绍信 (carried by the
// member to the receiving organisation) and 回执 (returned by the receiving
// side). Dues paid up to, validity and the letter's number in the form's
// wording; the ID number masked (DECISIONS "the letter"); a QR code on the
// 介绍信 leads to the public verification page.

const PAGE_W = 595.28;
const LEFT = 56;
const WIDTH = PAGE_W - 2 * LEFT;

export interface LetterInput {
  row: TransferRow;
  code: string;
  verifyUrl: string;
}

function memberKind(r: TransferRow) {
  return r.member_status === 'full' ? '正式党员' : '预备党员';
}

function sexLabel(r: TransferRow) {
  return r.sex === 'female' ? '女' : r.sex === 'male' ? '男' : '';
}

function duesLine(r: TransferRow) {
  return r.dues_paid_to ? capitalMonth(r.dues_paid_to) : '（无党费记录）';
}

function validity(r: TransferRow) {
  return `${capitalNumber(r.valid_days ?? 0)}天`;
}

function cutLine(doc: PDFKit.PDFDocument, y: number, label: string) {
  doc.save().lineWidth(0.6).dash(4, { space: 3 }).strokeColor('#555555').moveTo(LEFT - 20, y).lineTo(PAGE_W - LEFT + 20, y).stroke().restore();
  const w = doc.fontSize(8).widthOfString(label) + 16;
  doc.save().rect(PAGE_W / 2 - w / 2, y - 6, w, 12).fill('#ffffff').restore();
  cjkLine(doc, label, { x: LEFT, y: y - 4, width: WIDTH, align: 'center', size: 8 });
}

function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number) {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / n;
  doc.save().fillColor('#000000');
  for (let row = 0; row < n; row++) for (let col = 0; col < n; col++) if (qr.modules.get(row, col)) doc.rect(x + col * cell, y + row * cell, cell + 0.05, cell + 0.05).fill();
  doc.restore();
}

function heading(doc: PDFKit.PDFDocument, title: string, code: string, y: number) {
  cjkLine(doc, title, { x: LEFT, y, width: WIDTH, align: 'center', size: 15, weight: 700 });
  cjkLine(doc, code, { x: LEFT, y: y + 24, width: WIDTH, align: 'right', size: 10.5 });
}

function body(doc: PDFKit.PDFDocument, text: string, y: number, width = WIDTH) {
  cjkText(doc, text, { x: LEFT, y, width, size: 11.5, lineGap: 7 });
}

/** The letter as a PDF (A4 portrait, three parts). */
export async function renderTransferLetter(input: LetterInput): Promise<Buffer> {
  const r = input.row;
  const issued = r.issued_on ? writtenDate(r.issued_on) : '';
  const issuer = r.issuer_org_name ?? r.from_org_name;
  const person = `${r.person_name}同志（${sexLabel(r)}，身份证号${r.id_masked ?? ''}）`;
  return renderPdf({ title: `党员组织关系介绍信 ${input.code} ${r.person_name}`, author: issuer }, (doc) => {
    // 存根
    heading(doc, '中国共产党党员组织关系介绍信（存根）', input.code, 40);
    body(doc, `\u3000\u3000${person}系中共${memberKind(r)}，组织关系由${r.from_org_name}转到${r.to_org_name}。党费交到${duesLine(r)}。转接原因：${r.reason}`, 92);
    body(doc, `有效期${validity(r)}（至${r.valid_until ? writtenDate(r.valid_until) : ''}）`, 160);
    cjkLine(doc, `开具党委：${issuer}\u3000\u3000${issued}`, { x: LEFT, y: 190, width: WIDTH, align: 'right', size: 11.5 });
    cutLine(doc, 222, '（此处裁开，存根留存）');

    // 介绍信
    heading(doc, '中国共产党党员组织关系介绍信', input.code, 240);
    body(doc, `${r.to_org_name}：`, 290, WIDTH - 110);
    body(doc, `\u3000\u3000兹介绍${person}系中共${memberKind(r)}，组织关系由${r.from_org_name}转去，请接洽。该同志党费已交到${duesLine(r)}。`, 314, WIDTH - 110);
    body(doc, `（有效期${validity(r)}，至${r.valid_until ? writtenDate(r.valid_until) : ''}）`, 392, WIDTH - 110);
    cjkLine(doc, `${issuer}（盖章）`, { x: LEFT, y: 430, width: WIDTH - 110, align: 'right', size: 11.5 });
    cjkLine(doc, issued, { x: LEFT, y: 452, width: WIDTH - 110, align: 'right', size: 11.5 });
    drawQr(doc, input.verifyUrl, PAGE_W - LEFT - 92, 300, 92);
    cjkLine(doc, '扫码核验真伪与有效期', { x: PAGE_W - LEFT - 100, y: 398, width: 108, align: 'center', size: 7.5 });
    cutLine(doc, 500, '（此处裁开，介绍信由党员持往接收党组织）');

    // 回执
    heading(doc, '中国共产党党员组织关系介绍信（回执）', input.code, 518);
    body(doc, `${issuer}：`, 568);
    body(doc, `\u3000\u3000${r.person_name}同志的党员组织关系已转达我处，特此回执。`, 592);
    body(doc, '\u3000\u3000请接收党组织自党员报到之日起一个月内寄回本回执。', 620);
    cjkLine(doc, '接收党组织（盖章）', { x: LEFT, y: 680, width: WIDTH, align: 'right', size: 11.5 });
    cjkLine(doc, '\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日', { x: LEFT, y: 704, width: WIDTH, align: 'right', size: 11.5 });
    cjkLine(doc, `核验码：${r.verify_code ?? ''}`, { x: LEFT, y: 770, width: WIDTH, size: 7.5 });
  });
}
