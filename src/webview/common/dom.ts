/**
 * DOM helpers for webviews. Text from traces (reason names, file names, warning messages) is attacker-
 * controlled as far as the page is concerned, so it only ever goes in through `textContent`; there is no
 * helper that takes HTML.
 */

/** Creates an element with optional class and text (set as textContent, never parsed). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Appends children, skipping undefined, and returns the parent. */
export function append<T extends Node>(parent: T, ...children: Array<Node | undefined>): T {
  for (const child of children) if (child) parent.appendChild(child);
  return parent;
}

/** A table with a header row and text cells; `numeric` columns are right-aligned by CSS. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, numeric: readonly number[] = []): HTMLTableElement {
  const t = el('table', 'data');
  const head = append(el('thead'), append(el('tr'), ...headers.map((h, i) => el('th', numeric.includes(i) ? 'num' : undefined, h))));
  const body = el('tbody');
  for (const row of rows) append(body, append(el('tr'), ...row.map((cell, i) => el('td', numeric.includes(i) ? 'num' : undefined, cell))));
  return append(t, head, body);
}

/** Reads a theme colour VS Code exposes to webviews as a CSS variable, with a fallback. */
export function themeColor(variable: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(variable).trim();
  return value || fallback;
}

/** Shows `text` in the page's one status line (`#status`, made on first use), e.g. "Chart drawn" or an error. */
export function setStatus(app: HTMLElement, text: string, className = 'status'): void {
  let status = document.getElementById('status');
  if (!status) {
    status = el('p');
    status.id = 'status';
    app.append(status);
  }
  status.className = className;
  status.textContent = text;
}
