/**
 * POST .../uploads/{uploadId}/check (the unit's office, or the city office): the server checks the file where it landed (size, type
 * by its magic bytes, SHA-256) and keeps its own copy; only a checked document can be submitted.
 */
import type { Context } from '../../core/use-cases/context';
import { checkUpload } from '../../core/use-cases/uploads';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { s3DocumentStore } from '../_shared/s3';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, actor, lang }) => {
    const u = await checkUpload(ctx, { ...params, actor: actor! });
    return {
      body: {
        uploadId: u.uploadId,
        fileName: u.fileName,
        contentType: u.contentType,
        status: u.status,
        checkedAt: u.checkedAt ?? null,
        size: u.document?.size ?? null,
        sha256: u.document?.sha256 ?? null,
        rejection: u.rejection ? { path: u.rejection.path, rule: u.rejection.rule, message: u.rejection.message[lang] } : null,
      },
    };
  }, { idempotency: ctx, planScope: ctx });
export const handler = makeHandler(getDeps('check-upload', { repo: dynamoRepository, documents: s3DocumentStore }));
