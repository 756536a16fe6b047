/// A small SVG chart for bucketed series: each bucket drawn as the band between its
/// minimum and maximum (so a one-step spike shows), linear or log scale, marks on the
/// step axis with their labels, points, drag-to-zoom and a hover read-out. Labels are
/// SVG text nodes, set as text.
enum ChartScript {
    static let js = #"""
        'use strict';
        window.LRChart = function (container, options) {
          options = options || {};
          const height = options.height || 320;
          const margin = { left: 70, right: 18, top: 16, bottom: 30 };
          let current = null;

          function niceStep(span, count) {
            const raw = span / Math.max(1, count);
            const power = Math.pow(10, Math.floor(Math.log10(raw)));
            const fraction = raw / power;
            return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
          }

          function draw(data) {
            current = data;
            const width = Math.max(320, container.clientWidth || 900);
            // Several series: a legend strip above the plot, clear of the marks' labels.
            margin.top = data.series.length > 1 ? 34 : 16;
            const plotWidth = width - margin.left - margin.right;
            const plotHeight = height - margin.top - margin.bottom;
            const from = data.from, to = Math.max(data.to, data.from + 1);
            const log = !!data.log;
            let low = Infinity, high = -Infinity, smallestPositive = Infinity;
            for (const series of data.series) {
              for (const b of series.buckets) {
                for (const v of [b.min, b.max]) {
                  if (typeof v !== 'number' || !isFinite(v)) continue;
                  low = Math.min(low, v); high = Math.max(high, v);
                  if (v > 0) smallestPositive = Math.min(smallestPositive, v);
                }
              }
            }
            for (const p of data.points || []) {
              if (isFinite(p.value)) { low = Math.min(low, p.value); high = Math.max(high, p.value); }
            }
            if (data.zeroLine) { low = Math.min(low, 0); high = Math.max(high, 0); }
            if (!isFinite(low)) { low = 0; high = 1; }
            if (log) {
              if (!isFinite(smallestPositive)) smallestPositive = 1e-8;
              low = Math.log10(smallestPositive); high = Math.log10(Math.max(high, smallestPositive));
            }
            if (high === low) { const pad = Math.abs(high) * 0.1 || 1; low -= pad; high += pad; }
            const padding = (high - low) * 0.06; low -= padding; high += padding;
            const value = v => log ? Math.log10(v > 0 ? v : smallestPositive) : v;
            const X = step => margin.left + (step - from) / (to - from) * plotWidth;
            const Y = v => margin.top + (1 - (value(v) - low) / (high - low)) * plotHeight;
            const S = LR.svg;
            const root = S('svg', { viewBox: '0 0 ' + width + ' ' + height, preserveAspectRatio: 'none', role: 'img' });

            // Axes, grid and ticks.
            const axis = S('g', { class: 'axis' });
            const ySpan = high - low;
            const yStep = log ? Math.max(1, Math.ceil(ySpan / 5)) : niceStep(ySpan, 5);
            for (let t = Math.ceil(low / yStep) * yStep; t <= high; t += yStep) {
              const y = margin.top + (1 - (t - low) / ySpan) * plotHeight;
              axis.append(S('line', { class: 'grid-line', x1: margin.left, x2: width - margin.right, y1: y, y2: y }));
              axis.append(S('text', { x: margin.left - 6, y: y + 4, 'text-anchor': 'end' }, log ? LR.number(Math.pow(10, t)) : LR.number(t)));
            }
            const xStep = Math.max(1, niceStep(to - from, 7));
            for (let t = Math.ceil(from / xStep) * xStep; t <= to; t += xStep) {
              const x = X(t);
              axis.append(S('line', { x1: x, x2: x, y1: height - margin.bottom, y2: height - margin.bottom + 4 }));
              axis.append(S('text', { x: x, y: height - margin.bottom + 16, 'text-anchor': 'middle' }, LR.integer(t)));
            }
            axis.append(S('line', { x1: margin.left, x2: width - margin.right, y1: height - margin.bottom, y2: height - margin.bottom }));
            axis.append(S('line', { x1: margin.left, x2: margin.left, y1: margin.top, y2: height - margin.bottom }));
            root.append(axis);

            const clipID = 'clip-' + Math.random().toString(36).slice(2);
            root.append(S('clipPath', { id: clipID }, S('rect', { x: margin.left, y: margin.top - 2, width: plotWidth, height: plotHeight + 4 })));
            const plot = S('g', { 'clip-path': 'url(#' + clipID + ')' });
            if (data.zeroLine) {
              plot.append(S('line', { class: 'zero-line', x1: margin.left, x2: width - margin.right, y1: Y(0), y2: Y(0) }));
            }
            // Each series as one band: along the maxima, back along the minima.
            for (const series of data.series) {
              const buckets = series.buckets.filter(b => typeof b.min === 'number' && typeof b.max === 'number');
              if (buckets.length === 0) continue;
              const upper = [], lower = [];
              for (const b of buckets) {
                const x1 = X(b.first), x2 = Math.max(X(b.last), x1 + 0.5);
                upper.push(x1.toFixed(2) + ',' + Y(b.max).toFixed(2), x2.toFixed(2) + ',' + Y(b.max).toFixed(2));
                lower.push(x1.toFixed(2) + ',' + Y(b.min).toFixed(2), x2.toFixed(2) + ',' + Y(b.min).toFixed(2));
              }
              lower.reverse();
              plot.append(S('path', {
                class: 'band series', 'data-series': series.label, stroke: series.color, fill: series.color,
                d: 'M' + upper.join('L') + 'L' + lower.join('L') + 'Z'
              }));
            }
            root.append(plot);

            // Marks on the step axis, each with its label.
            const marks = S('g', { class: 'marks' });
            // Labels run down beside their line, cut to the plot's height (the whole label is the mark's title).
            const maxLabel = Math.max(8, Math.floor((plotHeight - 8) / 6.2));
            for (const mark of data.marks || []) {
              if (mark.step < from || mark.step > to) continue;
              const x = X(mark.step);
              const kind = mark.kind === 'restart' ? 'restart' : 'schedule';
              const g = S('g', { class: 'mark mark-' + kind, 'data-step': mark.step },
                S('title', {}, mark.label + ' (step ' + mark.step + ')'),
                S('line', { x1: x, x2: x, y1: margin.top, y2: height - margin.bottom }),
                S('text', { x: 0, y: 0, transform: 'translate(' + (x + (kind === 'restart' ? 4 : -14)) + ',' + (margin.top + 4) + ') rotate(90)' },
                  mark.label.length > maxLabel ? mark.label.slice(0, maxLabel - 1) + '\u2026' : mark.label));
              marks.append(g);
            }
            for (const point of data.points || []) {
              const x = X(point.step), y = Y(point.value);
              marks.append(S('g', { class: 'mark mark-finding', 'data-step': point.step },
                S('title', {}, point.label),
                S('circle', { cx: x, cy: y, r: 4 }),
                S('text', { x: x + 6, y: y - 6 }, point.label)));
            }
            root.append(marks);

            // Legend when several series are drawn.
            if (data.series.length > 1) {
              const legend = S('g', { class: 'legend' });
              data.series.forEach((series, index) => {
                const x = margin.left + index * 170, y = 16;
                legend.append(S('rect', { x: x, y: y - 8, width: 12, height: 8, fill: series.color }));
                legend.append(S('text', { x: x + 16, y: y }, series.label.length > 24 ? series.label.slice(0, 23) + '\u2026' : series.label));
              });
              root.append(legend);
            }

            // Drag to zoom; hover read-out.
            const selection = S('rect', { class: 'selection', x: 0, y: margin.top, width: 0, height: plotHeight, visibility: 'hidden' });
            root.append(selection);
            const toStep = clientX => {
              const box = root.getBoundingClientRect();
              const px = (clientX - box.left) * width / box.width;
              const fraction = Math.min(1, Math.max(0, (px - margin.left) / plotWidth));
              return { px: Math.min(width - margin.right, Math.max(margin.left, px)), step: Math.round(from + fraction * (to - from)) };
            };
            let dragStart = null;
            root.addEventListener('mousedown', event => { dragStart = toStep(event.clientX); event.preventDefault(); });
            root.addEventListener('mousemove', event => {
              const at = toStep(event.clientX);
              if (dragStart) {
                selection.setAttribute('visibility', 'visible');
                selection.setAttribute('x', Math.min(dragStart.px, at.px));
                selection.setAttribute('width', Math.abs(at.px - dragStart.px));
              }
              if (options.onHover) options.onHover(at.step, current);
            });
            root.addEventListener('mouseleave', () => { dragStart = null; selection.setAttribute('visibility', 'hidden'); });
            root.addEventListener('mouseup', event => {
              if (!dragStart) return;
              const end = toStep(event.clientX), start = dragStart;
              dragStart = null;
              selection.setAttribute('visibility', 'hidden');
              if (Math.abs(end.px - start.px) > 5 && options.onZoom) {
                options.onZoom(Math.min(start.step, end.step), Math.max(start.step, end.step));
              }
            });
            container.replaceChildren(root);
          }

          return { draw, current: () => current };
        };

        """#
}
