import type { LiveAlarm } from '../../../orchestrator/http/live-contract.ts';
import type { FleetApi } from '../api.ts';
import { alarmList } from '../view-model/panels.ts';
import type { Actions } from './actions.ts';
import { h } from './dom.ts';

const MAX_ROWS = 100;

/** Alarms, unacknowledged first, each with an acknowledge button. */
export class AlarmsPanel {
  readonly root: HTMLElement;
  private readonly list = h('ul', { className: 'rows' });
  private readonly count = h('span', { className: 'muted' });

  constructor(
    private readonly api: FleetApi,
    private readonly actions: Actions,
  ) {
    this.root = h(
      'section',
      { className: 'panel panel-alarms', testid: 'panel-alarms' },
      h('h2', {}, 'Alarms ', this.count),
      this.list,
    );
  }

  render(alarms: Iterable<LiveAlarm>): void {
    const sorted = alarmList(alarms);
    const allowed = this.actions.isAllowed('alarm');
    const open = sorted.filter((a) => !a.acknowledged).length;
    this.count.textContent = `(${open} open)`;
    if (sorted.length === 0) {
      this.list.replaceChildren(h('li', { className: 'muted empty' }, 'No alarms'));
      return;
    }
    this.list.replaceChildren(
      ...sorted.slice(0, MAX_ROWS).map((a) => {
        const row = h(
          'li',
          {
            testid: `alarm-row-${a.id}`,
            className: `alarm sev-${a.severity}${a.acknowledged ? ' acked' : ''}`,
          },
          h('span', { className: 'muted' }, a.at.slice(11, 19), ' '),
          h('b', {}, a.code),
          ' ',
          a.message,
          a.robotId === undefined ? '' : ` (${a.robotId})`,
        );
        if (!a.acknowledged) {
          const ack = h(
            'button',
            {
              testid: `alarm-ack-${a.id}`,
              className: 'small',
              onclick: () => {
                void this.actions.run('alarm', `Acknowledge alarm ${a.id}`, () =>
                  this.api.acknowledgeAlarm(a.id),
                );
              },
            },
            'Ack',
          );
          ack.disabled = !allowed;
          row.append(' ', ack);
        }
        return row;
      }),
    );
  }
}
