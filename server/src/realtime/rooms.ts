/** Socket rooms: one per user, one for admins, one per case scope (and one for users who see every scope). */
export const rooms = {
  user: (id: string) => `user:${id}`,
  /** The sockets opened with one access token (closed when it is signed out). */
  token: (tokenId: string) => `token:${tokenId}`,
  admins: 'role:ADMIN',
  scope: (code: string) => `scope:${code}`,
  allScopes: 'scope:*',
};

/** The rooms a signed-in user's socket joins: what it may receive follows from them alone. */
export function roomsOf(user: { id: string; role: string; scopeCodes: string[] }): string[] {
  const joined = [rooms.user(user.id)];
  if (user.role === 'ADMIN') joined.push(rooms.admins);
  if (user.role === 'ADMIN' || user.scopeCodes.length === 0) joined.push(rooms.allScopes);
  else joined.push(...user.scopeCodes.map(rooms.scope));
  return joined;
}

/** Everyone who may see a case of this scope. */
export function caseRooms(scopeCode: string): string[] {
  return [rooms.allScopes, rooms.scope(scopeCode)];
}
