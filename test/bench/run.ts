/**
 * `npm run bench` (all but F1 and D1) or `npm run bench -- b2 b5 f1`: runs the benchmarks and rewrites their sections of
 * BENCHMARKS.md (others are kept as they were), stamped with machine, date and commit. Benchmarks are not
 * tests: nothing here fails on a missed target; the verdicts are in the report.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { machineLine, type BenchSection } from './bench-kit.ts';

const SUITE: Record<string, () => Promise<BenchSection>> = {
  b1: async () => (await import('./b1-shortest-path.ts')).run({ log: progress }),
  b2: async () => (await import('./b2-assignment.ts')).run({ log: progress }),
  b3: async () => (await import('./b3-intake.ts')).run({ log: progress }),
  b4: async () => (await import('./b4-mes-to-vda-order.ts')).run({ log: progress }),
  b5: async () => (await import('./b5-fleet-throughput.ts')).run({ log: progress }),
  b6: async () => (await import('./b6-map-ui.ts')).run({ log: progress }),
  b7: async () => (await import('./b7-failover.ts')).run({ log: progress }),
  b8: async () => (await import('./b8-memory.ts')).run({ log: progress }),
  b9: async () => (await import('./b9-ros-release.ts')).run({ log: progress }),
  d1: async () => (await import('./d1-demo-plant.ts')).run({ log: progress }),
  d2: async () => (await import('./d2-ros-demo.ts')).run({ log: progress }),
  f1: async () => (await import('./f1-eight-hours.ts')).run({ log: progress }),
};

function progress(line: string): void {
  process.stderr.write(`  ${line}\n`);
}

const FILE = new URL('../../BENCHMARKS.md', import.meta.url);
const HEADER = `# Benchmarks

Figures from \`npm run bench\` (see \`../shared/specs/performance.md\` for what each measures and its
target). Every figure stands beside a baseline measured in the same run: the ratio is the result, the
absolute number is context. Each section says when, where and at which commit it was measured.
`;

const wanted = process.argv.slice(2).map((a) => a.toLowerCase());
/** Long runs (F1 about an hour and a half, D1 with its one-hour row 80 minutes, D2 8 minutes of demo) only when named. */
const ON_REQUEST = new Set(['f1', 'd1', 'd2']);
const ids = wanted.length > 0 ? wanted : Object.keys(SUITE).filter((id) => !ON_REQUEST.has(id));
const unknown = ids.filter((id) => !(id in SUITE));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark(s): ${unknown.join(', ')} (have: ${Object.keys(SUITE).join(', ')})\n`,
  );
  process.exit(2);
}

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const sections = new Map<string, string>();
if (existsSync(FILE)) {
  const text = readFileSync(FILE, 'utf8');
  for (const part of text.split(/^(?=## [A-Z]\d)/m).slice(1)) sections.set(part.slice(3, 5), part.trimEnd());
}
for (const id of ids) {
  process.stderr.write(`${id.toUpperCase()}…\n`);
  const section = await SUITE[id]!();
  const stamp = `_Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC at commit ${commit}. ${machineLine()} Targets ${section.targetsMet ? 'all met' : 'NOT all met'}._`;
  sections.set(section.id, `## ${section.id}: ${section.title}\n\n${stamp}\n\n${section.markdown}`);
  process.stdout.write(`${sections.get(section.id)!}\n\n`);
}
// B1..B8 (the spec's suite) first, then the others (D1), each by number.
const ordered = [...sections.entries()].sort(
  ([a], [b]) => Number(a[0] !== 'B') - Number(b[0] !== 'B') || a.localeCompare(b),
);
writeFileSync(FILE, `${HEADER}\n${ordered.map(([, text]) => text).join('\n\n')}\n`);
process.stderr.write(`wrote BENCHMARKS.md (${ordered.map(([id]) => id).join(', ')})\n`);
