/**
 * The runtime config the deploy writes next to the portal (`/config.json`): where the API and the user pool
 * are. Read once at start; the same build runs on the twin and on AWS.
 */
export interface PortalConfig {
  apiUrl: string;
  region: string;
  userPoolId: string;
  clientId: string;
  /** Set on the twin: its Cognito stand-in. On AWS the SDK uses the region's own endpoint. */
  cognitoEndpoint?: string;
}

import { currentLang } from './i18n';

let loaded: PortalConfig | undefined;

export async function loadConfig(): Promise<PortalConfig> {
  if (loaded) return loaded;
  const res = await fetch('/config.json', { cache: 'no-cache' });
  if (!res.ok) {
    const en = currentLang() === 'en';
    throw new Error(en ? `Cannot read /config.json (${res.status})` : `读取 /config.json 失败（${res.status}）`);
  }
  loaded = (await res.json()) as PortalConfig;
  return loaded;
}

export function config(): PortalConfig {
  if (!loaded) throw new Error(currentLang() === 'en' ? 'config.json not read yet' : 'config.json 尚未读取');
  return loaded;
}
