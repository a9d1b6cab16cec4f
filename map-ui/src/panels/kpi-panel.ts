import type { LiveKpis } from '../../../orchestrator/http/live-contract.ts';
import { kpiTiles } from '../view-model/kpi-view.ts';
import { sparklinePoints } from '../view-model/panels.ts';
import { h } from './dom.ts';

const SVG = 'http://www.w3.org/2000/svg';

/** Titles: what each KPI counts (the definitions are `LiveKpis` in the live contract). */
const DEFINITIONS: Readonly<Record<string, string>> = {
  openOrders: 'Orders accepted and not yet delivered, failed or cancelled; overdue: past their due time',
  tasksPerHour: 'Orders delivered in the last hour of plant time',
  onTimePct:
    'Of the orders with a due time delivered in the last hour, or open and already past due, the share delivered by it; — when none counts',
  utilisationPct:
    'Robots working an order, of those available (connected, in service, no fatal error; charging and paused ones count)',
  emptyTravelPct: 'Share of the distance driven in the last hour without a load',
};

/** The KPIs in one row of tiles from the latest sample (5 s at most), each with a sparkline. */
export class KpiPanel {
  readonly root: HTMLElement;
  private readonly grid = h('div', { className: 'kpis' });

  constructor() {
    this.root = h('section', { className: 'panel panel-kpis', testid: 'panel-kpis' }, this.grid);
  }

  render(kpis: readonly LiveKpis[]): void {
    this.grid.replaceChildren(
      ...kpiTiles(kpis).map((t) => {
        const svg = document.createElementNS(SVG, 'svg');
        svg.setAttribute('viewBox', '0 0 100 16');
        svg.setAttribute('preserveAspectRatio', 'none');
        svg.setAttribute('class', 'spark');
        const line = document.createElementNS(SVG, 'polyline');
        line.setAttribute('points', sparklinePoints(t.series, 100, 14));
        svg.append(line);
        return h(
          'div',
          { className: 'kpi', testid: `kpi-${t.key}`, title: DEFINITIONS[t.key] ?? '' },
          h('div', { className: 'kpi-label' }, t.label),
          h('div', { className: t.tone === 'bad' ? 'kpi-value bad' : 'kpi-value' }, t.value),
          h('div', { className: 'kpi-detail' }, t.detail),
          svg,
        );
      }),
    );
  }
}
