/**
 * The year's documents' records over the wire against DynamoDB Local, and the same suite against the in-memory
 * repository: written once (a second, different record gets the first back), listed per cycle and only its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoRepository } from '../../core/adapters/dynamodb/repository';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import type { CycleDocument } from '../../core/model';
import type { CycleRepository } from '../../core/ports';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';

const TABLE = 'documents-it';
let local: DynamoDbLocal;

beforeAll(async () => {
  local = await startDynamoDbLocal({ tables: [TABLE] });
});
afterAll(async () => {
  await local?.stop();
});

let seq = 0;
const freshCycle = () => `docs-${Date.now().toString(36)}-${seq++}`;

const documentOf = (cycleId: string, documentId: string, sha: string): CycleDocument => ({
  cycleId, documentId, kind: documentId.startsWith('criticism-draft') ? 'criticism-draft' : 'forwarding-report',
  unitId: documentId.startsWith('criticism-draft') ? 'songxi' : null, name: `${documentId}.docx`,
  key: `documents/${cycleId}/_cycle/forwarding/${documentId}.docx`,
  contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: 12_345, sha256: sha.repeat(64), createdAt: '2016-12-01T01:00:00.000Z',
});

describe.each<[string, () => CycleRepository]>([
  ['dynamodb', () => makeDynamoRepository({ client: local.doc, tableName: TABLE })],
  ['memory', () => makeMemoryRepository()],
])('the records of the year\'s documents (%s)', (_, makeRepo) => {
  it('records a document once: a second record of it, even a different one, gets the first back', async () => {
    const repo = makeRepo();
    const cycleId = freshCycle();
    const first = await repo.recordCycleDocument(documentOf(cycleId, 'forwarding-report', 'a'));
    const again = await repo.recordCycleDocument(documentOf(cycleId, 'forwarding-report', 'b'));
    expect(first).toEqual({ recorded: true, document: documentOf(cycleId, 'forwarding-report', 'a') });
    expect(again).toEqual({ recorded: false, document: documentOf(cycleId, 'forwarding-report', 'a') });
  });

  it("lists the cycle's documents by id, and no other cycle's", async () => {
    const repo = makeRepo();
    const [cycleId, other] = [freshCycle(), freshCycle()];
    await repo.recordCycleDocument(documentOf(cycleId, 'province-workbook', 'c'));
    await repo.recordCycleDocument(documentOf(cycleId, 'criticism-draft-songxi', 'd'));
    await repo.recordCycleDocument(documentOf(other, 'province-workbook', 'e'));
    expect((await repo.listCycleDocuments(cycleId)).map((d) => [d.documentId, d.sha256[0], d.unitId])).toEqual([
      ['criticism-draft-songxi', 'd', 'songxi'],
      ['province-workbook', 'c', null],
    ]);
    expect(await repo.listCycleDocuments(freshCycle())).toEqual([]);
  });
});
