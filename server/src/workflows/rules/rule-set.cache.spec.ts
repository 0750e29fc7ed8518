import { describe, expect, it } from '@jest/globals';
import type { EntityManager } from 'typeorm';
import { RuleSetCache } from './rule-set.cache';
import type { RuleRepository } from './rule.repository';
import type { Rule } from './rule.types';

/** A rule repository in memory whose rule list answers only when the test releases it, as a slow query would. */
function slowRepository() {
  let version = 1;
  let rules: string[] = ['a'];
  const pending: Array<() => void> = [];
  const repository = {
    manager: () => ({}) as EntityManager,
    ruleSetVersion: async () => version,
    list: () => {
      const snapshot = rules.map((id) => ({ id }) as Rule);
      return new Promise<{ rules: Rule[] }>((resolve) => pending.push(() => resolve({ rules: snapshot })));
    },
  } as unknown as RuleRepository;
  return {
    repository,
    change(ids: string[]) { rules = ids; version++; },
    releaseAll() { for (const release of pending.splice(0)) release(); },
  };
}

const ids = (rules: Rule[]) => rules.map((r) => r.id);
const ticks = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('RuleSetCache', () => {
  it('a caller who asks after a change never gets a load that began before it', async () => {
    const repo = slowRepository();
    const cache = new RuleSetCache(repo.repository);
    const before = cache.latest();
    await ticks();
    repo.change(['a', 'b']);
    const after = cache.latest();
    await ticks();
    repo.releaseAll();
    expect(ids(await before)).toEqual(['a']);
    expect(ids(await after)).toEqual(['a', 'b']);
    // The newer set is what stays cached.
    expect(ids(await cache.latest())).toEqual(['a', 'b']);
  });

  it('callers who saw the same version share one load', async () => {
    const repo = slowRepository();
    const cache = new RuleSetCache(repo.repository);
    const first = cache.latest();
    const second = cache.latest();
    await ticks();
    repo.releaseAll();
    expect(await first).toBe(await second);
  });
});
