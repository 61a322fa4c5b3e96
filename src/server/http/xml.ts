// Writing XML: text and attribute values escaped, nothing else. The documents are small and
// fixed in shape, so they are written as text, not built as a tree.

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** `<name>text</name>`, indented by `depth` steps of two spaces. */
export function el(depth: number, name: string, text: string | number): string {
  return `${'  '.repeat(depth)}<${name}>${esc(String(text))}</${name}>\n`;
}
