import { ROLE_LEGEND, STATUS_LEGEND } from '../view-model/legend.ts';
import { cssColour } from '../view-model/robot-view.ts';
import { h } from './dom.ts';

/**
 * The map's legend, a strip under the map (it covers no part of the plant): robot colours by status,
 * station colours by role, one-way and blocked lanes, the selected robot's route.
 */
export function legendStrip(): HTMLElement {
  const item = (swatch: HTMLElement, label: string) => h('span', { className: 'lg-item' }, swatch, label);
  const swatch = (className: string, colour: string) => h('span', { className, style: `--c: ${colour}` });
  return h(
    'div',
    { className: 'legend', testid: 'legend' },
    h(
      'div',
      { className: 'lg-row' },
      h('b', {}, 'Robots'),
      ...STATUS_LEGEND.map((s) => item(swatch('lg-robot', cssColour(s.colour)), s.label)),
    ),
    h(
      'div',
      { className: 'lg-row' },
      h('b', {}, 'Stations'),
      ...ROLE_LEGEND.map((r) =>
        item(swatch(r.shape === 'circle' ? 'lg-dot' : 'lg-square', cssColour(r.colour)), r.label),
      ),
      item(h('span', { className: 'lg-oneway' }, '➤'), 'one-way'),
      item(swatch('lg-line', '#e74c3c'), 'blocked'),
      item(swatch('lg-line', '#5dade2'), 'route held'),
      item(swatch('lg-line lg-thin', '#f7dc6f'), 'planned'),
    ),
  );
}
