/**
 * The page builds its DOM with `createElement` and `textContent` only: no HTML strings,
 * so nothing a catalog record holds can become markup (and the CSP's Trusted Types
 * requirement, which refuses every HTML sink, never fires).
 */

export type Child = Node | string | number | null | undefined | false;
/** Children as given: one, or (nested) arrays of them. */
export type Children = Child | readonly Children[];
type Attr = string | number | boolean | null | undefined;
export type Props = { [name: string]: Attr | ((event: Event) => void) };

function apply(el: Element, props: Props, children: readonly Children[]): void {
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  for (const child of (children as Child[]).flat(Number.POSITIVE_INFINITY) as Child[]) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
}

/** `h('a', { href, class: 'card', onclick }, 'text', child)`: attributes as given, `on*` functions as listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Children[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, props, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, props: Props = {}, ...children: Children[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, props, children);
  return el;
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Children[]): void {
  el.replaceChildren();
  apply(el, {}, children);
}

/** The element with this id, or an error naming it (index.html and the code disagree). */
export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

/** Only http(s) URLs become links. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
