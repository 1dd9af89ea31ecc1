import { createHash } from 'node:crypto';

/** The page's style sheet (inline: the page loads nothing). */
export const PAGE_CSS = `
:root { --fault: #c2185b; --effect: #2e7d32; --replay: #6a1b9a; --error: #d32f2f; --attempt: #1565c0;
  --info: #78909c; --line: #e0e4e8; --lane-h: 40px; --name-w: 170px; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #1d232a; background: #fff;
  display: grid; grid-template-columns: minmax(0, 1fr) 380px; min-height: 100vh; }
main { padding: 12px 16px; min-width: 0; }
h1 { font-size: 18px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 14px; margin: 12px 0 4px; }
h3 { font-size: 12px; margin: 10px 0 2px; color: #455a64; }
pre { margin: 0; padding: 6px 8px; background: #f5f7f9; border: 1px solid var(--line); border-radius: 4px;
  font: 12px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap;
  overflow-wrap: anywhere; }
.summary { color: #455a64; margin: 0 0 8px; }
.violations pre { border-color: #f3b4b4; background: #fff5f5; }
details.scenario pre { max-height: 220px; overflow: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin: 12px 0 6px; color: #455a64; }
.legend span { display: inline-flex; align-items: center; gap: 5px; }
.legend .ev { position: static; cursor: default; }
.lanes { overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; }
.axis, .lane { display: flex; min-width: max-content; }
.axis { height: 22px; border-bottom: 1px solid var(--line); background: #fafbfc; }
.lane { height: var(--lane-h); border-bottom: 1px solid var(--line); }
.lane:last-child { border-bottom: 0; }
.lane-name, .axis-name { position: sticky; left: 0; z-index: 3; flex: 0 0 var(--name-w); width: var(--name-w);
  padding: 0 8px; background: #fafbfc; border-right: 1px solid var(--line); white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; line-height: var(--lane-h); font-weight: 600; }
.axis-name { line-height: 22px; font-weight: 400; color: #78909c; }
.lane-name::before { content: attr(data-group); display: inline-block; width: 30px; margin-right: 4px;
  font: 10px/1 ui-monospace, monospace; color: #90a4ae; font-weight: 400; }
.lane-name.environment { padding-left: 22px; font-weight: 400; }
.track { position: relative; flex: 0 0 auto; }
.tick { position: absolute; top: 4px; font-size: 11px; color: #607d8b; white-space: nowrap; }
.tick::before { content: ''; position: absolute; left: 0; top: -4px; height: 4px; border-left: 1px solid #90a4ae; }
.ev { position: absolute; top: 5px; width: 12px; height: 12px; padding: 0; border: 0; border-radius: 50%;
  background: var(--info); cursor: pointer; z-index: 2; }
.ev.fault { background: var(--fault); border-radius: 0; transform: rotate(45deg) scale(.9); }
.ev.effect { background: var(--effect); }
.ev.replay { background: #fff; border: 2px solid var(--replay); }
.ev.error { background: var(--error); border-radius: 2px; }
.ev.attempt { background: var(--attempt); }
.bar { position: absolute; top: 21px; height: 15px; padding: 0 4px; border: 1px solid; border-radius: 3px;
  font: 10px/13px system-ui, sans-serif; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  cursor: pointer; text-align: left; z-index: 1; }
.bar.succeeded { background: #e8f5e9; border-color: var(--effect); color: #1b5e20; }
.bar.failed { background: #ffebee; border-color: var(--error); color: #b71c1c; }
.bar.unfinished { background: #eceff1; border-color: var(--info); color: #37474f; border-style: dashed; }
.selected { outline: 3px solid #ffb300; outline-offset: 1px; }
table.events { border-collapse: collapse; width: 100%; margin-top: 12px; font-size: 12px; }
table.events th { text-align: left; color: #607d8b; font-weight: 400; border-bottom: 1px solid var(--line); }
table.events td { padding: 1px 6px; border-bottom: 1px solid #f0f2f4; vertical-align: top; overflow-wrap: anywhere; }
table.events td:first-child, table.events td:nth-child(3) { white-space: nowrap; font-family: ui-monospace, monospace; }
table.events tr { cursor: pointer; }
table.events tr:hover { background: #f5f9ff; }
table.events tr.tone-fault td:nth-child(3) { color: var(--fault); font-weight: 600; }
table.events tr.tone-error td:nth-child(3) { color: var(--error); }
table.events tr.tone-effect td:nth-child(3) { color: var(--effect); }
aside { position: sticky; top: 0; height: 100vh; overflow: auto; padding: 12px 14px; border-left: 1px solid var(--line);
  background: #fcfdfe; }
aside .hint { color: #78909c; }
`;

/**
 * The page's script: shows an event's words, payloads and fields in the side panel when its mark,
 * its attempt bar or its table row is clicked (and for `#e<index>` in the address). It writes
 * text only (`textContent`): the data is user data.
 */
export const PAGE_SCRIPT = `(() => {
  const data = JSON.parse(document.getElementById('lambdasim-data').textContent);
  const title = document.getElementById('details-title');
  const body = document.getElementById('details-body');
  let selected = [];
  const section = (label, value) => {
    const h = document.createElement('h3');
    h.textContent = label;
    const pre = document.createElement('pre');
    pre.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    body.append(h, pre);
  };
  const show = (i) => {
    const ev = data.events[i];
    if (ev === undefined) return;
    for (const el of selected) el.classList.remove('selected');
    selected = [...document.querySelectorAll('[data-i="' + i + '"]')];
    for (const el of selected) el.classList.add('selected');
    title.textContent = ev.time + '  ' + ev.kind;
    body.replaceChildren();
    section(data.lanes[ev.lane].group + ' ' + data.lanes[ev.lane].name, ev.who + '  ' + ev.what);
    for (const p of ev.payloads) section(p.label, p.value);
    section('trace event #' + ev.n, ev.fields);
  };
  document.addEventListener('click', (e) => {
    const target = e.target instanceof Element ? e.target.closest('[data-i]') : null;
    if (target !== null) show(Number(target.getAttribute('data-i')));
  });
  const m = /^#e(\\d+)$/.exec(location.hash);
  if (m !== null) show(Number(m[1]));
})();`;

/**
 * The page's Content-Security-Policy: nothing is fetched, styles are inline, and only the page's
 * own script runs (by its hash), so an event handler smuggled into the page would not.
 */
export const PAGE_CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${createHash('sha256').update(PAGE_SCRIPT).digest('base64')}'`;
