/**
 * Single sign-on driven with plain HTTP, as a browser would: follows redirects across the app and the provider
 * with a cookie jar per host, and fills in the provider's development login form.
 */
type Jar = Map<string, Map<string, string>>;

function remember(jar: Jar, url: URL, res: Response): void {
  const cookies = jar.get(url.host) ?? new Map<string, string>();
  jar.set(url.host, cookies);
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
    if (expired) cookies.delete(name);
    else cookies.set(name, value);
  }
}

export interface SignInOutcome {
  /** Where the app finally sent the browser (a console URL, relative to the app). */
  location: string;
  /** The access token handed over in the fragment, when signed in. */
  token: string | undefined;
  /** The error shown on the login page, when refused. */
  error: string | undefined;
}

export interface SignInOptions {
  /** Rewrites the provider's redirect back to the app (an attacker's or a broken provider's reply). */
  tamperCallback?: (url: URL) => URL;
  /** Drops the app's cookies before the callback (the flow finished in another browser). */
  dropAppCookies?: boolean;
}

export async function signInThroughProvider(appUrl: string, login: string, options: SignInOptions = {}): Promise<SignInOutcome> {
  const jar: Jar = new Map();
  const app = new URL(appUrl);
  let url = new URL('/api/v1/auth/oidc/login', app);
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    if (url.host === app.host && url.pathname === '/api/v1/auth/oidc/callback') {
      if (options.tamperCallback) url = options.tamperCallback(url);
      if (options.dropAppCookies) jar.delete(app.host);
    }
    const cookies = [...(jar.get(url.host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookies ? { cookie: cookies } : {}) } });
    remember(jar, url, res);
    init = {};
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.host === app.host && !next.pathname.startsWith('/api/')) {
        const token = new URLSearchParams(next.hash.slice(1)).get('token') ?? undefined;
        return { location: next.pathname + next.search + next.hash, token, error: next.searchParams.get('error') ?? undefined };
      }
      url = next;
      continue;
    }
    const html = await res.text();
    const form = /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(html);
    if (res.status !== 200 || !form || !/name="login"/.test(html)) {
      throw new Error(`unexpected answer from ${url.pathname}: ${res.status} ${html.slice(0, 300)}`);
    }
    url = new URL(form[1].replace(/&amp;/g, '&'), url);
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prompt: 'login', login, password: 'any-password' }).toString(),
    };
  }
  throw new Error('too many redirects');
}
