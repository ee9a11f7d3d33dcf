import { theme } from '../../emails/theme.ts';

/**
 * The shell of the server's own pages (unsubscribe, archive index, errors): Korean first
 * with the English below, the newsletter's font stack and colours, light and dark, no
 * script and no outside resource, so the Content-Security-Policy can forbid both.
 * `body` is HTML the caller has already escaped. `lang`: the admin pages are English;
 * `wide`: a column for tables (the admin's campaigns).
 */
export function pageLayout(title: string, body: string, options: { lang?: 'ko' | 'en'; wide?: boolean } = {}): string {
  const lang = options.lang ?? 'ko';
  const l = theme.light;
  const d = theme.dark;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>
body{margin:0;padding:48px 16px;background:${l.page};color:${l.text};font-family:${theme.font};font-size:${theme.size.body}px;line-height:${theme.size.line};word-break:keep-all}
main{max-width:${options.wide === true ? 760 : 520}px;margin:0 auto;background:${l.card};border:1px solid ${l.rule};border-radius:12px;padding:32px}
h1{font-size:${theme.size.h2}px;line-height:1.4;margin:0 0 16px}
p{margin:0 0 12px}
.en{color:${l.muted};font-size:${theme.size.small + 1}px}
.muted{color:${l.muted};font-size:${theme.size.small}px}
button{font:inherit;font-weight:700;border:0;border-radius:8px;padding:12px 24px;background:${l.accent};color:${l.accentText};cursor:pointer}
a{color:${l.accent}}
ul{padding-left:20px}
li{margin:0 0 8px}
hr{border:0;border-top:1px solid ${l.rule};margin:24px 0}
label{font-weight:700}
input[type=email],input[type=text],input[type=password]{font:inherit;box-sizing:border-box;width:100%;margin-top:4px;padding:10px 12px;border:1px solid ${l.muted};border-radius:8px;background:${l.card};color:${l.text}}
.consent{display:flex;gap:10px;align-items:flex-start}
.consent input{margin-top:6px;width:18px;height:18px;flex:none}
.consent label{font-weight:400}
.error{color:#b42318;font-weight:700}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;vertical-align:top;padding:6px 8px 6px 0;border-bottom:1px solid ${l.rule};overflow-wrap:anywhere}
@media (prefers-color-scheme: dark){
body{background:${d.page};color:${d.text}}
main{background:${d.card};border-color:${d.rule}}
.en,.muted{color:${d.muted}}
button{background:${d.accent};color:${d.accentText}}
a{color:${d.accent}}
hr{border-top-color:${d.rule}}
input[type=email],input[type=text],input[type=password]{background:${d.page};color:${d.text};border-color:${d.muted}}
.error{color:#ff9b8f}
}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
