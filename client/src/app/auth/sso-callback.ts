/**
 * The token single sign-on hands over in the URL fragment of /login/callback (`#token=…`): read once, then the
 * fragment is removed from the address bar and history so it is not bookmarked, shared or sent anywhere.
 */
export function takeTokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token')?.trim() ?? '';
  // A JWT: three base64url parts. Anything else is not ours to store.
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token) ? token : null;
}
