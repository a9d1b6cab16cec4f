import type { LiveKpis } from '../../../orchestrator/http/live-contract.ts';
import { sparklinePoints } from '../view-model/panels.ts';
import { h } from './dom.ts';

const SVG = 'http://www.w3.org/2000/svg';
const METRICS: readonly { key: Exclude<keyof LiveKpis, 'at'>; label: string; unit: string }[] = [
  { key: 'tasksPerHour', label: 'Tasks / h', unit: '' },
  { key: 'onTimePct', label: 'On time', unit: '%' },
  { key: 'utilisationPct', label: 'Utilisation', unit: '%' },
  { key: 'emptyTravelPct', label: 'Empty travel', unit: '%' },
];

/** The latest KPIs, each with a sparkline of its recent samples. */
export class KpiPanel {
  readonly root: HTMLElement;
  private readonly grid = h('div', { className: 'kpis' });

  constructor() {
    this.root = h('section', { className: 'panel', testid: 'panel-kpis' }, h('h2', {}, 'KPIs'), this.grid);
  }

  render(kpis: readonly LiveKpis[]): void {
    const last = kpis.at(-1);
    this.grid.replaceChildren(
      ...METRICS.map((m) => {
        const values = kpis.map((k) => k[m.key]);
        const svg = document.createElementNS(SVG, 'svg');
        svg.setAttribute('viewBox', '0 0 100 24');
        svg.setAttribute('class', 'spark');
        const line = document.createElementNS(SVG, 'polyline');
        line.setAttribute('points', sparklinePoints(values, 100, 22));
        svg.append(line);
        const value = last === undefined ? '—' : `${Math.round(last[m.key] * 10) / 10}${m.unit}`;
        return h(
          'div',
          { className: 'kpi', testid: `kpi-${m.key}` },
          h('div', { className: 'muted' }, m.label),
          h('div', { className: 'kpi-value' }, value),
          svg,
        );
      }),
    );
  }
}
