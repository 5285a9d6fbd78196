/**
 * The SES emulator for the integration tests: the twin's own launcher (local/services.ts). Its store is
 * module state: one server per process sees every email sent to any of them.
 */
import { clearInbox, readInbox, startSesEmulator, type StoredEmail } from '../../local/services';

export type { StoredEmail };

export interface SesLocal {
  endpoint: string;
  port: number;
  emails(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSesLocal(): Promise<SesLocal> {
  const service = await startSesEmulator();
  return {
    endpoint: service.endpoint,
    port: service.port,
    emails: () => readInbox(service.endpoint),
    clear: () => clearInbox(service.endpoint),
    stop: () => service.stop(),
  };
}
