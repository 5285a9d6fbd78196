/**
 * Makes an Office file's bytes depend on its content only. exceljs and docx stamp the zip entries and the
 * core properties (docProps/core.xml) with the time they run; rewritten here with the document's own date,
 * the same inputs give the same bytes, so a retried forwarding overwrites its object with the same SHA-256.
 * (jszip, which exceljs uses too, writes its DOS timestamps in UTC, whatever the machine's zone.)
 */
import JSZip from 'jszip';

const STAMP = /(<dcterms:(?:created|modified)[^>]*>)[^<]*(<\/dcterms:(?:created|modified)>)/g;

/**
 * Rewrites every entry's timestamp and the core properties' created/modified with `at` (UTC ISO, whole
 * seconds); `rewrite` may replace the text of named entries on the way (the font table, for one).
 */
export async function normalizeOfficeZip(bytes: Uint8Array, at: string, rewrite: Record<string, (xml: string) => string> = {}): Promise<Buffer> {
  const date = new Date(at);
  const iso = `${date.toISOString().slice(0, 19)}Z`;
  const source = await JSZip.loadAsync(bytes);
  const out = new JSZip();
  const names = Object.keys(source.files).filter((n) => !source.files[n].dir).sort(contentTypesFirst);
  for (const name of names) {
    let data: Uint8Array | string = await source.files[name].async('uint8array');
    if (name === 'docProps/core.xml') data = new TextDecoder().decode(data).replace(STAMP, `$1${iso}$2`);
    if (rewrite[name]) data = rewrite[name](typeof data === 'string' ? data : new TextDecoder().decode(data));
    out.file(name, data, { date, createFolders: false });
  }
  return out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 }, platform: 'DOS' });
}

/** `[Content_Types].xml` first, as Office writes it (some readers sniff the first entry), then by name. */
function contentTypesFirst(a: string, b: string): number {
  const first = '[Content_Types].xml';
  if (a === first) return -1;
  if (b === first) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
