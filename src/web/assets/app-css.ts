// The whole stylesheet of /app, served from /app/static. Colours keep at least
// 4.5:1 contrast on their backgrounds; every interactive element shows focus.
export const APP_CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--bg:#fff;--panel:#f6f8fa;--line:#d0d7de;--accent:#0b5cad;--accent-fg:#fff;
--pos:#116329;--neg:#a40e26;--neu:#57606a;--warn:#7d4e00;--mark:#fff0a8;--focus:#e36209}
*{box-sizing:border-box}
html{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0}
a{color:var(--accent)}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--accent);color:var(--accent-fg);padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem}
header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.5rem 1rem;background:#0d2440;color:#fff}
header.top .brand{font-weight:700;color:#fff;text-decoration:none;font-size:1.1rem}
header.top nav{display:flex;flex-wrap:wrap;gap:.25rem}
header.top nav a{color:#e6edf3;text-decoration:none;padding:.35rem .6rem;border-radius:4px}
header.top nav a[aria-current=page]{background:#fff;color:#0d2440;font-weight:600}
header.top nav a:hover{background:#1f3d63}
header.top .who{margin-left:auto;display:flex;gap:.5rem;align-items:center;font-size:.9rem;color:#e6edf3}
header.top .who button{background:transparent;color:#fff;border:1px solid #8aa4c2}
main{padding:1rem;max-width:84rem;margin:0 auto;overflow-wrap:anywhere}
h1{font-size:1.4rem;margin:.25rem 0 1rem}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
h3{font-size:1rem;margin:1rem 0 .25rem}
.card>h2:first-child{margin-top:0}
button,.button{font:inherit;padding:.35rem .75rem;border-radius:4px;border:1px solid var(--line);background:var(--panel);color:var(--fg);cursor:pointer;text-decoration:none;display:inline-block}
button.primary,.button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}
button.danger{color:var(--neg);border-color:var(--neg)}
input,select,textarea{font:inherit;padding:.3rem .45rem;border:1px solid #8c959f;border-radius:4px;background:#fff;color:var(--fg);max-width:100%}
textarea{width:100%;min-height:4rem}
fieldset{min-width:0}
label{display:block;font-weight:600;margin:.5rem 0 .15rem}
fieldset.inline-set{display:flex;flex-wrap:wrap;gap:.25rem .75rem;border:1px solid var(--line);border-radius:4px;margin:0;padding:.25rem .5rem}
label.inline{display:inline-flex;gap:.3rem;align-items:center;font-weight:400;margin:0}
.hint{color:var(--muted);font-size:.85rem;font-weight:400}
.notice{padding:.5rem .75rem;border-radius:4px;background:#dafbe1;border:1px solid #4ac26b;margin:0 0 1rem}
.presence{padding:.25rem .5rem;border-radius:4px;background:#fff8c5;border:1px solid #d4a72c;font-size:.9rem}
.presence:empty{display:none}
.alike{list-style:none;padding:0;margin:0}
.presence-tag{background:#fff8c5;border-radius:4px;padding:0 .3rem}
.error{padding:.5rem .75rem;border-radius:4px;background:#ffebe9;border:1px solid #ff8182;color:#82071e;margin:0 0 1rem}
.card{border:1px solid var(--line);border-radius:6px;padding:1rem;background:#fff}
section.card{margin-bottom:1rem}
form.card{margin-top:1rem}
ul.plain{list-style:none;padding:0;margin:0}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,18rem),1fr))}
.grid.wide{grid-template-columns:repeat(auto-fit,minmax(min(100%,28rem),1fr))}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.85rem;color:var(--muted)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;overflow-wrap:normal}
.table-wrap{overflow-x:auto}
.badge{display:inline-block;padding:0 .4rem;border-radius:999px;font-size:.8rem;border:1px solid currentColor;white-space:nowrap}
.s-positive{color:var(--pos)}.s-negative{color:var(--neg)}.s-neutral{color:var(--neu)}
.st{color:var(--muted)}
mark{background:var(--mark);color:inherit;padding:0 .1rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:plaintext}
.translation{border-left:3px solid var(--line);padding-left:.6rem;margin:.5rem 0}
.translated{font-style:italic}
.bidi{unicode-bidi:isolate}
.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-bottom:.75rem}
.filters label{margin:0;font-size:.85rem}
.counts{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:.25rem 0 .75rem;color:var(--muted);font-size:.9rem;min-height:2rem}
#counts{display:inline-flex;flex-wrap:wrap;gap:.75rem}
.counts a{text-decoration:none}
.inbox{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.1fr);gap:1rem}
@media (max-width:900px){.inbox{grid-template-columns:1fr}}
@media print{header.top,.skip,form,button,.banner,dialog{display:none!important}body{background:#fff}.card{break-inside:avoid;box-shadow:none}a{color:inherit;text-decoration:none}}
.list{list-style:none;margin:0;padding:0;border:1px solid var(--line);border-radius:6px;min-height:10rem}
.list li{display:flex;gap:.5rem;padding:.5rem .6rem;border-bottom:1px solid var(--line)}
.list li:last-child{border-bottom:0}
.list li.current{background:#ddf4ff;box-shadow:inset 4px 0 0 var(--accent)}
.list li.fresh{background:#fff8c5}
.list .item{flex:1;min-width:0;text-decoration:none;color:inherit;display:block}
.list .item .title{font-weight:600;overflow-wrap:anywhere}
.list .item .snippet{color:#32383f;overflow-wrap:anywhere;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.list .item .snippet.lead{font-weight:600;color:var(--fg)}
.meta{color:var(--muted);font-size:.85rem;display:flex;flex-wrap:wrap;gap:.25rem .6rem}
.detail{border:1px solid var(--line);border-radius:6px;padding:1rem;min-height:10rem}
.actions{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.5rem 0}
.actions form{display:inline-flex;gap:.3rem;align-items:center;margin:0}
.bulkbar{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;padding:.4rem .6rem;background:var(--panel);border:1px solid var(--line);border-radius:6px;margin-bottom:.5rem}
.banner{display:block;width:100%;margin-bottom:.5rem;background:#ddf4ff;border-color:#54aeff}
.banner[hidden]{display:none}
.why .tok{display:inline-block;margin:.1rem;padding:0 .35rem;border-radius:3px;background:var(--panel);border:1px solid var(--line)}
.timeline{list-style:none;padding:0;margin:0}
.timeline li{border-left:3px solid var(--line);padding:.25rem 0 .5rem .75rem}
.chart{width:100%;height:auto;max-height:16rem;display:block}
.chart text{font:11px system-ui,sans-serif;fill:#32383f}
.spark{width:6rem;height:1.5rem;vertical-align:middle}
.legend{display:flex;flex-wrap:wrap;gap:.75rem;font-size:.85rem;margin:.25rem 0}
.legend .swatch{width:.8rem;height:.8rem;margin-right:.25rem;vertical-align:-1px}
.barcell{width:60%}
.hbar{width:100%;height:1rem;display:block}
.kbd,kbd{font:12px ui-monospace,monospace;border:1px solid var(--line);border-bottom-width:2px;border-radius:3px;padding:0 .3rem;background:var(--panel)}
.big{font-size:2.2rem;font-weight:700;margin:.25rem 0}
dialog{border:1px solid var(--line);border-radius:8px;max-width:28rem}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;margin:0}
dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;overflow-wrap:anywhere}
pre.snippet{background:var(--panel);border:1px solid var(--line);padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.preview{border:1px dashed var(--line);border-radius:6px;padding:1rem;background:var(--panel)}
.preview .scale{display:flex;flex-wrap:wrap;gap:.25rem;margin:.5rem 0}
.preview .scale span{display:inline-block;min-width:2rem;text-align:center;padding:.25rem;border:1px solid var(--line);border-radius:4px;background:#fff}
.signin{max-width:26rem;margin:4rem auto;padding:0 1rem}
.stack>*+*{margin-top:.5rem}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`
