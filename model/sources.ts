/**
 * Display metadata of well-known sources, used when a refresh first sees a source.
 * Operators can edit `content_provider` afterwards; refreshes never overwrite it.
 */
export interface SourceInfo {
  name: string;
  url: string;
}

export const KNOWN_SOURCES: Record<string, SourceInfo> = {
  flickr: { name: 'Flickr', url: 'https://www.flickr.com' },
  wikimedia: { name: 'Wikimedia Commons', url: 'https://commons.wikimedia.org' },
  wikimedia_audio: { name: 'Wikimedia Commons', url: 'https://commons.wikimedia.org' },
  jamendo: { name: 'Jamendo', url: 'https://www.jamendo.com' },
  freesound: { name: 'Freesound', url: 'https://freesound.org' },
  ccmixter: { name: 'ccMixter', url: 'https://ccmixter.org' },
  smithsonian: { name: 'Smithsonian Institution', url: 'https://www.si.edu' },
  met: { name: 'Metropolitan Museum of Art', url: 'https://www.metmuseum.org' },
  metmuseum: { name: 'Metropolitan Museum of Art', url: 'https://www.metmuseum.org' },
  brooklynmuseum: { name: 'Brooklyn Museum', url: 'https://www.brooklynmuseum.org' },
  rawpixel: { name: 'rawpixel', url: 'https://www.rawpixel.com' },
  stocksnap: { name: 'StockSnap', url: 'https://stocksnap.io' },
  nypl: { name: 'New York Public Library', url: 'https://www.nypl.org' },
  phylopic: { name: 'PhyloPic', url: 'http://phylopic.org' },
  thingiverse: { name: 'Thingiverse', url: 'https://www.thingiverse.com' },
  rijksmuseum: { name: 'Rijksmuseum', url: 'https://www.rijksmuseum.nl' },
  clevelandmuseum: { name: 'Cleveland Museum of Art', url: 'https://www.clevelandart.org' },
};

/** Known metadata, else a readable name made from the identifier and no URL. */
export function sourceInfo(identifier: string): { name: string; url: string | null } {
  const known = KNOWN_SOURCES[identifier];
  if (known) return known;
  const name = identifier.replace(/[_-]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
  return { name, url: null };
}
