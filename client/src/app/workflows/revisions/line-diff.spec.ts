import { countChanges, diffLines, snapshotLines } from './line-diff';

describe('diffLines', () => {
  it('marks identical input as all same', () => {
    const rows = diffLines(['a', 'b'], ['a', 'b']);
    expect(rows.map((r) => r.kind)).toEqual(['same', 'same']);
    expect(rows[1]).toEqual({ kind: 'same', left: { number: 2, text: 'b' }, right: { number: 2, text: 'b' } });
  });

  it('pairs a replaced line as changed and keeps line numbers per side', () => {
    const rows = diffLines(['{', '  "priority": 100,', '  "name": "x"', '}'], ['{', '  "priority": 5,', '  "name": "x"', '}']);
    expect(rows.map((r) => r.kind)).toEqual(['same', 'changed', 'same', 'same']);
    expect(rows[1].left).toEqual({ number: 2, text: '  "priority": 100,' });
    expect(rows[1].right).toEqual({ number: 2, text: '  "priority": 5,' });
    expect(countChanges(rows)).toBe(1);
  });

  it('shows pure insertions and deletions on one side only', () => {
    const rows = diffLines(['a', 'b', 'c'], ['a', 'c', 'd']);
    expect(rows).toEqual([
      { kind: 'same', left: { number: 1, text: 'a' }, right: { number: 1, text: 'a' } },
      { kind: 'removed', left: { number: 2, text: 'b' }, right: null },
      { kind: 'same', left: { number: 3, text: 'c' }, right: { number: 2, text: 'c' } },
      { kind: 'added', left: null, right: { number: 3, text: 'd' } },
    ]);
  });

  it('handles empty sides', () => {
    expect(diffLines([], ['x']).map((r) => r.kind)).toEqual(['added']);
    expect(diffLines(['x'], []).map((r) => r.kind)).toEqual(['removed']);
    expect(diffLines([], [])).toEqual([]);
  });

  it('pairs uneven change blocks, leftovers added', () => {
    const rows = diffLines(['k', 'old'], ['k', 'new1', 'new2']);
    expect(rows.map((r) => r.kind)).toEqual(['same', 'changed', 'added']);
    expect(rows[2].right?.text).toBe('new2');
  });
});

describe('snapshotLines', () => {
  it('sorts keys so equal snapshots give equal lines', () => {
    expect(snapshotLines({ b: 1, a: { d: 2, c: [3] } })).toEqual(snapshotLines({ a: { c: [3], d: 2 }, b: 1 }));
    expect(snapshotLines({ b: 1, a: 2 })).toEqual(['{', '  "a": 2,', '  "b": 1', '}']);
  });
});
