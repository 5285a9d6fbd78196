import type { DocumentStore } from '../../ports';

type FormInput = Parameters<DocumentStore['createUploadForm']>[0];

/**
 * An in-memory documents bucket for use-case tests. `putObject` plays the browser posting a file to its
 * form's key (it overwrites, as a re-post to the same key would); `forms` keeps every form issued.
 */
export function makeMemoryDocumentStore() {
  const objects = new Map<string, Uint8Array>();
  const forms: Array<FormInput & { url: string; fields: Record<string, string> }> = [];
  const store: DocumentStore & {
    objects: typeof objects;
    forms: typeof forms;
    putObject(key: string, bytes: Uint8Array | string): void;
  } = {
    objects,
    forms,
    putObject(key, bytes) {
      objects.set(key, typeof bytes === 'string' ? new TextEncoder().encode(bytes) : Uint8Array.from(bytes));
    },
    async createUploadForm(input) {
      const form = {
        url: 'memory://documents',
        fields: { key: input.key, 'Content-Type': input.contentType, 'x-min-bytes': String(input.minBytes ?? 1), 'x-max-bytes': String(input.maxBytes), 'x-expires-in': String(input.expiresInSeconds) },
      };
      forms.push({ ...input, ...form });
      return { url: form.url, fields: { ...form.fields } };
    },
    async copy(fromKey, toKey) {
      const bytes = objects.get(fromKey);
      if (!bytes) return false;
      objects.set(toKey, Uint8Array.from(bytes));
      return true;
    },
    async put({ key, bytes }) {
      objects.set(key, Uint8Array.from(bytes));
    },
    async read(key, maxBytes) {
      const bytes = objects.get(key);
      if (!bytes) return null;
      if (bytes.byteLength > maxBytes) return 'too-large';
      return Uint8Array.from(bytes);
    },
    async downloadUrl({ key, fileName, contentType, expiresInSeconds, inline }) {
      const q = new URLSearchParams({ fileName, contentType, expiresIn: String(expiresInSeconds), ...(inline ? { inline: 'true' } : {}) });
      return `memory://documents/${key}?${q}`;
    },
  };
  return store;
}
