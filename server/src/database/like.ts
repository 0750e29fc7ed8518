/** Text for a `LIKE`/`ILIKE` pattern (e.g. `'%' || $n || '%'`): LIKE's own wildcards (and its escape character) in it match literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
