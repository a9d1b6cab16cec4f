/** A tiny element builder: `h('button', { testid: 'x', onclick }, 'Label')`. */
export interface Props {
  readonly testid?: string;
  readonly className?: string;
  readonly title?: string;
  readonly onclick?: (ev: MouseEvent) => void;
  readonly style?: string;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.testid !== undefined) el.dataset.testid = props.testid;
  if (props.className !== undefined) el.className = props.className;
  if (props.title !== undefined) el.title = props.title;
  if (props.style !== undefined) el.setAttribute('style', props.style);
  const onclick = props.onclick;
  if (onclick)
    el.addEventListener('click', (ev) => {
      onclick(ev as MouseEvent);
    });
  el.append(...children);
  return el;
}

/** Sets text only when it changed (cheap on large lists). */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
