/**
 * A track's waveform from the API's peaks (values in [0, 1], up to 1000 of them; search
 * answers carry them with `peaks=true`, `/v1/audio/{id}/waveform/` serves them alone),
 * drawn as an SVG of mirrored bars. A second copy, clipped to the part already played,
 * shows the player's progress; clicking the waveform seeks there. Decorative for
 * assistive technology: the audio element's own controls carry the same information.
 */
import { svg } from './dom.js';

export const WAVEFORM_BARS = 120;
const HEIGHT = 40;

/** Down-samples to at most `bars` values (the loudest peak of each slice). */
export function downsample(points: readonly number[], bars = WAVEFORM_BARS): number[] {
  if (points.length <= bars) return points.map((p) => clamp(p));
  const out: number[] = [];
  for (let i = 0; i < bars; i++) {
    const from = Math.floor((i * points.length) / bars);
    const to = Math.max(from + 1, Math.floor(((i + 1) * points.length) / bars));
    let max = 0;
    for (let j = from; j < to; j++) max = Math.max(max, clamp(points[j]));
    out.push(max);
  }
  return out;
}

function clamp(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

/**
 * An SVG path of one bar per value, each centred on the middle line, in a box `count`
 * units wide and `height` high (a bar never shorter than 1 unit, so silence shows).
 */
export function barsPath(values: readonly number[], height = HEIGHT): string {
  const mid = height / 2;
  return values
    .map((v, i) => {
      const half = Math.max(0.5, (v * height) / 2);
      return `M${i + 0.15} ${round(mid - half)}h0.7v${round(half * 2)}h-0.7z`;
    })
    .join('');
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

let clipIds = 0;

export interface Waveform {
  element: SVGSVGElement;
  /** Shows `fraction` (0–1) of the track as played. */
  progress(fraction: number): void;
}

/** The waveform of `points`, or a flat line when the track has none computed yet. */
export function waveform(points: readonly number[] | null | undefined, onSeek?: (fraction: number) => void): Waveform {
  const values = points?.length ? downsample(points) : new Array<number>(WAVEFORM_BARS).fill(0);
  const width = values.length;
  const d = barsPath(values);
  const clipId = `played-${++clipIds}`;
  const played = svg('rect', { x: 0, y: 0, width: 0, height: HEIGHT });
  const element = svg(
    'svg',
    {
      class: points?.length ? 'waveform' : 'waveform empty',
      viewBox: `0 0 ${width} ${HEIGHT}`,
      preserveAspectRatio: 'none',
      'aria-hidden': 'true',
      focusable: 'false',
    },
    svg('defs', {}, svg('clipPath', { id: clipId }, played)),
    svg('path', { class: 'wave-base', d }),
    svg('path', { class: 'wave-played', d, 'clip-path': `url(#${clipId})` }),
  );
  if (onSeek) {
    element.addEventListener('click', (event) => {
      const box = element.getBoundingClientRect();
      if (box.width > 0) onSeek(Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)));
    });
  }
  return {
    element,
    progress(fraction) {
      played.setAttribute('width', String(round(Math.min(1, Math.max(0, fraction)) * width)));
    },
  };
}
