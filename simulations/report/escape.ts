/**
 * Escaping for the two places untrusted text enters a report: HTML text and attributes, and the
 * inline scripts (the chart data and the inlined libraries).
 */

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Text made safe for an HTML element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c)
}

/**
 * JSON for a `<script type="application/json">` element. `<`, `>` and `&` become unicode
 * escapes, so no string inside can close the element or open a comment, and the line and
 * paragraph separators are escaped as well. Numbers that JSON cannot hold (Infinity, NaN)
 * become null, as JSON.stringify does; callers turn them into something meaningful first.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/**
 * Script source made safe to inline between `<script>` and `</script>`. The HTML parser ends
 * the element at the first `</script` whatever the JavaScript around it means, and `<!--`
 * changes how it looks for that end; `<\/` and `<\!--` read the same in JavaScript strings,
 * regular expressions and comments, which is where a library can hold them.
 */
export function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--')
}
