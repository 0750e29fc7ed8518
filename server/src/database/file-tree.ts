import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';

/** One entry of a folder tree, as compared when copies are verified. */
export interface TreeEntry {
  type: 'file' | 'dir' | 'link' | 'other';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  sha256?: string;
  target?: string;
}

/** Every entry under `root` by relative path ('' is the root itself). Symlinks are not followed. */
export function manifestOf(root: string, options: { hash: boolean }): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>();
  const visit = (rel: string) => {
    const path = rel ? join(root, rel) : root;
    const st = lstatSync(path);
    const type = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    const entry: TreeEntry = { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: type === 'file' ? st.size : 0 };
    if (type === 'link') entry.target = readlinkSync(path);
    if (type === 'file' && options.hash) entry.sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
    entries.set(rel, entry);
    if (type === 'dir') for (const name of readdirSync(path).sort()) visit(rel ? join(rel, name) : name);
  };
  visit('');
  return entries;
}

/** What differs between two manifests in the given fields, as short readable lines ("extra bin/x"). */
export function differences(expected: Map<string, TreeEntry>, actual: Map<string, TreeEntry>, fields: (keyof TreeEntry)[]): string[] {
  const found: string[] = [];
  for (const [rel, want] of expected) {
    const got = actual.get(rel);
    if (!got) found.push(`missing ${rel || '.'}`);
    else {
      const changed = fields.filter((f) => want[f] !== got[f]);
      if (changed.length) found.push(`changed ${rel || '.'} (${changed.join(', ')})`);
    }
  }
  for (const rel of actual.keys()) if (!expected.has(rel)) found.push(`extra ${rel}`);
  return found;
}

/** A symlink whose target stays inside `root` (relative, no escape through ".."). */
export function linkStaysInside(root: string, rel: string, target: string): boolean {
  if (isAbsolute(target)) return false;
  const resolved = resolve(root, dirname(rel), target);
  return resolved.startsWith(resolve(root) + sep);
}

/**
 * Why `path` and its parents could be changed by someone other than root, or
 * undefined when they cannot: every one must be root-owned and not writable by
 * group or others (a root-owned sticky folder such as /var/tmp is fine: others
 * cannot rename or remove what root put in it).
 */
export function unsafeParents(path: string): string | undefined {
  for (let p = resolve(path); ; p = dirname(p)) {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return `${p} is a symbolic link`;
    if (st.uid !== 0) return `${p} is owned by uid ${st.uid}, not root`;
    const sticky = (st.mode & 0o1000) !== 0;
    if ((st.mode & 0o022) !== 0 && !(sticky && p !== resolve(path))) return `${p} is writable by group or others`;
    if (dirname(p) === p) return undefined;
  }
}

/** `cp -a`: modes, owners, times and symlinks as they are. */
export function copyExactly(from: string, to: string): void {
  const r = spawnSync('cp', ['-a', '--', from, to], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`copying ${from} to ${to} failed: ${r.stderr || r.error?.message}`);
}
