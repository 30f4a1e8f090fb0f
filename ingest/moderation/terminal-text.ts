/**
 * Text from outside (an anonymous reporter's description) printed to a moderator's
 * terminal: control characters are shown escaped, never sent raw, so an escape sequence
 * cannot move the cursor, rewrite earlier lines, set the window title or hide text, and
 * bidirectional overrides cannot reorder what is shown.
 */

// C0 controls, DEL, C1 controls (0x9b is a one-byte CSI), line/paragraph separators,
// bidi embeddings, overrides and isolates, and the backslash (so escapes stay unambiguous).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\\\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    if (ch === '\\') return '\\\\';
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
