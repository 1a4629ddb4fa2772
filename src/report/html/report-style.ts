// The report's only stylesheet, inlined: the file must open anywhere, offline, as it is.

export const REPORT_STYLE = `
:root { --ok: #2e9e5b; --bad: #d64545; --late: #e08a1e; --off: #9aa0a6; --ink: #1f2328; --quiet: #656d76; --line: #d0d7de; --band: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1400px; padding: 24px; color: var(--ink); font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 0 0 6px; }
code, pre { font: 12.5px/1.4 ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; }
pre { margin: 0; padding: 8px; background: var(--band); border: 1px solid var(--line); border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
.quiet, .caption, .note, .empty { color: var(--quiet); }
.run { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 0; }
.run dt { color: var(--quiet); }
.run dd { margin: 0; overflow-wrap: anywhere; }
.status { display: inline-block; padding: 0 8px; border-radius: 10px; color: #fff; background: var(--off); font-weight: 600; }
.status.succeeded { background: var(--ok); }
.status.failed, .status.crashed { background: var(--bad); }
.status.interrupted { background: var(--late); }
table:is(.steps, .tasks) { border-collapse: collapse; width: 100%; }
table:is(.steps, .tasks) th, table:is(.steps, .tasks) td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
table:is(.steps, .tasks) th[scope=row] { white-space: normal; overflow-wrap: break-word; min-width: 8em; }
table:is(.steps, .tasks) thead th { background: var(--band); font-weight: 600; }
table:is(.steps, .tasks) thead tr + tr th { font-weight: normal; color: var(--quiet); text-align: right; }
table.steps th[scope=colgroup] { text-align: center; border-left: 1px solid var(--line); }
table:is(.steps, .tasks) td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.steps td.bad { color: var(--bad); font-weight: 600; }
table.steps tr.total { font-weight: 600; background: var(--band); }
table.tasks td.task { white-space: normal; overflow-wrap: anywhere; }
table.tasks td.state.failed, table.tasks td.state.timed-out { color: var(--bad); font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 4px 0 8px; color: var(--quiet); }
.legend span::before { content: ''; display: inline-block; width: 12px; height: 10px; margin-right: 5px; border-radius: 2px; background: var(--c); opacity: var(--o, 1); }
svg.timeline { display: block; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
svg.timeline text { font-size: 11px; fill: var(--quiet); }
svg.timeline .tick { stroke: var(--line); stroke-width: 1; }
svg.timeline .stripe { fill: var(--band); }
svg.timeline .bar { rx: 2px; }
svg.timeline .bar:hover { stroke: var(--ink); stroke-width: 1.5; }
.bar.succeeded { fill: var(--ok); }
.bar.failed { fill: var(--bad); }
.bar.timed-out { fill: var(--late); }
.bar.cancelled { fill: var(--off); }
.bar.retried { opacity: 0.5; }
svg.timeline .fail-mark { stroke: var(--bad); stroke-width: 3; opacity: 0.55; }
.bar.failed:not(.retried), .bar.timed-out:not(.retried) { stroke: #7a1010; stroke-width: 1; }
.bar:target { stroke: var(--ink); stroke-width: 3; }
.failed-list { margin: 4px 0 12px; padding-left: 20px; }
.failure a.where { font-weight: normal; font-size: 12px; margin-left: 8px; }
.failure { margin: 0 0 16px; padding: 10px 12px; border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 4px; }
.failure dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0; }
.failure dt { color: var(--quiet); }
.failure dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
footer { margin-top: 32px; color: var(--quiet); font-size: 12px; }
`;
