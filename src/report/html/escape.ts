/**
 * Text for HTML element content and double-quoted attribute values: the five characters that
 * can end a text node or an attribute are replaced by references, so user data (payloads, names,
 * error messages) always stays text.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_REFERENCES[c] ?? c);
}

const HTML_REFERENCES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * JSON for the content of a `<script type="application/json">` element: `<`, `>` and `&` as
 * `\u003c`-style escapes (so no `</script>` or `<!--` can appear in it, whatever the data holds)
 * and U+2028/U+2029 escaped too. `JSON.parse` of the element's text gives the value back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
