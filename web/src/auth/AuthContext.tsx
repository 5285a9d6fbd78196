/** Who is signed in (GET /me: role and unit, decided by the user pool's groups, never by the portal). */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ok } from '../api/client';
import type { paths } from '../api/schema';
import { currentSession, signOut as endSession } from './session';

export type Me = paths['/me']['get']['responses'][200]['content']['application/json'];

interface AuthState {
  me: Me | null;
  loading: boolean;
  /** Reads /me again after a sign-in. */
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setMe(currentSession() ? await ok(api().GET('/me')) : null);
    } catch {
      setMe(null);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => void refresh(), [refresh]);
  const signOut = useCallback(async () => {
    await endSession();
    setMe(null);
  }, []);
  return <AuthContext.Provider value={{ me, loading, refresh, signOut }}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}

/** Where a user lands: the county on its own 工作台, the city office on the 总览. */
export const homeOf = (me: Me) => (me.role === 'city' ? '/overview' : `/units/${me.unitId}`);
