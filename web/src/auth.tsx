import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, getToken, onUnauthenticated, setToken } from './api.ts';

/** The signed-in user as `/api/auth/me` and the login answer describe it. */
export interface User {
  userId: number;
  loginName: string;
  displayName?: string;
  role: string;
  roleLabel: string;
  regionCode: string;
  provinceCode: string;
  organisationId: number | null;
  personId: number | null;
  permissions: string[];
}

export interface Session {
  token: string;
  expiresAt: string;
  mustChangePassword: boolean;
  /** The password is older than the maximum age (SKILLFUND_PASSWORD_MAX_AGE_DAYS). */
  passwordExpired: boolean;
  totpEnrolmentRequired: boolean;
  user: User;
}

interface AuthState {
  user: User | null;
  /** True while a stored token is being checked at start-up. */
  isLoading: boolean;
  /** The session is restricted: the user must change the initial or an expired password first. */
  mustChangePassword: boolean;
  /** Why the change is due: the password has expired (otherwise it is the initial one). */
  isPasswordExpired: boolean;
  login(input: { loginName: string; password: string; totpCode?: string }): Promise<Session>;
  changePassword(input: { currentPassword: string; newPassword: string }): Promise<void>;
  logout(): Promise<void>;
  can(permission: string): boolean;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [isLoading, setLoading] = useState(() => getToken() !== null);
  const [mustChangePassword, setMustChangePassword] = useState(false);
  const [isPasswordExpired, setPasswordExpired] = useState(false);

  useEffect(() => {
    if (!getToken()) return;
    api<User>('/api/auth/me')
      .then(setUser)
      .catch(() => setToken(null))
      .finally(() => setLoading(false));
  }, []);

  useEffect(
    () =>
      onUnauthenticated(() => {
        setToken(null);
        setUser(null);
      }),
    [],
  );

  const accept = useCallback((session: Session) => {
    setToken(session.token);
    setMustChangePassword(session.mustChangePassword);
    setPasswordExpired(session.passwordExpired);
    setUser(session.user);
  }, []);

  const login = useCallback(
    async (input: { loginName: string; password: string; totpCode?: string }) => {
      const session = await api<Session>('/api/auth/login', { method: 'POST', body: input });
      accept(session);
      return session;
    },
    [accept],
  );

  const changePassword = useCallback(
    async (input: { currentPassword: string; newPassword: string }) => {
      accept(await api<Session>('/api/auth/password', { method: 'POST', body: input }));
    },
    [accept],
  );

  const logout = useCallback(async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    setToken(null);
    setUser(null);
  }, []);

  const value = useMemo<AuthState>(
    () => ({
      user,
      isLoading,
      mustChangePassword,
      isPasswordExpired,
      login,
      changePassword,
      logout,
      can: (permission) => user?.permissions.includes(permission) ?? false,
    }),
    [user, isLoading, mustChangePassword, isPasswordExpired, login, changePassword, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}
