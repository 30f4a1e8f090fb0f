/**
 * FNV-1a: a fast 32-bit hash of a string's UTF-16 code units. Not a security hash: it
 * places documents on shards, picks a demo medium's colours and notes, and names small
 * cached texts.
 */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
