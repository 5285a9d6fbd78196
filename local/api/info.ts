/**
 * What the twin writes to `<dataDir>/api.json` when it starts: where its API and user pool are, for
 * `npm run token` and other local tools. Kept apart from twin.ts so reading it loads nothing else.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const API_INFO_FILE = 'api.json';

export interface TwinApiInfo {
  region: string;
  /** The HTTP API's base URL. */
  api: string;
  /** Where InitiateAuth goes (`aws cognito-idp --endpoint-url`). */
  cognitoEndpoint: string;
  /** Every token's `iss`. */
  issuer: string;
  userPoolId: string;
  clientId: string;
  users: string[];
}

/** The info the twin left in `dataDir`, or undefined when there is none. */
export async function readApiInfo(dataDir: string): Promise<TwinApiInfo | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, API_INFO_FILE), 'utf8')) as TwinApiInfo;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
