/**
 * The page's script, a progressive enhancement: the server renders everything first (the page
 * works with scripting off, sorting through links), then this sorts tables in place and applies
 * the live updates the server sends as server-sent events, without reloading. Plain ES2017 in a
 * string: core is compiled without DOM types, and the page loads nothing else.
 */
export const CLIENT_SCRIPT = `(() => {
  'use strict';
  const status = document.getElementById('live-status');
  const readOnly = status && status.textContent.indexOf('read-only') === 0 ? 'read-only · ' : '';
  const setStatus = (text, live) => {
    if (!status) return;
    status.textContent = readOnly + text;
    status.classList.toggle('live', live);
    document.body.dataset.live = live ? 'on' : 'off';
  };
  const valueOf = (td) => {
    const v = td.dataset.v || '';
    return v !== '' && !isNaN(Number(v)) ? Number(v) : v;
  };
  const sortTable = (table, key, order) => {
    const head = table.tHead.rows[0];
    const index = [...head.cells].findIndex((th) => th.querySelector('[data-sort="' + key + '"]'));
    if (index < 0) return;
    const body = table.tBodies[0];
    const rows = [...body.rows];
    const sign = order === 'desc' ? -1 : 1;
    rows.sort((a, b) => {
      const x = valueOf(a.cells[index]);
      const y = valueOf(b.cells[index]);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sign * c || Number(a.dataset.uid) - Number(b.dataset.uid);
    });
    for (const r of rows) body.appendChild(r);
    [...head.cells].forEach((th, i) => {
      if (i === index) th.setAttribute('aria-sort', order === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
    table.dataset.sortKey = key;
    table.dataset.sortOrder = order;
  };
  document.addEventListener('click', (e) => {
    const link = e.target.closest && e.target.closest('th a[data-sort]');
    if (!link) return;
    e.preventDefault();
    const table = link.closest('table');
    const th = link.closest('th');
    const current = th.getAttribute('aria-sort');
    const order = current === 'descending' ? 'asc' : current === 'ascending' ? 'desc' : new URL(link.href).searchParams.get('order') || 'asc';
    sortTable(table, link.dataset.sort, order);
  });
  const text = (el, value) => { if (el && el.textContent !== String(value)) el.textContent = String(value); };
  const refreshCharts = (netuid) => {
    fetch('/subnets/' + netuid + '/charts').then((r) => (r.ok ? r.text() : null)).then((html) => {
      const box = document.getElementById('charts-' + netuid);
      if (html !== null && box) box.innerHTML = html;
    }).catch(() => undefined);
  };
  const apply = (update) => {
    text(document.getElementById('block'), update.block);
    for (const s of update.subnets) {
      const section = document.getElementById('subnet-' + s.netuid);
      if (!section) continue;
      text(section.querySelector('[data-live="next-epoch"]'), s.nextEpochBlock === null ? '—' : s.nextEpochBlock);
      text(section.querySelector('[data-live="epoch-in"]'), s.nextEpochBlock === null ? '' : '(in ' + Math.max(0, s.nextEpochBlock - update.block) + ' blocks)');
      text(section.querySelector('[data-live="neurons"]'), s.neurons.length);
      const table = section.querySelector('table');
      for (const n of s.neurons) {
        const row = table && table.querySelector('tr[data-uid="' + n.uid + '"]');
        if (!row) continue;
        for (const td of row.cells) {
          const cell = n.cells[td.dataset.f];
          if (!cell || td.dataset.f === 'uid') continue;
          text(td, cell[0]);
          td.dataset.v = String(cell[1]);
        }
      }
      if (table && table.dataset.sortKey) sortTable(table, table.dataset.sortKey, table.dataset.sortOrder);
      if (String(s.epochs) !== section.dataset.epochs) {
        section.dataset.epochs = String(s.epochs);
        text(section.querySelector('[data-live="epochs"]'), s.epochs);
        refreshCharts(s.netuid);
      }
    }
  };
  if (!window.EventSource) return;
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => setStatus('live', true));
  events.addEventListener('error', () => setStatus('reconnecting…', false));
  events.addEventListener('update', (e) => apply(JSON.parse(e.data)));
})();`;
