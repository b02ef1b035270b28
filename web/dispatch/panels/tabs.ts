/** The side panel's tabs (Orders, Routes, Fleet, Alerts): one shown at a time. */
import { $ } from '../../common/dom';

export interface Tabs {
  select(name: string): void;
}

/** `selected` runs after each switch (the map beside the panel may have changed size). */
export function mountTabs(selected: () => void): Tabs {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const select = (name: string) => {
    for (const tab of tabs) {
      const isSelected = tab.id === `tab-${name}-button`;
      tab.setAttribute('aria-selected', String(isSelected));
      $(`#${tab.getAttribute('aria-controls')}`).classList.toggle('hidden', !isSelected);
    }
    selected();
  };
  for (const tab of tabs) tab.addEventListener('click', () => select(tab.id.replace(/^tab-|-button$/g, '')));
  return { select };
}
