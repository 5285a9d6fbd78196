/**
 * Who is signed in (GET /me: role and unit or inspection group, decided by the user pool's groups, never by the portal) and the
 * cycles they work in (GET /cycles, the one to open first listed first by the API).
 */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ok, setCycleId } from '../api/client';
import type { paths } from '../api/schema';
import { currentSession, onSessionEnded, signOut as endSession } from './session';

export type Me = paths['/me']['get']['responses'][200]['content']['application/json'];
export type Cycle = paths['/cycles']['get']['responses'][200]['content']['application/json']['cycles'][number];

interface AuthState {
  me: Me | null;
  cycles: Cycle[];
  /** The cycle the pages show; null when the user works in none. */
  cycle: Cycle | null;
  chooseCycle(cycleId: string): void;
  loading: boolean;
  /** Reads /me and /cycles again after a sign-in. */
  refresh(): Promise<void>;
  /**
   * Reads /cycles again while signed in (after a cycle is started), the page staying as it is; shows
   * `choose` when the list has it, else keeps the cycle shown.
   */
  reloadCycles(choose?: string): Promise<void>;
  signOut(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [cycles, setCycles] = useState<Cycle[]>([]);
  const [cycle, setCycle] = useState<Cycle | null>(null);
  const [loading, setLoading] = useState(true);
  const choose = useCallback((next: Cycle | null) => {
    setCycleId(next?.cycleId);
    setCycle(next);
  }, []);
  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      if (!currentSession()) {
        setMe(null);
        return;
      }
      const [who, listed] = await Promise.all([ok(api().GET('/me')), ok(api().GET('/cycles'))]);
      setCycles(listed.cycles);
      choose(listed.cycles[0] ?? null);
      setMe(who);
    } catch {
      setMe(null);
    } finally {
      setLoading(false);
    }
  }, [choose]);
  useEffect(() => void refresh(), [refresh]);
  // The session ended under the page (a 401, the refresh refused): signed out, so the layout sends the
  // user to the sign-in page, which brings them back here.
  useEffect(() => onSessionEnded(() => {
    setMe(null);
    choose(null);
  }), [choose]);
  const reloadCycles = useCallback(async (wanted?: string) => {
    const listed = await ok(api().GET('/cycles'));
    setCycles(listed.cycles);
    const keep = wanted ?? cycle?.cycleId;
    choose(listed.cycles.find((c) => c.cycleId === keep) ?? listed.cycles[0] ?? null);
  }, [choose, cycle]);
  const signOut = useCallback(async () => {
    await endSession();
    setMe(null);
    choose(null);
  }, [choose]);
  const chooseCycle = useCallback((id: string) => choose(cycles.find((c) => c.cycleId === id) ?? null), [choose, cycles]);
  return <AuthContext.Provider value={{ me, cycles, cycle, chooseCycle, loading, refresh, reloadCycles, signOut }}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}

/** Where a user lands: the county on its own 工作台, the city office on the 总览, an inspector on its 交叉检查. */
export const homeOf = (me: Me) => (me.role === 'city' ? '/overview' : me.role === 'inspector' ? '/inspections' : `/units/${me.unitId}`);
