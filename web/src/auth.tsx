import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { call, client } from './api/client.ts';
import type { Answer, BodyOf } from './api/types.ts';
import { getToken, onUnauthenticated, setToken } from './api.ts';

/** The signed-in user as `/api/auth/me` and the login answer describe it. */
export type User = Answer<'/api/auth/me', 'get'>;

/** A login's or a password change's answer: the bearer token and what the session must do first. */
export type Session = Answer<'/api/auth/login', 'post'>;

interface AuthState {
  user: User | null;
  /** True while a stored token is being checked at start-up. */
  isLoading: boolean;
  /** The session is restricted: the user must change the initial or an expired password first. */
  mustChangePassword: boolean;
  /** Why the change is due: the password has expired (otherwise it is the initial one). */
  isPasswordExpired: boolean;
  login(input: BodyOf<'/api/auth/login', 'post'>): Promise<Session>;
  changePassword(input: BodyOf<'/api/auth/password', 'post'>): Promise<void>;
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
    call(client.GET('/api/auth/me'))
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
    async (input: BodyOf<'/api/auth/login', 'post'>) => {
      const session = await call(client.POST('/api/auth/login', { body: input }));
      accept(session);
      return session;
    },
    [accept],
  );

  const changePassword = useCallback(
    async (input: BodyOf<'/api/auth/password', 'post'>) => {
      accept(await call(client.POST('/api/auth/password', { body: input })));
    },
    [accept],
  );

  const logout = useCallback(async () => {
    await call(client.POST('/api/auth/logout')).catch(() => undefined);
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
