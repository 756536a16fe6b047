/// The runs page: a table of every run, sortable by any column and filterable, polled
/// every two seconds so running trainers move without a reload.
enum RunsScript {
    static let js = #"""
        'use strict';
        (function () {
          const state = { runs: [], sortKey: 'updated_at', descending: true, filter: '', status: '' };
          const tbody = document.querySelector('#runs tbody');

          function sortValue(run, key) {
            switch (key) {
              case 'step': return run.target_steps > 0 ? run.step / run.target_steps : run.step;
              case 'restarts': return run.restarts;
              case 'audit': return run.audit ? (run.audit.clean ? 0 : run.audit.findings) : -1;
              case 'schedule': return LR.scheduleSummary(run.schedule);
              default: return String(run[key] || '');
            }
          }

          function visibleRuns() {
            const needle = state.filter.toLowerCase();
            const runs = state.runs.filter(run =>
              (!state.status || run.status === state.status) &&
              (!needle || run.name.toLowerCase().includes(needle) || run.status.includes(needle) ||
                LR.scheduleSummary(run.schedule).toLowerCase().includes(needle)));
            runs.sort((a, b) => {
              const x = sortValue(a, state.sortKey), y = sortValue(b, state.sortKey);
              const order = x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
              return state.descending ? -order : order;
            });
            return runs;
          }

          function row(run) {
            const fraction = run.target_steps > 0 ? Math.min(1, run.step / run.target_steps) : 0;
            const bar = LR.el('span', { class: 'progress' });
            const fill = LR.el('span');
            fill.style.width = (fraction * 100).toFixed(1) + '%';
            bar.append(fill);
            return LR.el('tr', { 'data-run': run.name },
              LR.el('td', { class: 'name' }, LR.el('a', { href: LR.runURL(run.name) }, run.name)),
              LR.el('td', {}, LR.status(run.status)),
              LR.el('td', { class: 'num step' }, LR.el('span', { class: 'step-value' }, LR.integer(run.step)), ' / ',
                LR.integer(run.target_steps), bar),
              LR.el('td', { class: 'mono' }, LR.scheduleSummary(run.schedule),
                run.schedule_versions > 1 ? LR.el('span', { class: 'muted' }, ' (' + run.schedule_versions + ' versions)') : null),
              LR.el('td', { class: 'num restarts' }, run.restarts),
              LR.el('td', { class: 'audit' }, LR.verdict(run.audit)),
              LR.el('td', { title: run.updated_at }, LR.ago(run.updated_at)));
          }

          function render() {
            const runs = visibleRuns();
            tbody.replaceChildren(...runs.map(row));
            document.getElementById('count').textContent =
              runs.length + ' of ' + state.runs.length + (state.runs.length === 1 ? ' run' : ' runs');
            document.getElementById('empty').hidden = state.runs.length !== 0;
            for (const th of document.querySelectorAll('th.sortable')) {
              th.classList.toggle('sorted-asc', th.dataset.key === state.sortKey && !state.descending);
              th.classList.toggle('sorted-desc', th.dataset.key === state.sortKey && state.descending);
            }
          }

          async function refresh() {
            try {
              state.runs = await LR.getJSON('/api/runs');
              LR.showError('');
              LR.setLive(true, 'live, updated ' + new Date().toLocaleTimeString());
              render();
            } catch (error) {
              LR.setLive(false, 'not updating');
              LR.showError('Cannot read the runs: ' + error.message);
            }
          }

          for (const th of document.querySelectorAll('th.sortable')) {
            th.addEventListener('click', () => {
              if (state.sortKey === th.dataset.key) state.descending = !state.descending;
              else { state.sortKey = th.dataset.key; state.descending = false; }
              render();
            });
          }
          document.getElementById('filter').addEventListener('input', event => { state.filter = event.target.value; render(); });
          document.getElementById('status-filter').addEventListener('change', event => { state.status = event.target.value; render(); });
          // Poll every two seconds after the previous poll ends, so slow reads never pile up.
          (async function poll() { await refresh(); setTimeout(poll, 2000); })();
        })();

        """#
}
