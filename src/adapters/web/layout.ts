import type { Locale } from '../../core/catalog/types.js';
import { html, type Html } from './html.js';
import { ct } from './messages.js';

export interface PageContext {
  locale: Locale;
  /** Current path + query, for the language switch to come back to. */
  path: string;
  sandbox: boolean;
  /** The sandbox person, when one is chosen. */
  person?: { id: string; name: string };
  people?: Array<{ id: string; name: string }>;
  signedIn: boolean;
  active?: 'home' | 'new' | 'dashboard' | 'config';
}

export function page(ctx: PageContext, title: string, body: Html): string {
  const { locale: l } = ctx;
  const nav = (href: string, key: 'nav.home' | 'nav.new' | 'nav.dashboard' | 'nav.config', active: PageContext['active']) =>
    html`<a href="${href}"${ctx.active === active ? html` aria-current="page"` : ''}>${ct(l, key)}</a>`;
  const other: Locale = l === 'en' ? 'zh-CN' : 'en';
  return `<!doctype html>${html`<html lang="${l}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Backline</title><link rel="stylesheet" href="/console/console.css"></head>
<body><header class="top"><a class="brand" href="/">Backline</a>${ctx.sandbox ? html`<span class="badge">${ct(l, 'sandbox.badge')}</span>` : ''}
<nav>${ctx.sandbox ? [nav('/', 'nav.home', 'home'), nav('/new', 'nav.new', 'new')] : ''}${nav('/dashboard', 'nav.dashboard', 'dashboard')}${nav('/config', 'nav.config', 'config')}</nav>
<div class="tools"><a class="lang" href="/lang?to=${other}&amp;back=${encodeURIComponent(ctx.path)}" hreflang="${other}" data-testid="lang">${other === 'en' ? 'English' : '中文'}</a>
${ctx.signedIn && !ctx.sandbox ? html`<form method="post" action="/signout" class="inline"><button class="link">${ct(l, 'nav.signout')}</button></form>` : ''}</div></header>
${ctx.sandbox && ctx.person && ctx.people ? html`<form class="asbar" method="post" action="/as"><label>${ct(l, 'sandbox.as')} <select name="person" data-testid="as-person">${ctx.people.map((p) => html`<option value="${p.id}"${p.id === ctx.person!.id ? html` selected` : ''}>${p.name}</option>`)}</select></label><input type="hidden" name="back" value="${ctx.path}"><button>${ct(l, 'sandbox.switch')}</button></form>` : ''}
<main>${body}</main></body></html>`}`;
}

export const CSS = `
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--card:#fff;--accent:#2563eb;--good:#16a34a;--bad:#dc2626;--wait:#d97706}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.6rem 1rem;background:#0f172a;color:#fff}
header.top a{color:#cbd5e1}header.top a[aria-current]{color:#fff;font-weight:600}
.brand{font-weight:700;color:#fff!important;font-size:1.1rem}
.badge{background:#f59e0b;color:#111;border-radius:999px;padding:0 .55rem;font-size:.75rem;font-weight:600}
nav{display:flex;gap:1rem;flex-wrap:wrap}.tools{margin-left:auto;display:flex;gap:.8rem;align-items:center}
.asbar label{display:flex;gap:.4rem;align-items:center;margin:0}.asbar select{width:auto}
.asbar{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;padding:.45rem 1rem;background:#fef3c7;border-bottom:1px solid #fde68a;font-size:.9rem}
main{max-width:1080px;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.3rem 0 .8rem}h2{font-size:1.1rem;margin:1.2rem 0 .5rem}h3{font-size:1rem;margin:.8rem 0 .3rem}
.muted{color:var(--muted)}.small{font-size:.85rem}
.card,.panel{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem;margin:0 0 1rem}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(300px,1fr))}
.status{display:inline-block;border-radius:999px;padding:.05rem .6rem;font-size:.8rem;font-weight:600;background:#e5e7eb}
.tone-waiting{background:#fef3c7;color:#92400e}.tone-good{background:#dcfce7;color:#166534}.tone-bad{background:#fee2e2;color:#991b1b}.tone-neutral{background:#e0e7ff;color:#3730a3}
dl.facts{display:grid;grid-template-columns:minmax(90px,max-content) 1fr;gap:.2rem .9rem;margin:.6rem 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.yourturn{background:#eff6ff;border-left:4px solid var(--accent);padding:.4rem .7rem;margin:.6rem 0;font-weight:600}
ul.plain{list-style:none;padding:0;margin:0}ul.plain li{padding:.35rem 0;border-bottom:1px solid var(--line)}ul.plain li:last-child{border:0}
.actions{display:flex;flex-direction:column;gap:.6rem}
.action{border:1px solid var(--line);border-radius:8px;padding:.6rem}
.action.bare{border:0;padding:0}
details.more>summary{cursor:pointer;color:var(--accent);padding:.2rem 0}details.more[open]>summary{margin-bottom:.4rem}
form.inline{display:inline}
label{display:block;font-weight:600;margin:.1rem 0 .2rem}
.field{margin:0 0 .9rem}.field .help{color:var(--muted);font-size:.85rem;font-weight:400}
input[type=text],input[type=url],input[type=number],input[type=date],input[type=datetime-local],input[type=search],input[type=password],select,textarea{width:100%;max-width:100%;padding:.45rem .55rem;border:1px solid #cbd5e1;border-radius:6px;font:inherit;background:#fff}
textarea{min-height:4.5rem}
.field.invalid input,.field.invalid select,.field.invalid textarea{border-color:var(--bad);background:#fff7f7}
.error{color:var(--bad);font-size:.9rem;margin:.2rem 0 0}
.alert{border-radius:8px;padding:.6rem .8rem;margin:0 0 1rem;background:#fee2e2;color:#7f1d1d}
.ok{background:#dcfce7;color:#14532d}.info{background:#e0f2fe;color:#0c4a6e}
button,.button{display:inline-block;font:inherit;border-radius:6px;border:1px solid #cbd5e1;background:#fff;padding:.4rem .9rem;cursor:pointer;color:var(--fg)}
button.primary,.button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
button.danger{background:#fff;border-color:var(--bad);color:var(--bad)}
button.link{border:0;background:none;color:#cbd5e1;padding:0}
.checks label{font-weight:400;display:flex;gap:.4rem;align-items:flex-start}
.picker h2{margin-top:1rem}.types{display:grid;gap:.7rem;grid-template-columns:repeat(auto-fill,minmax(240px,1fr))}
.types a{display:block;background:#fff;border:1px solid var(--line);border-radius:10px;padding:.7rem;color:var(--fg)}
.types a:hover{border-color:var(--accent);text-decoration:none}.types strong{color:var(--accent)}
.people{display:grid;gap:.6rem;grid-template-columns:repeat(auto-fill,minmax(210px,1fr))}
.people button{width:100%;text-align:left;padding:.6rem}
.filters{display:grid;gap:.5rem;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));align-items:end}
.filters label{font-size:.85rem}
.kpis{display:grid;gap:.7rem;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));margin:0 0 1rem}
.kpi{background:#fff;border:1px solid var(--line);border-radius:10px;padding:.6rem .8rem}.kpi b{display:block;font-size:1.4rem}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}th{background:#f1f5f9;white-space:nowrap}
svg.chart{width:100%;height:auto;display:block}svg .lbl,svg .val{font-size:12px;fill:#374151}svg .axis{stroke:#cbd5e1}
ul.legend{display:flex;flex-wrap:wrap;gap:.2rem .8rem;list-style:none;padding:0;margin:.4rem 0 0;font-size:.8rem}
.swatch{display:inline-block;width:.75rem;height:.75rem;border-radius:2px;margin-right:.3rem;vertical-align:-1px}
.pager{display:flex;gap:1rem;align-items:center;margin:.6rem 0}
@media (max-width:640px){main{padding:.6rem}header.top{padding:.5rem .6rem}.tools{margin-left:0}dl.facts{grid-template-columns:1fr}dl.facts dt{margin-top:.3rem}h1{font-size:1.2rem}}
`;
