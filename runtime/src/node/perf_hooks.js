// node:perf_hooks — the global `performance` (the Web API), and the few Node additions apps
// touch; observers never fire, as the runtime records no performance entries.

const performance = globalThis.performance;

class PerformanceObserver {
  constructor(callback) {
    this.callback = callback;
  }
  observe() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
  static get supportedEntryTypes() {
    return [];
  }
}

function monitorEventLoopDelay() {
  return { enable() {}, disable() {}, reset() {}, percentile: () => 0, min: 0, max: 0, mean: 0, stddev: 0, percentiles: new Map(), exceeds: 0 };
}

function createHistogram() {
  return monitorEventLoopDelay();
}

const constants = {};

export default { performance, PerformanceObserver, monitorEventLoopDelay, createHistogram, constants };
export { performance, PerformanceObserver, monitorEventLoopDelay, createHistogram, constants };
