import JSZip from 'jszip';

/** The text of a .docx: document.xml's runs, a line per paragraph, entities decoded. */
export async function docxText(data: Buffer) {
  const zip = await JSZip.loadAsync(data);
  const xml = await zip.file('word/document.xml')!.async('string');
  const text = xml.replace(/<\/w:p>/g, '\n').replace(/<w:tab\/>/g, '\t').replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const media = Object.keys(zip.files).filter((f) => /^word\/media\/[^/]+\.png$/.test(f));
  const pngs = await Promise.all(media.map((f) => zip.file(f)!.async('nodebuffer')));
  return { text, media, pngs };
}
