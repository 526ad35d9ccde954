/**
 * Text a server wrote, made safe to print: its control characters shown, never run by a terminal.
 */

/** C0 and C1 control characters but newline, tab and the CR of a CRLF: what a terminal acts on. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/g;

/** `text` with each control character written `\u{1B}`: a server's ESC sequence is shown, never run. */
export function showControls(text: string): string {
  return text.replace(CONTROL, (ch) => `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`);
}
