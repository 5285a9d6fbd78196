import { ApiFailure } from '../../api/client';

/**
 * The server's problems of a refused write that name `path` or a field under it (`evidence[1]` under
 * `evidence`), as antd's Form.Item takes them: shown next to the field, in the interface language.
 */
export function fieldProblems(error: unknown, path: string): { validateStatus?: 'error'; help?: string } {
  if (!(error instanceof ApiFailure)) return {};
  const mine = (error.body?.error.problems ?? []).filter((p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`));
  // Next to its field the message needs no path before it (`items[0].deduction: …`).
  const bare = (p: { path: string; message: string }) => (p.message.startsWith(`${p.path}: `) ? p.message.slice(p.path.length + 2) : p.message);
  return mine.length ? { validateStatus: 'error', help: mine.map(bare).join('；') } : {};
}

/** Problems that name none of `paths` (shown with the form's error, so none is lost). */
export function otherProblems(error: unknown, paths: (p: string) => boolean): string[] {
  if (!(error instanceof ApiFailure)) return [];
  return (error.body?.error.problems ?? []).filter((p) => !paths(p.path)).map((p) => `${p.path}: ${p.message}`);
}

/** The 409 of a stale edit: who recorded the version that stands, and when (the API's details). */
export interface Conflict {
  message: string;
  version: number;
  recordedBy?: string;
  recordedAt?: { zh: string; en: string };
}
export function conflictOf(error: unknown): Conflict | null {
  if (!(error instanceof ApiFailure) || error.status !== 409 || error.body?.error.code !== 'InspectionConflictError') return null;
  const d = (error.body.error.details ?? {}) as unknown as { version?: number; recordedBy?: string; recordedAt?: { zh: string; en: string } };
  return { message: error.message, version: d.version ?? 0, recordedBy: d.recordedBy, recordedAt: d.recordedAt };
}
