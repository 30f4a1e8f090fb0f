/**
 * What language detection adds to the ingest's clean stage, per row, in CPU:
 *
 *   node --import tsx bench/language-detection.ts [--rows 20000] [--rounds 5]
 *
 * Generates demo image rows (one in 50 in another language than English), then times,
 * on the same rows in alternating rounds, the clean stage's CPU part as the refresh runs
 * it (cleanRow + the sensitive-text matcher) without detection and with it
 * (languageText + detectLanguage). No services: the stage's two Postgres look-ups are
 * the same either way and left out. Prints µs/row of each, their ratio, the detector's
 * load time and heap, and the detected languages. Medians over rounds, in CPU time
 * (process.cpuUsage), which a shared machine distorts less than wall time.
 */
import { parseArgs } from 'node:util';
import { cleanRow } from '../model/catalog-row.js';
import type { MediaRecord } from '../model/record.js';
import { DEFAULT_SENSITIVE_TERMS, termMatcher } from '../model/sensitive-terms.js';
import { demoImages } from '../ingest/demo/catalog.js';
import { detectLanguage, languageText, loadLanguageDetector } from '../ingest/pipeline/language.js';
import { loadAvg, machine } from '../harness/proc.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' } } });
const ROWS = Number(values.rows);
const ROUNDS = Number(values.rounds);

const rows = [...demoImages(ROWS, { mediaBaseUrl: 'https://media.example.org' })];
const isSensitiveText = termMatcher(DEFAULT_SENSITIVE_TERMS);

const heapBefore = process.memoryUsage().heapUsed;
const loadStart = performance.now();
const detector = await loadLanguageDetector();
const loadMs = performance.now() - loadStart;
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;

/** One pass of the clean stage's CPU part; returns CPU µs (user + system) per row. */
function pass(detect: boolean): number {
  const start = process.cpuUsage();
  for (const row of rows) {
    const r = cleanRow('image', row as never);
    if (!r.ok) continue;
    const record: MediaRecord = r.record;
    record.sensitive_text = isSensitiveText(record);
    if (detect) record.language = detectLanguage(detector, languageText(record));
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / rows.length;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Warm-up: JIT both paths before timing.
pass(false);
pass(true);
const without: number[] = [];
const withDetection: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  without.push(pass(false));
  withDetection.push(pass(true));
}

const counts = new Map<string, number>();
for (const row of rows) {
  const r = cleanRow('image', row as never);
  if (!r.ok) continue;
  const language = String(detectLanguage(detector, languageText(r.record)));
  counts.set(language, (counts.get(language) ?? 0) + 1);
}

const base = median(without);
const withIt = median(withDetection);
console.log(`## language detection in the clean stage (\`bench/language-detection.ts\`)\n`);
const m = machine();
console.log(
  `machine: ${m.cpus} CPUs (${m.cpuModel}), load average at start ${loadAvg()}; ${ROWS.toLocaleString('en')} demo image rows, median of ${ROUNDS} alternating rounds\n`,
);
console.log('| clean stage (CPU part) | CPU µs/row | ratio |');
console.log('|---|---:|---:|');
console.log(`| without detection | ${base.toFixed(1)} | 1.00 |`);
console.log(`| with detection | ${withIt.toFixed(1)} | ${(withIt / base).toFixed(2)} |`);
console.log(`| detection alone | ${(withIt - base).toFixed(1)} | — |`);
console.log(`\ndetector load: ${loadMs.toFixed(0)} ms, ${heapMb.toFixed(0)} MB of heap (once per process)`);
console.log(
  `\ndetected: ${[...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
