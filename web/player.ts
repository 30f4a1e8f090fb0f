/**
 * A track's player: the browser's own audio controls (keyboard and screen-reader ready),
 * with the waveform above them showing progress. Nothing is downloaded before the
 * person presses play (`preload="none"`).
 *
 * Tracks play from the work's `url`, on the provider's host. A deployed page's CSP
 * allows media from its own origin only (scripts/build-assets.ts `pageCsp`), so there a
 * catalog track cannot play: the page knows it (web/media-policy.ts) and, instead of a
 * player, links to the work's page at its source, as it does when a track fails to load.
 */
import type { Audio } from '../client/index.js';
import { h, safeHref } from './dom.js';
import { mediaAllowed, mediaSources } from './media-policy.js';
import { waveform } from './waveform.js';

/** Only one track plays at a time: starting one pauses the others. */
document.addEventListener(
  'play',
  (event) => {
    for (const audio of document.querySelectorAll('audio')) if (audio !== event.target) audio.pause();
  },
  true,
);

const allowedSources = mediaSources(document.querySelector('meta[name="edgeverse:media-src"]')?.getAttribute('content'));

export function player(track: Audio, peaks?: readonly number[] | null): HTMLElement {
  const title = track.title || 'Untitled track';
  const url = safeHref(track.url);
  const src = url && mediaAllowed(url, allowedSources, location.origin) ? url : null;
  let audio: HTMLAudioElement | null = null;
  const wave = waveform(peaks ?? track.peaks, (fraction) => {
    if (audio && Number.isFinite(audio.duration) && audio.duration > 0) audio.currentTime = fraction * audio.duration;
  });
  const box = h('div', { class: 'player' }, wave.element);
  if (!src) {
    box.append(unplayable(track));
    return box;
  }
  const element = h('audio', { controls: true, preload: 'none', src, 'aria-label': `Play ${title}`, 'data-id': track.id });
  audio = element;
  const update = () => {
    if (Number.isFinite(element.duration) && element.duration > 0) wave.progress(element.currentTime / element.duration);
  };
  element.addEventListener('timeupdate', update);
  element.addEventListener('seeked', update);
  element.addEventListener('error', () => element.replaceWith(unplayable(track)));
  box.append(element);
  return box;
}

function unplayable(track: Audio): HTMLElement {
  const source = safeHref(track.foreign_landing_url);
  return h(
    'p',
    { class: 'note unplayable' },
    'This track cannot be played on this page. ',
    source ? h('a', { href: source, rel: 'noreferrer' }, 'Listen at its source') : null,
  );
}
