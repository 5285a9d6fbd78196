/**
 * A self-assessment under the API's 512 KB body limit can still be too large for one DynamoDB item
 * (400 KB). It is refused before anything is written, as a 413 whose problems name the parts that take the
 * room (the roster among them) and the rule, zh-CN first and English on request: never a 500.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context as LambdaContext } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { makeMemoryDocumentStore } from '../../core/adapters/memory/documents';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { itemBytes, MAX_ITEM_BYTES } from '../../core/adapters/dynamodb/item-size';
import { planSchema } from '../../core/plan/schema';
import { makeContext } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { MAX_BODY_BYTES } from '../../functions/_shared/api-handler';
import { MAX_ROSTER } from '../../functions/_shared/self-assessment-schema';
import { makeHandler as makeSubmitDeliverable } from '../../functions/submit-deliverable/handler';

vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'unit-test';
  process.env.AWS_REGION ??= 'us-east-1';
});

const lambda = { functionName: 'api-test', awsRequestId: 'aws-req-1', getRemainingTimeInMillis: () => 10_000 } as unknown as LambdaContext;
const base = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
// A score sheet of 100 one-point items (other offices' sheets are longer than Nanping's), each scored with a long note.
const plan = planSchema.parse({
  ...base,
  rubric: { total: 100, items: Array.from({ length: 100 }, (_, i) => ({ id: `item-${i + 1}`, title: `第${i + 1}项`, maxPoints: 1, evidence: '工作记录' })) },
});

async function submit(body: unknown, lang?: string) {
  const clock = { t: Date.parse('2016-11-08T02:00:00Z'), now() { return this.t; } };
  const repo = makeMemoryRepository();
  const ctx = makeContext({ repo, mailer: makeMemoryMailer(), workflow: makeMemoryWorkflow(), documents: makeMemoryDocumentStore(), clock });
  await startCycle(ctx, { plan, startedBy: 'city-admin' });
  const raw = JSON.stringify(body);
  const event = {
    version: '2.0',
    routeKey: 'POST /cycles/{cycleId}/units/{unitId}/deliverables/{deliverableId}/versions',
    rawPath: '/cycles/nanping-2016/units/yanping/deliverables/self-assessment-report/versions',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...(lang ? { 'accept-language': lang } : {}) },
    pathParameters: { cycleId: 'nanping-2016', unitId: 'yanping', deliverableId: 'self-assessment-report' },
    requestContext: {
      requestId: 'req-size',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      authorizer: { jwt: { claims: { token_use: 'access', username: 'yanping-staff', 'cognito:groups': '[unit-yanping]' }, scopes: null } },
    },
    body: raw,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
  const res = await makeSubmitDeliverable(ctx)(event, lambda);
  return { res, raw, stored: await repo.listUnitSubmissions('nanping-2016', 'yanping') };
}

/** The longest roster the API takes (1,000 names of 40 characters), the longest narratives, and notes that bring the body just under 512 KB. */
function bigSelfAssessment(noteChars: number) {
  const name = (i: number) => `${String(i).padStart(4, '0')}${'社'.repeat(36)}`;
  return {
    narrative: '自'.repeat(10_000),
    selfAssessment: {
      narrative: '评'.repeat(10_000),
      scores: plan.rubric.items.map((item) => ({ itemId: item.id, score: 1, note: '记'.repeat(noteChars) })),
      roster: Array.from({ length: MAX_ROSTER }, (_, i) => ({ name: name(i), created: true, qualified: true })),
    },
  };
}

describe('a version too large for one stored item', () => {
  it('with a roster at its maximum and a body just under the 512 KB limit: 413, problems naming the roster and the rule, nothing stored', async () => {
    // Prepare: the largest note length that keeps the body under the limit.
    let chars = 1000; // the schema's maximum note
    while (Buffer.byteLength(JSON.stringify(bigSelfAssessment(chars))) > MAX_BODY_BYTES) chars -= 1;
    const body = bigSelfAssessment(chars);

    // Act
    const { res, raw, stored } = await submit(body);

    // Assess
    expect(Buffer.byteLength(raw)).toBeGreaterThan(MAX_BODY_BYTES * 0.98);
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(itemBytes(body.selfAssessment)).toBeGreaterThan(MAX_ITEM_BYTES);
    expect(res.statusCode).toBe(413);
    const error = JSON.parse(res.body!).error;
    expect(error.code).toBe('VersionTooLargeError');
    expect(error.message).toMatch(/^报送内容过大，无法保存（约 \d+ KB，上限 400 KB）$/);
    expect(error.problems.map((p: { path: string; rule: string }) => `${p.path} ${p.rule}`)).toEqual([
      'selfAssessment.scores stored-size',
      'selfAssessment.roster stored-size',
    ]);
    expect(error.problems[1].message).toMatch(/^selfAssessment\.roster: 约占 \d+ KB；本版本存储后约 \d+ KB，超过单条记录 400 KB 的上限/);
    expect(stored).toEqual([]);
  });

  it('answers in English on request', async () => {
    const { res } = await submit(bigSelfAssessment(900), 'en');
    expect(res.statusCode).toBe(413);
    const error = JSON.parse(res.body!).error;
    expect(error.message).toMatch(/^The submission is too large to store \(about \d+ KB; the limit is 400 KB\)$/);
    expect(error.problems[1].message).toMatch(/^selfAssessment\.roster: takes about \d+ KB; the version would take about \d+ KB stored, above the 400 KB limit/);
  });

  it('stores the same roster and narratives with shorter notes', async () => {
    const { res, stored } = await submit(bigSelfAssessment(500));
    expect(res.statusCode).toBe(201);
    expect(stored).toHaveLength(1);
  });
});
