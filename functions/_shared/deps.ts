/**
 * The dependency container. Each handler names the adapters it uses (the same ones its IAM role allows),
 * so its bundle carries only those SDK clients; getDeps() builds them once per cold start. Tests and the
 * local twin call each handler's makeHandler() with a context of their own instead.
 */
import type { CycleRepository, DocumentStore, Mailer, WorkflowEngine } from '../../core/ports';
import { makeContext, unavailable, type Context } from '../../core/use-cases/context';
import { readEnv, type Env } from './env';

export interface AdapterBuilders {
  repo: (env: Env) => CycleRepository;
  mailer?: (env: Env) => Mailer;
  workflow?: (env: Env) => WorkflowEngine;
  documents?: (env: Env) => DocumentStore;
}

export function buildContext(builders: AdapterBuilders, env: Env = readEnv()): Context {
  return makeContext({
    repo: builders.repo(env),
    mailer: builders.mailer ? builders.mailer(env) : unavailable<Mailer>('mailer'),
    workflow: builders.workflow ? builders.workflow(env) : unavailable<WorkflowEngine>('workflow engine'),
    documents: builders.documents?.(env),
    clock: { now: () => Date.now() },
  });
}

let cached: Context | undefined;
/** Once per cold start. */
export function getDeps(builders: AdapterBuilders): Context {
  cached ??= buildContext(builders);
  return cached;
}
