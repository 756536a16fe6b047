/// The run page: rate and loss against step (linear or log, zoomable, other runs
/// overlaid with `?compare=`), restarts and schedule changes marked and labelled, the
/// audit panel, and the run's segments, schedules, checkpoints and events; polled every
/// two seconds while the page is open.
enum RunScript {
    static let js = #"""
        'use strict';
        (function () {
          const colors = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df', '#bf8700', '#0a7c86'];
          const name = decodeURIComponent(location.pathname.replace(/^\/runs\//, ''));
          const params = new URLSearchParams(location.search);
          const state = {
            detail: null, view: null, log: params.get('scale') === 'log',
            compare: (params.get('compare') || '').split(',').map(s => s.trim()).filter(s => s && s !== name),
            series: {}, auditKey: null, auditLoading: false
          };
          document.getElementById('scale').value = state.log ? 'log' : 'linear';
          document.getElementById('compare').value = state.compare.join(', ');
          document.title = 'lrledger: ' + name;
          document.getElementById('run-name').textContent = name;

          const rateChart = LRChart(document.getElementById('rate-chart'), {
            onZoom: zoom, onHover: (step, data) => hover('rate-hover', step, data)
          });
          const lossChart = LRChart(document.getElementById('loss-chart'), {
            onZoom: zoom, onHover: (step, data) => hover('loss-hover', step, data)
          });
          const auditChart = LRChart(document.getElementById('audit-chart'), { height: 150 });

          function hover(id, step, data) {
            const parts = ['step ' + LR.integer(step)];
            for (const series of data.series) {
              const bucket = series.buckets.find(b => b.first <= step && step <= b.last) ||
                series.buckets.reduce((best, b) => !best || Math.abs(b.first - step) < Math.abs(best.first - step) ? b : best, null);
              if (!bucket) continue;
              const range = bucket.min === bucket.max ? LR.number(bucket.min) : LR.number(bucket.min) + ' to ' + LR.number(bucket.max);
              const steps = bucket.first === bucket.last ? 'step ' + LR.integer(bucket.first) : 'steps ' + LR.integer(bucket.first) + '\u2013' + LR.integer(bucket.last);
              parts.push(series.label + ': ' + range + ' (' + steps + ')');
            }
            document.getElementById(id).textContent = parts.join('   ');
          }

          function fullRange() {
            const summaries = [state.detail.run].concat(Object.values(state.series).map(s => s.summary).filter(Boolean));
            const last = Math.max(...summaries.map(s => Math.max(s.step, 1) - 1), 0);
            return { from: 0, to: Math.max(last, 1) };
          }

          function bucketCount() {
            return Math.min(2000, Math.max(100, Math.round((document.getElementById('rate-chart').clientWidth || 1000) * 1.5)));
          }

          // `prefetched`: the whole run's series, asked for beside the first read of the run
          // (the server defaults to its committed range), so the first draw waits for one
          // round of requests, not two.
          async function loadSeries(prefetched) {
            let view = state.view || fullRange();
            const names = [name].concat(state.compare);
            let first = null;
            if (prefetched && !state.view && state.compare.length === 0) {
              first = await prefetched;
              if (!first.error) view = { from: first.from, to: Math.max(first.to, first.from + 1) };
            }
            const results = await Promise.all(names.map((n, index) => index === 0 && first && !first.error ? first :
              LR.getJSON(LR.apiURL(n, '/series?from=' + view.from + '&to=' + view.to + '&buckets=' + bucketCount()))
                .catch(error => ({ error: error.message, run: n, buckets: [] }))));
            const marks = state.detail.marks;
            const rate = [], loss = [];
            const errors = [];
            results.forEach((result, index) => {
              if (result.error) { errors.push(result.run + ': ' + result.error); return; }
              const label = names[index], color = colors[index % colors.length];
              rate.push({ label, color, buckets: result.buckets.map(b => ({ first: b.first_step, last: b.last_step, min: b.min_rate, max: b.max_rate })) });
              loss.push({ label, color, buckets: result.buckets.filter(b => b.min_loss !== null && b.min_loss !== undefined)
                .map(b => ({ first: b.first_step, last: b.last_step, min: b.min_loss, max: b.max_loss })) });
            });
            LR.showError(errors.length ? 'Cannot compare with ' + errors.join('; ') : '');
            rateChart.draw({ from: view.from, to: view.to, log: state.log, series: rate, marks });
            lossChart.draw({ from: view.from, to: view.to, log: state.log, series: loss, marks });
            document.getElementById('loss-chart').parentElement.hidden = loss.every(s => s.buckets.length === 0);
          }

          function zoom(from, to) {
            state.view = { from: Math.max(0, from), to: Math.max(from + 1, to) };
            loadSeries().catch(error => LR.showError(error.message));
          }

          function fact(key, ...value) {
            return LR.el('span', {}, LR.el('span', { class: 'k' }, key), ...value);
          }

          function table(id, headers, rows) {
            const tableNode = document.getElementById(id);
            tableNode.replaceChildren(
              LR.el('thead', {}, LR.el('tr', {}, headers.map(h => LR.el('th', {}, h)))),
              LR.el('tbody', {}, rows.length ? rows.map(cells => LR.el('tr', {}, cells.map(c => LR.el('td', {}, c))))
                : LR.el('tr', {}, LR.el('td', { colspan: headers.length, class: 'muted' }, 'none'))));
          }

          function renderDetail() {
            const d = state.detail, run = d.run;
            const restarts = d.marks.filter(m => m.kind === 'restart').length;
            document.getElementById('facts').replaceChildren(
              fact('status', LR.status(run.status)),
              fact('step', LR.el('span', { id: 'step-value' }, LR.integer(run.step)), ' of ', LR.integer(run.target_steps)),
              fact('schedule', LR.el('span', { class: 'mono' }, LR.scheduleSummary(run.schedule)), ' ', run.dtype),
              fact('restarts', String(restarts)),
              fact('audit', LR.verdict(run.audit)),
              fact('updated', LR.el('span', { title: run.updated_at }, LR.ago(run.updated_at))),
              run.last_heartbeat ? fact('heartbeat', LR.el('span', { title: run.last_heartbeat }, LR.ago(run.last_heartbeat))) : '');
            table('segments', ['#', 'pid', 'host', 'steps', 'started', 'ended', 'end reason'],
              d.segments.map(s => [String(s.id), String(s.pid), s.host,
                LR.integer(s.start_step) + ' \u2013 ' + (s.end_step == null ? 'open' : LR.integer(s.end_step)) +
                  (s.rewound_from != null ? ' (rewound from ' + LR.integer(s.rewound_from) + ')' : ''),
                s.started_at, s.ended_at || '', s.end_reason || (s.ended_at ? '' : 'open')]));
            table('schedules', ['from step', 'schedule', 'dtype', 'recorded', 'checksum'],
              d.schedules.map(s => [LR.integer(s.from_step), LR.el('span', { class: 'mono' }, LR.scheduleSummary(s.config)),
                s.dtype, s.created_at, s.checksum_matches ? 'ok' : 'EDITED']));
            const checkpoint = d.latest_checkpoint;
            document.getElementById('checkpoints').replaceChildren(
              LR.el('p', {}, d.checkpoints + (d.checkpoints === 1 ? ' checkpoint kept' : ' checkpoints kept') +
                '; ' + LR.integer(d.logged_rows) + ' logged steps' +
                (d.superseded_rows ? ', ' + LR.integer(d.superseded_rows) + ' superseded rows' : '')),
              checkpoint ? LR.el('p', {}, 'latest at step ' + LR.integer(checkpoint.step) + ', ' + LR.integer(checkpoint.bytes) +
                ' bytes, ' + checkpoint.created_at + (checkpoint.file ? ', file ' + checkpoint.file : ''), LR.el('br'),
                LR.el('span', { class: 'mono' }, 'SHA-256 ' + checkpoint.sha256)) : '',
              d.chain_head ? LR.el('p', {}, LR.el('span', { class: 'mono' }, 'chain head ' + d.chain_head)) : '');
            table('events', ['at', 'kind', 'step', 'message'],
              d.events.map(e => [e.at, e.kind, e.step == null ? '' : LR.integer(e.step), e.message]));
          }

          async function loadAudit() {
            const audit = await LR.getJSON(LR.apiURL(name, '/audit'));
            const verdict = document.getElementById('audit-verdict');
            verdict.replaceChildren(
              LR.verdict(audit.verdict),
              LR.el('span', { class: 'muted' }, ' \u2014 ' + LR.integer(audit.verdict.rows_checked) + ' rates recomputed, ' +
                audit.segments_checked + ' segments, ' + audit.schedules_checked + ' schedules, ' +
                audit.checkpoints_checked + ' checkpoints, ' + audit.links_checked + ' chain links checked; audited ' +
                LR.ago(audit.verdict.audited_at) + ' at step ' + LR.integer(audit.verdict.at_step)));
            document.getElementById('audit-findings').replaceChildren(...audit.findings.map(f =>
              LR.el('li', {}, LR.el('span', { class: 'mono' }, f.kind), f.step == null ? ' ' : ' at step ' + LR.integer(f.step) + ': ', f.message)));
            auditChart.draw({
              from: 0, to: Math.max(1, audit.last_step), log: false, zeroLine: true, series: [], marks: [],
              points: audit.differences.map(d => ({ step: d.step, value: d.difference,
                label: 'step ' + LR.integer(d.step) + ': ' + LR.number(d.logged) + ' logged, ' + LR.number(d.recomputed) + ' recomputed' }))
            });
          }

          async function refresh() {
            try {
              const prefetched = state.detail || state.view || state.compare.length ? null :
                LR.getJSON(LR.apiURL(name, '/series?buckets=' + bucketCount()))
                  .catch(error => ({ error: error.message, run: name, buckets: [] }));
              const detail = await LR.getJSON(LR.apiURL(name));
              const compared = await Promise.all(state.compare.map(n => LR.getJSON(LR.apiURL(n)).catch(() => null)));
              state.series = {};
              state.compare.forEach((n, i) => { state.series[n] = { summary: compared[i] && compared[i].run }; });
              const changed = !state.detail || detail.run.step !== state.detail.run.step ||
                detail.run.updated_at !== state.detail.run.updated_at || detail.marks.length !== state.detail.marks.length;
              state.detail = detail;
              renderDetail();
              if (changed) await loadSeries(prefetched);
              // The audit may take seconds on a long run: it loads beside the polling, not in it.
              const auditKey = detail.run.audit ? detail.run.audit.audited_at : 'none';
              if (auditKey !== state.auditKey && !state.auditLoading) {
                state.auditKey = auditKey;
                state.auditLoading = true;
                loadAudit().catch(error => LR.showError('Cannot audit the run: ' + error.message))
                  .finally(() => { state.auditLoading = false; });
              }
              LR.setLive(true, 'live, updated ' + new Date().toLocaleTimeString());
            } catch (error) {
              LR.setLive(false, 'not updating');
              LR.showError(error.status === 404 ? 'This run no longer exists.' : 'Cannot read the run: ' + error.message);
            }
          }

          document.getElementById('scale').addEventListener('change', event => {
            state.log = event.target.value === 'log';
            loadSeries().catch(error => LR.showError(error.message));
          });
          document.getElementById('compare').addEventListener('change', event => {
            state.compare = event.target.value.split(',').map(s => s.trim()).filter(s => s && s !== name);
            const query = new URLSearchParams(location.search);
            if (state.compare.length) query.set('compare', state.compare.join(',')); else query.delete('compare');
            history.replaceState(null, '', location.pathname + (query.toString() ? '?' + query : ''));
            state.detail = null;
            refresh();
          });
          document.getElementById('reset-zoom').addEventListener('click', () => {
            state.view = null;
            loadSeries().catch(error => LR.showError(error.message));
          });
          let resizeTimer = null;
          window.addEventListener('resize', () => {
            clearTimeout(resizeTimer);
            resizeTimer = setTimeout(() => { if (state.detail) loadSeries().catch(() => {}); }, 200);
          });
          // Poll every two seconds after the previous poll ends, so slow reads never pile up.
          (async function poll() { await refresh(); setTimeout(poll, 2000); })();
        })();

        """#
}
