/// The dashboard's one style sheet.
enum StyleSheet {
    static let css = #"""
        :root { --fg: #1d2330; --muted: #6b7280; --line: #d9dde5; --bg: #fff; --accent: #1f6feb;
          --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --purple: #8250df; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
        header { display: flex; align-items: baseline; gap: 12px; padding: 10px 20px; border-bottom: 1px solid var(--line); background: #f6f8fa; }
        .brand { font-weight: 700; color: var(--fg); text-decoration: none; font-size: 16px; }
        .crumb { color: var(--muted); }
        .live { margin-left: auto; font-size: 12px; color: var(--muted); }
        .live.on::before { content: "\25CF  "; color: var(--ok); }
        .live.off::before { content: "\25CF  "; color: var(--bad); }
        main { padding: 16px 20px 40px; max-width: 1280px; }
        h1 { font-size: 20px; margin: 4px 0 8px; word-break: break-all; }
        h2 { font-size: 15px; margin: 22px 0 6px; }
        h3 { font-size: 13px; margin: 12px 0 4px; color: var(--muted); font-weight: 600; }
        .toolbar { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0 12px; }
        input[type=search], input[type=text] { padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; min-width: 260px; }
        select, button { padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: 12px; color: var(--muted); font-weight: 600; white-space: nowrap; }
        th.sortable { cursor: pointer; user-select: none; }
        th.sorted-asc::after { content: " \25B2"; } th.sorted-desc::after { content: " \25BC"; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        td.name { overflow-wrap: anywhere; min-width: 9em; max-width: 320px; }
        #events td:last-child { overflow-wrap: anywhere; }
        .muted { color: var(--muted); }
        .error { color: var(--bad); }
        .status { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; border: 1px solid var(--line); }
        .status-running { background: #dafbe1; color: var(--ok); border-color: #aceebb; }
        .status-running\? { background: #fff8c5; color: var(--warn); }
        .status-crashed, .status-failed { background: #ffebe9; color: var(--bad); border-color: #ffcecb; }
        .status-interrupted { background: #fff8c5; color: var(--warn); }
        .status-finished { background: #ddf4ff; color: #0969da; }
        .verdict-clean { color: var(--ok); font-weight: 600; }
        .verdict-findings { color: var(--bad); font-weight: 600; }
        .progress { display: inline-block; width: 70px; height: 6px; background: #eaeef2; border-radius: 3px; margin-left: 6px; vertical-align: middle; }
        .progress > span { display: block; height: 100%; background: var(--accent); border-radius: 3px; }
        .facts { display: flex; flex-wrap: wrap; gap: 6px 20px; color: var(--fg); }
        .facts .k { color: var(--muted); margin-right: 4px; }
        .chart { border: 1px solid var(--line); border-radius: 6px; background: #fff; }
        .chart svg { display: block; width: 100%; height: 320px; }
        .chart.small svg { height: 150px; }
        .hover { min-height: 1.4em; font-size: 12px; font-variant-numeric: tabular-nums; }
        .axis text, .mark text, .legend text { font-size: 11px; fill: var(--muted); }
        .axis line, .axis path { stroke: #c4c9d2; }
        .grid-line { stroke: #eef0f4; }
        .band { stroke-width: 1.2; fill-opacity: 0.25; }
        .mark-restart line { stroke: #7f7f7f; stroke-dasharray: 4 3; }
        .mark-schedule line { stroke: var(--purple); }
        .mark-schedule text { fill: var(--purple); }
        .mark-finding circle { fill: var(--bad); }
        .mark-finding text { fill: var(--bad); }
        .zero-line { stroke: var(--ok); stroke-width: 2; }
        .selection { fill: var(--accent); fill-opacity: 0.12; }
        .findings li { margin: 2px 0; }
        code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; word-break: break-all; }

        """#
}
