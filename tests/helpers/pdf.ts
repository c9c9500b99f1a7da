import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** The text of a PDF read back with pdf.js (a reader other than the writer, pdfkit), page by page, each page's items joined. */
export async function pdfText(data: Buffer): Promise<{ pages: string[]; pageSizes: Array<[number, number]> }> {
  const doc = await getDocument({ data: new Uint8Array(data), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  const pageSizes: Array<[number, number]> = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const [, , w, h] = page.view;
    pageSizes.push([Math.round(w), Math.round(h)]);
    const content = await page.getTextContent();
    pages.push(content.items.map((it) => ('str' in it ? it.str : '')).join(''));
  }
  await doc.destroy();
  return { pages, pageSizes };
}
