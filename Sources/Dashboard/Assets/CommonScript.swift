/// Helpers shared by the pages' scripts: building elements with text only (never
/// HTML), fetching the API, formatting numbers and times, and the live indicator.
enum CommonScript {
    static let js = #"""
        'use strict';
        // Every string from the ledger enters the page through el() or text nodes: as text,
        // never parsed as HTML.
        window.LR = (function () {
          function el(tag, attributes, ...children) {
            const node = document.createElement(tag);
            for (const [key, value] of Object.entries(attributes || {})) {
              if (value === undefined || value === null) continue;
              if (key === 'class') node.className = value;
              else node.setAttribute(key, String(value));
            }
            for (const child of children.flat()) {
              if (child === undefined || child === null) continue;
              node.append(child instanceof Node ? child : document.createTextNode(String(child)));
            }
            return node;
          }
          function svg(tag, attributes, ...children) {
            const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
            for (const [key, value] of Object.entries(attributes || {})) {
              if (value !== undefined && value !== null) node.setAttribute(key, String(value));
            }
            for (const child of children.flat()) {
              if (child === undefined || child === null) continue;
              node.append(child instanceof Node ? child : document.createTextNode(String(child)));
            }
            return node;
          }
          async function getJSON(url) {
            const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
            let body = null;
            try { body = await response.json(); } catch (e) { body = null; }
            if (!response.ok) {
              const message = body && body.error ? body.error : ('HTTP ' + response.status);
              const error = new Error(message);
              error.status = response.status;
              throw error;
            }
            return body;
          }
          function number(value) {
            if (value === null || value === undefined) return '';
            if (typeof value === 'string') return value;
            if (value === 0) return '0';
            const magnitude = Math.abs(value);
            if (magnitude >= 1e-3 && magnitude < 1e6) return String(parseFloat(value.toPrecision(7)));
            return value.toExponential(4).replace(/\.?0+e/, 'e');
          }
          function integer(value) {
            return Number(value).toLocaleString('en-US');
          }
          function ago(iso) {
            if (!iso) return '';
            const then = Date.parse(iso);
            if (isNaN(then)) return iso;
            const seconds = Math.max(0, Math.round((Date.now() - then) / 1000));
            if (seconds < 60) return seconds + ' s ago';
            if (seconds < 3600) return Math.round(seconds / 60) + ' min ago';
            if (seconds < 86400) return Math.round(seconds / 3600) + ' h ago';
            return Math.round(seconds / 86400) + ' d ago';
          }
          function scheduleSummary(json) {
            try {
              const parsed = JSON.parse(json);
              if (!parsed || typeof parsed.class_name !== 'string') return String(json);
              const config = parsed.config || {};
              const parts = Object.keys(config).filter(k => k !== 'name')
                .map(k => k + '=' + (typeof config[k] === 'object' ? JSON.stringify(config[k]) : String(config[k])));
              return parsed.class_name + '(' + parts.join(', ') + ')';
            } catch (e) {
              return String(json);
            }
          }
          function status(text) {
            return el('span', { class: 'status status-' + String(text).replace(/[^a-z?]/g, '') }, text);
          }
          function verdict(audit) {
            if (!audit) return el('span', { class: 'muted' }, 'running\u2026');
            if (audit.clean) return el('span', { class: 'verdict-clean', title: 'audited at step ' + audit.at_step + ', ' + audit.audited_at }, 'clean');
            return el('span', { class: 'verdict-findings', title: 'audited at step ' + audit.at_step + ', ' + audit.audited_at },
              audit.findings + (audit.findings === 1 ? ' finding' : ' findings'));
          }
          function runURL(name) {
            return '/runs/' + encodeURIComponent(name);
          }
          function apiURL(name, tail) {
            return '/api/runs/' + encodeURIComponent(name) + (tail || '');
          }
          function setLive(ok, text) {
            const live = document.getElementById('live');
            if (!live) return;
            live.className = 'live ' + (ok ? 'on' : 'off');
            live.textContent = text;
          }
          function showError(message) {
            const box = document.getElementById('error');
            if (!box) return;
            box.hidden = !message;
            box.textContent = message || '';
          }
          return { el, svg, getJSON, number, integer, ago, scheduleSummary, status, verdict, runURL, apiURL, setLive, showError };
        })();

        """#
}
