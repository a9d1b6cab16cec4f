import { h, setText } from './dom.ts';

interface Tab {
  readonly button: HTMLButtonElement;
  readonly count: HTMLSpanElement;
  readonly body: HTMLElement;
}

/**
 * Tabs over one box that takes the rest of the side panel's height and scrolls on its own (never the
 * side panel, never sideways). Test ids: `tab-<id>` for the buttons, `tab-body-<id>` for the bodies.
 */
export class SideTabs {
  readonly root: HTMLElement;
  private readonly bar = h('div', { className: 'tabs', testid: 'side-tabs' });
  private readonly box = h('div', { className: 'tab-box' });
  private readonly tabs = new Map<string, Tab>();
  private current: string | undefined;

  constructor() {
    this.root = h('section', { className: 'tabbed' }, this.bar, this.box);
  }

  add(id: string, label: string, ...content: HTMLElement[]): void {
    const count = h('span', { className: 'tab-count' });
    const button = h(
      'button',
      {
        testid: `tab-${id}`,
        className: 'tab',
        onclick: () => {
          this.show(id);
        },
      },
      label,
      ' ',
      count,
    );
    const body = h('div', { className: 'tab-body', testid: `tab-body-${id}` }, ...content);
    this.tabs.set(id, { button, count, body });
    this.bar.append(button);
    this.box.append(body);
    if (this.current === undefined) this.show(id);
    else body.hidden = true;
  }

  show(id: string): void {
    if (!this.tabs.has(id)) return;
    this.current = id;
    for (const [tid, tab] of this.tabs) {
      const on = tid === id;
      tab.body.hidden = !on;
      tab.button.classList.toggle('active', on);
      tab.button.setAttribute('aria-selected', String(on));
    }
  }

  setCount(id: string, count: number): void {
    const tab = this.tabs.get(id);
    if (tab) setText(tab.count, String(count));
  }
}
