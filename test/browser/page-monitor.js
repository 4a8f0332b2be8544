// The browser tests' page monitor: a classic script every test page loads
// FIRST (before any module), from its own origin so a strict CSP allows it.
// It records, in the same way in every engine, what must fail a test:
//   - CSP violations (`securitypolicyviolation`),
//   - uncaught errors and unhandled rejections,
//   - resources that failed to load (<script>, <link>, <img> `error` events),
//   - console.error calls (and every console line, for the secret-leak checks),
// plus the values pages write into <progress> bars (to see them move).
// The tests read it back with `evaluate(() => window.__pageMonitor)`.
(function () {
  'use strict';
  if (window.__pageMonitor) return;
  var record = { violations: [], errors: [], consoleErrors: [], console: [], failedResources: [], progressWrites: [] };
  Object.defineProperty(window, '__pageMonitor', { value: record });

  function describe(value) {
    if (value instanceof Error) return value.name + ': ' + value.message + (value.stack ? '\n' + value.stack : '');
    if (typeof value === 'string') return value;
    try {
      return JSON.stringify(value);
    } catch (e) {
      return String(value);
    }
  }

  document.addEventListener('securitypolicyviolation', function (e) {
    record.violations.push({
      directive: e.violatedDirective,
      effective: e.effectiveDirective,
      blockedURI: e.blockedURI,
      source: e.sourceFile,
      line: e.lineNumber,
      sample: e.sample,
      disposition: e.disposition,
    });
  });

  window.addEventListener(
    'error',
    function (e) {
      var target = e.target;
      if (target && target !== window && target.tagName) {
        // A resource that failed to load (these `error` events do not bubble: caught in the capture phase).
        record.failedResources.push(target.tagName.toLowerCase() + ' ' + (target.src || target.href || ''));
        return;
      }
      record.errors.push('uncaught ' + (e.error ? describe(e.error) : e.message + ' at ' + e.filename + ':' + e.lineno));
    },
    true,
  );
  window.addEventListener('unhandledrejection', function (e) {
    record.errors.push('unhandled rejection: ' + describe(e.reason));
  });

  ['log', 'info', 'warn', 'error', 'debug'].forEach(function (level) {
    var original = console[level];
    console[level] = function () {
      var text = Array.prototype.map.call(arguments, describe).join(' ');
      record.console.push(level + ': ' + text);
      if (level === 'error') record.consoleErrors.push(text);
      return original.apply(this, arguments);
    };
  });

  var value = Object.getOwnPropertyDescriptor(HTMLProgressElement.prototype, 'value');
  if (value && value.set) {
    Object.defineProperty(HTMLProgressElement.prototype, 'value', {
      configurable: true,
      enumerable: value.enumerable,
      get: value.get,
      set: function (v) {
        record.progressWrites.push([this.id, Number(v)]);
        value.set.call(this, v);
      },
    });
  }
})();
