/** The preview pages' stylesheet. The frames hold the email; everything else stays out of its way. */
export const PAGE_CSS = `
:root{--fg:#1f2329;--muted:#5b6270;--line:#e3e6ea;--bg:#f6f7f9;--card:#fff;--accent:#3454d1;--ok:#1a7f37;--amber:#b7791f;--red:#c62828;
  font-family:'Apple SD Gothic Neo','Malgun Gothic','Noto Sans KR','Noto Sans CJK KR',system-ui,sans-serif;color:var(--fg);background:var(--bg)}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0}
a{color:var(--accent)}
code,pre,.mono{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace;font-size:12.5px}
header.bar{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:8px 20px;align-items:center;padding:10px 20px;background:var(--card);border-bottom:1px solid var(--line)}
header.bar h1{font-size:16px;margin:0;font-weight:700;word-break:keep-all}
header.bar .file{color:var(--muted)}
.live{font-size:12px;color:var(--muted)}
.live[data-state=open]::before{content:'● ';color:var(--ok)}
.live[data-state=closed]::before{content:'● ';color:var(--red)}
.toolbar{display:flex;flex-wrap:wrap;gap:8px 20px;align-items:center;padding:8px 20px;border-bottom:1px solid var(--line);background:var(--card)}
.tabs{display:flex;gap:4px}
.tabs button{border:1px solid var(--line);background:var(--bg);border-radius:6px;padding:5px 10px;cursor:pointer;font:inherit;font-size:13px}
.tabs button[aria-selected=true]{background:var(--fg);color:#fff;border-color:var(--fg)}
label{font-size:13px}
select,input[type=text]{font:inherit;font-size:13px;padding:4px 6px;border:1px solid var(--line);border-radius:6px;background:#fff}
.meter{display:flex;align-items:center;gap:8px;font-size:12.5px;color:var(--muted)}
.meter .track{position:relative;width:160px;height:8px;border-radius:4px;background:var(--line);overflow:hidden}
.meter .fill{position:absolute;inset:0 auto 0 0;background:var(--ok)}
.meter[data-level=amber] .fill{background:var(--amber)}
.meter[data-level=red] .fill{background:var(--red)}
.meter[data-level=red]{color:var(--red)}
main{padding:16px 20px 40px}
.pane[hidden]{display:none}
.row{margin:0 0 20px}
.row h2{font-size:13px;font-weight:600;color:var(--muted);margin:0 0 8px}
.frames{display:flex;gap:20px;align-items:flex-start;overflow-x:auto;padding-bottom:8px}
figure{margin:0;flex:none}
figcaption{font-size:12px;color:var(--muted);margin:0 0 6px}
/* Side by side: each engine's column is as wide as the desktop frame, so its phone frame sits under it. */
.compare .frames figure,.compare .engine-head{width:702px}
.engine-head h2{font-size:15px;margin:0 0 6px}
.engine-head p{margin:6px 0 0}
iframe.email{display:block;box-sizing:content-box;border:1px solid var(--line);background:#fff;height:600px}
iframe.email.inverted{filter:invert(1) hue-rotate(180deg)}
/* Both dark rows on one screen or so: each frame scrolls inside instead of growing to the email's full length. */
.row[data-row=dark] iframe.email,.row[data-row=inverted] iframe.email{max-height:72vh}
pre.text,pre.source{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px;white-space:pre-wrap;word-break:break-all;max-width:1100px;margin:0}
pre.text{font-family:inherit;font-size:14px;line-height:1.7;word-break:keep-all}
iframe.web{width:100%;height:80vh;border:1px solid var(--line);background:#fff}
.below{display:grid;grid-template-columns:minmax(0,1fr) 340px;gap:20px;align-items:start}
@media (max-width:900px){.below{grid-template-columns:1fr}}
section.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px}
section.card h2{font-size:15px;margin:0 0 10px}
.checks h3{font-size:13px;margin:14px 0 6px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.checks ul{list-style:none;margin:0;padding:0}
.checks li{padding:6px 0;border-top:1px solid var(--line);font-size:13.5px;line-height:1.5;word-break:keep-all}
.sev{display:inline-block;min-width:58px;font-size:11px;font-weight:700;text-transform:uppercase}
.sev.error{color:var(--red)}.sev.warning{color:var(--amber)}.sev.info{color:var(--muted)}
.where{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;background:var(--bg);padding:1px 4px;border-radius:4px;margin-right:6px}
.chip{display:inline-block;font-size:11.5px;padding:1px 6px;margin:2px 4px 2px 0;border-radius:10px;background:#fdecea;color:var(--red)}
.chip.partial{background:#fff4e0;color:var(--amber)}
details{margin-top:4px}
summary{cursor:pointer;font-size:12.5px;color:var(--muted)}
.error-panel{background:#fff;border:2px solid var(--red);border-radius:8px;padding:16px 20px;margin:0 0 20px;max-width:1100px}
.error-panel h2{color:var(--red);font-size:16px;margin:0 0 10px}
.error-panel li{margin:4px 0;line-height:1.5}
.error-panel pre{background:var(--bg);padding:10px;border-radius:6px;overflow-x:auto}
.send form{display:flex;flex-direction:column;gap:8px}
.send input[type=text]{width:100%}
.send button{align-self:flex-start;font:inherit;font-size:13px;padding:6px 12px;border-radius:6px;border:0;background:var(--accent);color:#fff;cursor:pointer}
.send .result{font-size:13px;line-height:1.5;word-break:break-all}
.muted{color:var(--muted);font-size:12.5px}
table.editions{border-collapse:collapse;background:var(--card);border:1px solid var(--line);min-width:760px}
table.editions th,table.editions td{padding:8px 12px;border-bottom:1px solid var(--line);text-align:left;font-size:14px;word-break:keep-all}
table.editions th{font-size:12px;color:var(--muted);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.bad{color:var(--red)}
`;
