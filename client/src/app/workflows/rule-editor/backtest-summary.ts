import type { BacktestResult } from '../../../../../contracts/workflows';

/** One bar of the per-day chart: its height as a share of the busiest day. */
export interface DayBar {
  date: string;
  /** Short label under the bar, e.g. "Tue 1". */
  label: string;
  matched: number;
  /** 0–100; a day with matches is at least 2 so it stays visible beside a much busier one. */
  heightPct: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function dayBars(perDay: BacktestResult['perDay']): DayBar[] {
  const max = Math.max(0, ...perDay.map((d) => d.matched));
  return perDay.map((d) => {
    const day = new Date(`${d.date}T00:00:00Z`);
    const pct = max ? (d.matched / max) * 100 : 0;
    return {
      date: d.date, matched: d.matched, label: `${WEEKDAYS[day.getUTCDay()]} ${day.getUTCDate()}`,
      heightPct: d.matched ? Math.max(2, Math.round(pct)) : 0,
    };
  });
}

/** The action counts, largest first, for a list. */
export function actionRows(counts: BacktestResult['actionCounts']): Array<{ actionType: string; count: number }> {
  return Object.entries(counts)
    .map(([actionType, count]) => ({ actionType, count: count ?? 0 }))
    .sort((a, b) => b.count - a.count || a.actionType.localeCompare(b.actionType));
}

/** One-line verdicts for the top of the result: what an admin wants to know before enabling the rule. */
export function headline(r: BacktestResult): string[] {
  if (r.nextRuns) {
    const counts = r.nextRuns.map((n) => n.casesMatchingNow);
    const most = Math.max(0, ...counts);
    return [most ? `Up to ${most} case${most === 1 ? '' : 's'} would match at each of the next ${counts.length} ticks.` : 'No case matches the rule now.'];
  }
  const lines: string[] = [];
  const days = r.perDay.length;
  if (!r.eventsMatched) lines.push(`It would not have fired on any of the ${r.eventsScanned} events recorded.`);
  else {
    lines.push(`It would have fired on ${r.eventsMatched} of ${r.eventsScanned} events, for ${r.casesAffected} case${r.casesAffected === 1 ? '' : 's'}.`);
    const busiest = r.perDay.reduce((a, b) => (b.matched > a.matched ? b : a), r.perDay[0]);
    if (busiest && days > 1) lines.push(`Busiest day: ${busiest.date} with ${busiest.matched}.`);
  }
  const notes = r.notificationsByRecipient.reduce((n, x) => n + x.count, 0);
  if (notes) lines.push(`${notes} notification${notes === 1 ? '' : 's'} to ${r.notificationsByRecipient.length} ${r.notificationsByRecipient.length === 1 ? 'person' : 'people'}.`);
  const skipped = r.skipped.cooldown + r.skipped.maxDepth;
  if (skipped) lines.push(`${skipped} match${skipped === 1 ? '' : 'es'} would have been skipped (cooldown or depth limit).`);
  return lines;
}

/** 0–100 from a progress event. */
export function progressPct(p: { done: number; total: number; finished: boolean } | null): number {
  if (!p) return 0;
  if (p.finished) return 100;
  return p.total ? Math.min(100, Math.round((p.done / p.total) * 100)) : 0;
}
