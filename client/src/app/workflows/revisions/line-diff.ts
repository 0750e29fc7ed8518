/** A small line diff (longest common subsequence) shaped for a side-by-side view. */

export type DiffKind = 'same' | 'changed' | 'added' | 'removed';

export interface DiffLine {
  /** 1-based line number on its side. */
  number: number;
  text: string;
}

export interface DiffRow {
  kind: DiffKind;
  left: DiffLine | null;
  right: DiffLine | null;
}

type Op = { type: 'same'; a: number; b: number } | { type: 'del'; a: number } | { type: 'ins'; b: number };

function lcsOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j] = LCS length of a[i..] and b[j..]
  const lengths: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i][j] = a[i] === b[j] ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ type: 'same', a: i++, b: j++ });
    } else if (lengths[i + 1][j] >= lengths[i][j + 1]) {
      ops.push({ type: 'del', a: i++ });
    } else {
      ops.push({ type: 'ins', b: j++ });
    }
  }
  while (i < n) ops.push({ type: 'del', a: i++ });
  while (j < m) ops.push({ type: 'ins', b: j++ });
  return ops;
}

/** Rows for a side-by-side view; a run of removed lines followed by added lines is paired as "changed". */
export function diffLines(a: string[], b: string[]): DiffRow[] {
  const rows: DiffRow[] = [];
  const line = (lines: string[], index: number): DiffLine => ({ number: index + 1, text: lines[index] });
  const ops = lcsOps(a, b);
  let k = 0;
  while (k < ops.length) {
    const op = ops[k];
    if (op.type === 'same') {
      rows.push({ kind: 'same', left: line(a, op.a), right: line(b, op.b) });
      k++;
      continue;
    }
    const removed: number[] = [];
    const added: number[] = [];
    while (k < ops.length && ops[k].type !== 'same') {
      const change = ops[k];
      if (change.type === 'del') removed.push(change.a);
      else if (change.type === 'ins') added.push(change.b);
      k++;
    }
    const paired = Math.min(removed.length, added.length);
    for (let p = 0; p < paired; p++) {
      rows.push({ kind: 'changed', left: line(a, removed[p]), right: line(b, added[p]) });
    }
    for (const r of removed.slice(paired)) rows.push({ kind: 'removed', left: line(a, r), right: null });
    for (const x of added.slice(paired)) rows.push({ kind: 'added', left: null, right: line(b, x) });
  }
  return rows;
}

/** Pretty JSON with keys sorted, so two snapshots line up key by key. */
export function snapshotLines(snapshot: unknown): string[] {
  return JSON.stringify(sortKeys(snapshot), null, 2).split('\n');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value ?? null;
}

export function countChanges(rows: DiffRow[]): number {
  return rows.filter((row) => row.kind !== 'same').length;
}
