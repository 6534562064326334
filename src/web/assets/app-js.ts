// The only script /app runs (CSP: script-src 'self'). Pages work without it;
// it adds keyboard shortcuts, live inbox updates, select-all, copy and the
// survey preview. Text from the server is only ever set with textContent.
export const APP_JS = `(function () {
  'use strict';
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';

  function post(url, fields) {
    var body = new URLSearchParams(fields || {});
    return fetch(url, {
      method: 'POST', credentials: 'same-origin', body: body,
      headers: { 'x-csrf-token': csrf, accept: 'application/json' }
    }).then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); });
  }

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    var msg = form.getAttribute && form.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });

  // "Snooze until tomorrow 9:00" means 9:00 where the person is.
  document.querySelectorAll('input[data-local-tz]').forEach(function (input) {
    try { input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch (e) { /* UTC stays */ }
  });

  // Pages say when in UTC; each person reads their own clock, with UTC kept in the title.
  document.querySelectorAll('time[data-local]').forEach(function (t) {
    var d = new Date(t.getAttribute('datetime'));
    if (isNaN(d.getTime())) return;
    var two = function (n) { return (n < 10 ? '0' : '') + n; };
    t.title = t.textContent + ' UTC';
    t.textContent = d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' + two(d.getHours()) + ':' + two(d.getMinutes());
  });

  document.querySelectorAll('select[data-autosubmit]').forEach(function (sel) {
    sel.addEventListener('change', function () { sel.form.submit(); });
  });

  document.querySelectorAll('[data-select-all]').forEach(function (box) {
    box.addEventListener('change', function () {
      document.querySelectorAll('input[name="ids"]').forEach(function (c) { c.checked = box.checked; });
    });
  });

  document.querySelectorAll('button[data-print]').forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener('click', function () { window.print(); });
  });

  document.querySelectorAll('button[data-copy]').forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener('click', function () {
      var src = document.getElementById(btn.getAttribute('data-copy'));
      if (!src || !navigator.clipboard) return;
      navigator.clipboard.writeText(src.textContent).then(function () { btn.textContent = 'Copied'; });
    });
  });

  var preview = document.getElementById('survey-preview');
  if (preview) {
    var form = preview.closest('main').querySelector('form[data-survey-form]');
    var scales = { nps: [0, 10], csat: [1, 5], ces: [1, 7] };
    var render = function () {
      var kind = preview.getAttribute('data-kind');
      var q = form.elements.question.value || 'How likely are you to recommend us to a friend?';
      preview.querySelector('[data-q]').textContent = q;
      var scale = preview.querySelector('.scale');
      while (scale.firstChild) scale.removeChild(scale.firstChild);
      var range = scales[kind] || scales.nps;
      for (var i = range[0]; i <= range[1]; i++) {
        var s = document.createElement('span');
        s.textContent = String(i);
        scale.appendChild(s);
      }
      // The survey's colour on a picked score, and its choice question as the embed will ask it.
      var accent = form.elements.accent && /^#[0-9a-f]{6}$/i.test(form.elements.accent.value) ? form.elements.accent.value : '#0969da';
      var picked = scale.lastChild;
      picked.style.background = accent;
      picked.style.borderColor = accent;
      picked.style.color = '#fff';
      var choice = preview.querySelector('[data-choice]');
      var cq = form.elements['choice.question'];
      var co = form.elements['choice.options'];
      var options = co ? co.value.split(/\\r?\\n/).map(function (o) { return o.trim(); }).filter(Boolean) : [];
      choice.hidden = !(cq && cq.value.trim() && options.length);
      choice.querySelector('[data-cq]').textContent = cq ? cq.value : '';
      var list = choice.querySelector('ul');
      while (list.firstChild) list.removeChild(list.firstChild);
      options.forEach(function (o) {
        var li = document.createElement('li');
        li.textContent = o;
        list.appendChild(li);
      });
    };
    form.addEventListener('input', render);
    form.addEventListener('change', render);
    render();
  }

  var counts = document.getElementById('counts');
  if (counts && !counts.hasAttribute('data-loaded')) {
    fetch(counts.getAttribute('data-src'), { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        while (counts.firstChild) counts.removeChild(counts.firstChild);
        data.links.forEach(function (l) {
          var a = document.createElement('a');
          a.href = l.href; a.className = l.cls;
          var n = document.createElement('strong'); n.textContent = String(l.count);
          a.appendChild(document.createTextNode(l.label + ' '));
          a.appendChild(n);
          counts.appendChild(a);
          counts.appendChild(document.createTextNode(' '));
        });
        counts.setAttribute('data-loaded', '');
        var total = document.getElementById('total');
        if (total) total.textContent = data.total + ' matching';
      })
      .catch(function () {});
  }

  var list = document.getElementById('mention-list');
  if (!list) return;

  function rows() { return Array.prototype.slice.call(list.querySelectorAll('li[data-id]')); }
  function current() { return list.querySelector('li.current') || rows()[0]; }
  function move(step) {
    var all = rows(); if (!all.length) return;
    var cur = list.querySelector('li.current');
    var i = cur ? all.indexOf(cur) + step : 0;
    var next = all[Math.max(0, Math.min(all.length - 1, i))];
    all.forEach(function (r) { r.classList.remove('current'); });
    next.classList.add('current');
    var link = next.querySelector('a.item');
    if (link) link.focus();
  }

  var help = document.getElementById('shortcut-help');
  document.querySelectorAll('[data-open-help]').forEach(function (btn) {
    btn.addEventListener('click', function () { if (help && help.showModal) help.showModal(); });
  });
  var FIELDS = { a: { id: 'assignee', hash: 'assign' }, r: { id: 'reply', hash: 'reply' } };
  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var tag = (ev.target.tagName || '').toLowerCase();
    if (tag === 'input' || tag === 'textarea' || tag === 'select') {
      if (ev.key === 'Escape') ev.target.blur();
      return;
    }
    var row = current();
    if (ev.key === 'j') { move(1); ev.preventDefault(); }
    else if (ev.key === 'k') { move(-1); ev.preventDefault(); }
    else if (ev.key === '/') { var q = document.getElementById('q'); if (q) { q.focus(); q.select(); ev.preventDefault(); } }
    else if (ev.key === '?') { if (help && help.showModal) { help.showModal(); ev.preventDefault(); } }
    else if (ev.key === 'e' && row) {
      ev.preventDefault();
      post('/app/inbox/' + row.getAttribute('data-id') + '/update', { status: 'resolved' }).then(function () {
        var st = row.querySelector('[data-status]');
        if (st) st.textContent = 'resolved';
        row.classList.add('done');
        move(1);
      }).catch(function (e) { console.error('earshot: resolve failed', e); });
    } else if (Object.prototype.hasOwnProperty.call(FIELDS, ev.key) && row) {
      // The field of the open mention, or the highlighted one opened at that field.
      ev.preventDefault();
      var field = document.getElementById(FIELDS[ev.key].id);
      if (field && document.querySelector('.detail[data-id="' + row.getAttribute('data-id') + '"]')) { field.focus(); }
      else { var link = row.querySelector('a.item'); if (link) window.location.href = link.href + '#' + FIELDS[ev.key].hash; }
    }
  });
  Object.keys(FIELDS).forEach(function (key) {
    if (window.location.hash === '#' + FIELDS[key].hash) { var f = document.getElementById(FIELDS[key].id); if (f) f.focus(); }
  });

  var banner = document.getElementById('new-banner');
  var since = list.getAttribute('data-since');
  var pending = [];
  function li(item) {
    var el = document.createElement('li');
    el.className = 'fresh';
    el.setAttribute('data-id', item.id);
    var box = document.createElement('input');
    box.type = 'checkbox'; box.name = 'ids'; box.value = item.id; box.setAttribute('form', 'bulk');
    box.setAttribute('aria-label', 'select mention');
    var a = document.createElement('a');
    a.className = 'item'; a.href = item.href;
    var t = document.createElement('span'); t.className = 'title'; t.textContent = item.title;
    var s = document.createElement('span'); s.className = item.title ? 'snippet' : 'snippet lead'; s.textContent = item.snippet;
    var m = document.createElement('span'); m.className = 'meta';
    var st = document.createElement('span'); st.setAttribute('data-status', ''); st.textContent = item.status;
    var se = document.createElement('span'); se.className = 'badge s-' + item.sentiment; se.textContent = item.sentiment;
    var au = document.createElement('span'); au.textContent = item.author + ' · ' + item.source;
    m.appendChild(st); m.appendChild(se); m.appendChild(au);
    if (item.title) a.appendChild(t);
    a.appendChild(s); a.appendChild(m);
    el.appendChild(box); el.appendChild(a);
    return el;
  }
  function showPending() {
    pending.forEach(function (item) {
      if (!list.querySelector('li[data-id="' + item.id + '"]')) list.insertBefore(li(item), list.firstChild);
    });
    pending = [];
    var empty = document.getElementById('empty-inbox');
    if (empty) empty.remove();
    banner.hidden = true;
  }
  if (banner && since) {
    banner.addEventListener('click', showPending);
    // Who is on each row on screen, renewed with every poll.
    var showPresence = function (present) {
      list.querySelectorAll('li[data-id]').forEach(function (row) {
        var tag = row.querySelector('.presence-tag');
        var words = present[row.getAttribute('data-id')];
        if (!words) { if (tag) tag.remove(); return; }
        if (!tag) {
          tag = document.createElement('span'); tag.className = 'presence-tag';
          var meta = row.querySelector('.meta'); if (meta) meta.appendChild(tag);
        }
        tag.textContent = words;
      });
    };
    var poll = function () {
      var params = new URLSearchParams(window.location.search);
      params.delete('m'); params.delete('cursor');
      params.set('after', since);
      params.set('ids', Array.prototype.map.call(list.querySelectorAll('li[data-id]'), function (row) { return row.getAttribute('data-id'); }).join(','));
      fetch('/app/inbox/new?' + params.toString(), { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (data && data.present) showPresence(data.present);
          if (!data || !data.items.length) return;
          since = data.since;
          pending = data.items.concat(pending);
          banner.textContent = pending.length + ' new mention' + (pending.length === 1 ? '' : 's') + ' — show';
          banner.hidden = false;
        })
        .catch(function () {});
    };
    var ms = Number(list.getAttribute('data-poll-ms')) || 15000;
    setInterval(poll, ms);
    window.addEventListener('focus', poll);
  }

  // Presence: this page says it has the mention open (and whether a reply is being written), and shows who else has.
  var presence = document.querySelector('[data-presence]');
  if (presence) {
    var presenceUrl = presence.getAttribute('data-presence');
    var replyBox = document.getElementById('reply');
    var replying = function () {
      return replyBox ? (document.activeElement === replyBox || replyBox.value !== replyBox.defaultValue) : false;
    };
    var wasReplying = false;
    // One beat at a time, each saying the state when it leaves: an earlier one landing late must not undo a later one,
    // and keystrokes while one waits do not queue more.
    var beating = Promise.resolve();
    var waiting = false;
    var beat = function () {
      if (waiting) return;
      waiting = true;
      beating = beating.then(function () {
        waiting = false;
        wasReplying = replying();
        return post(presenceUrl, { replying: wasReplying ? '1' : '0' }).then(function (data) { presence.textContent = data.line; });
      }).catch(function () {});
    };
    if (replyBox) {
      ['focus', 'blur', 'input'].forEach(function (type) {
        replyBox.addEventListener(type, function () { if (replying() !== wasReplying) beat(); });
      });
    }
    beat();
    setInterval(beat, Number(presence.getAttribute('data-beat-ms')) || 15000);
    window.addEventListener('pagehide', function () {
      if (navigator.sendBeacon) navigator.sendBeacon(presenceUrl, new URLSearchParams({ _csrf: csrf, gone: '1' }));
    });
  }
})();
`
