/// The HTML shells of the pages. They hold no data: the scripts fetch it from the API
/// and build the page with `textContent`, so nothing from the ledger is ever parsed as
/// HTML. No inline script or style: the Content-Security-Policy forbids both.
enum Pages {
    static let index = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>lrledger: runs</title>
        <link rel="stylesheet" href="/assets/dashboard.css">
        <link rel="icon" href="data:,">
        <script src="/assets/common.js" defer></script>
        <script src="/assets/runs.js" defer></script>
        </head>
        <body>
        <header><a class="brand" href="/">lrledger</a><span class="crumb">runs</span>
        <span id="live" class="live" title="The page polls the ledger every two seconds">live</span></header>
        <main>
        <div class="toolbar">
        <input id="filter" type="search" placeholder="Filter by name, status or schedule" aria-label="Filter runs">
        <select id="status-filter" aria-label="Status">
        <option value="">every status</option><option>running</option><option>running?</option>
        <option>interrupted</option><option>crashed</option><option>failed</option><option>finished</option>
        </select>
        <span id="count" class="muted"></span>
        </div>
        <table id="runs" class="runs">
        <thead><tr>
        <th data-key="name" class="sortable">run</th>
        <th data-key="status" class="sortable">status</th>
        <th data-key="step" class="sortable num">step / target</th>
        <th data-key="schedule" class="sortable">schedule</th>
        <th data-key="restarts" class="sortable num">restarts</th>
        <th data-key="audit" class="sortable">last audit</th>
        <th data-key="updated_at" class="sortable">updated</th>
        </tr></thead>
        <tbody></tbody>
        </table>
        <p id="empty" class="muted" hidden>No runs in this ledger yet. Start one with <code>lrledger train --run NAME --steps N</code>.</p>
        <p id="error" class="error" hidden></p>
        </main>
        </body>
        </html>

        """#

    static let run = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>lrledger: run</title>
        <link rel="stylesheet" href="/assets/dashboard.css">
        <link rel="icon" href="data:,">
        <script src="/assets/common.js" defer></script>
        <script src="/assets/chart.js" defer></script>
        <script src="/assets/run.js" defer></script>
        </head>
        <body>
        <header><a class="brand" href="/">lrledger</a><span class="crumb">run</span>
        <span id="live" class="live" title="The page polls the ledger every two seconds">live</span></header>
        <main>
        <h1 id="run-name"></h1>
        <div id="facts" class="facts"></div>
        <div class="toolbar">
        <label>scale <select id="scale"><option value="linear">linear</option><option value="log">log</option></select></label>
        <label>compare with <input id="compare" type="text" placeholder="other run names, comma-separated"></label>
        <button id="reset-zoom" type="button">whole run</button>
        <span class="muted">Drag across a chart to zoom; each view is re-bucketed from the ledger.</span>
        </div>
        <section><h2>Learning rate</h2><div id="rate-chart" class="chart"></div><div id="rate-hover" class="hover muted"></div></section>
        <section><h2>Loss</h2><div id="loss-chart" class="chart"></div><div id="loss-hover" class="hover muted"></div></section>
        <section id="audit-panel"><h2>Audit</h2><div id="audit-verdict"></div>
        <h3>Logged minus recomputed rate</h3><div id="audit-chart" class="chart small"></div>
        <ul id="audit-findings" class="findings"></ul></section>
        <section><h2>Segments</h2><table id="segments" class="grid"></table></section>
        <section><h2>Schedule versions</h2><table id="schedules" class="grid"></table></section>
        <section><h2>Checkpoints</h2><div id="checkpoints"></div></section>
        <section><h2>Events</h2><table id="events" class="grid"></table></section>
        <p id="error" class="error" hidden></p>
        </main>
        </body>
        </html>

        """#

    static let notFound = #"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>lrledger: no such run</title>
        <link rel="stylesheet" href="/assets/dashboard.css">
        <link rel="icon" href="data:,"></head>
        <body><header><a class="brand" href="/">lrledger</a></header>
        <main><h1>No such run</h1><p>This ledger has no run by that name. <a href="/">See the runs.</a></p></main>
        </body>
        </html>

        """#
}
