// Who the app talks to the API as: the signed-in account's token, or a paired screen's device
// token (screen mode). Both live in localStorage, so a reload keeps them.
const TOKEN_KEY = 'seeit.token';
const DEVICE_TOKEN_KEY = 'seeit.deviceToken';

export const session = {
  token: (): string | null => localStorage.getItem(TOKEN_KEY),
  deviceToken: (): string | null => localStorage.getItem(DEVICE_TOKEN_KEY),
  /** Signs in (or out with null) and reloads, so every cache and socket starts afresh. */
  setToken(token: string | null, then = '/'): void {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
    window.location.assign(then);
  },
  setDeviceToken(token: string | null): void {
    if (token) localStorage.setItem(DEVICE_TOKEN_KEY, token);
    else localStorage.removeItem(DEVICE_TOKEN_KEY);
    window.location.reload();
  },
};

/** Screen mode signs the socket in as the paired screen; the app as the account. */
export const isScreenMode = (): boolean => window.location.pathname === '/screen';
