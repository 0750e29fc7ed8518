#!/usr/bin/env node
// Prints the heaviest functions of a V8 .cpuprofile (self time and inclusive time), grouped by
// function and file: `node bench/profile-summary.mjs <file.cpuprofile> [top]`.
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = new Map();
for (let i = 0; i < prof.samples.length; i++) dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const key = (n) => {
  const f = n.callFrame;
  const where = f.url ? f.url.replace(/^.*\/(node_modules\/)/, '$1').replace(/^.*\/dist\/server\//, 'dist/').replace(/^file:\/\//, '') : '(native)';
  return `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
};
const self = new Map();
const inclusive = new Map();
for (const [id, us] of dt) {
  const n = byId.get(id);
  self.set(key(n), (self.get(key(n)) ?? 0) + us);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(byId.get(cur));
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
}
// Coarse buckets: where does the time go by package/area?
const area = new Map();
for (const [id, us] of dt) {
  const url = byId.get(id).callFrame.url;
  const name = byId.get(id).callFrame.functionName;
  const a = !url ? (name === '(idle)' ? '(idle)' : name === '(garbage collector)' ? '(gc)' : '(native/program)')
    : /node_modules\/([^/]+(\/[^/]+)?)/.exec(url)?.[1]?.replace(/\/(dist|lib|build|cjs).*$/, '') ?? (url.includes('/dist/server/') ? 'app code' : url.startsWith('node:') ? 'node core' : url);
  area.set(a, (area.get(a) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
console.log(`total ${(total / 1e6).toFixed(1)} s sampled`);
console.log('\nby area (self time):');
for (const [k, us] of [...area].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(us)}  ${k}`);
console.log(`\ntop ${top} by self time:`);
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
console.log(`\ntop ${top} app functions by inclusive time:`);
for (const [k, us] of [...inclusive].filter(([k]) => k.includes('dist/')).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
