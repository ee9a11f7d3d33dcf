import { PAGE_CSS } from './page-style.ts';

/**
 * The HTML of a preview page: the data the client script draws from, inlined so that the
 * first response already holds the rendered edition (no second round trip before the
 * frames can paint), and the script that draws it and keeps it live.
 */
export function renderPage(input: { title: string; page: 'index' | 'edition'; state: unknown }): string {
  return `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body data-page="${input.page}">
<div id="app"></div>
<script type="application/json" id="state">${jsonForScript(input.state)}</script>
<script type="module" src="/client.js"></script>
</body>
</html>
`;
}

/** JSON inside <script>: `<` escaped so that no value can close the element ("</script>"). */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
