// node:domain — Node's deprecated error domains, for the old packages that still use them.
// An emitter added to a domain sends its unhandled 'error' events to the domain, and `run`,
// `bind` and `intercept` hand errors thrown by the function they wrap to the domain's 'error'
// listeners. Errors thrown later by callbacks the domain did not wrap are not caught: Edge
// has no process-wide uncaught-exception hook to hang them on.

import { EventEmitter } from "node:events";

let active = null;

class Domain extends EventEmitter {
  constructor() {
    super();
    this.members = [];
    this._previous = null;
  }

  add(emitter) {
    if (emitter.domain === this) return;
    if (emitter.domain instanceof Domain) emitter.domain.remove(emitter);
    emitter.domain = this;
    this.members.push(emitter);
  }

  remove(emitter) {
    emitter.domain = null;
    const at = this.members.indexOf(emitter);
    if (at !== -1) this.members.splice(at, 1);
  }

  enter() {
    this._previous = active;
    active = this;
  }

  exit() {
    active = this._previous;
    this._previous = null;
  }

  run(fn, ...args) {
    this.enter();
    try {
      return fn.apply(this, args);
    } catch (err) {
      this._report(err);
      return undefined;
    } finally {
      this.exit();
    }
  }

  bind(fn) {
    const domain = this;
    const bound = function (...args) {
      return domain.run(() => fn.apply(this, args));
    };
    bound.domain = this;
    return bound;
  }

  intercept(fn) {
    const domain = this;
    const intercepted = function (err, ...args) {
      if (err) {
        domain._report(err, false);
        return undefined;
      }
      return domain.run(() => fn.apply(this, args));
    };
    intercepted.domain = this;
    return intercepted;
  }

  dispose() {
    for (const member of this.members.slice()) this.remove(member);
    if (active === this) this.exit();
  }

  _report(err, thrown = true) {
    if (err !== null && typeof err === "object") {
      err.domain = this;
      err.domainThrown = thrown;
    }
    // Without listeners the error goes on as if there were no domain.
    if (this.listenerCount("error") === 0) throw err;
    this.emit("error", err);
  }
}

function create() {
  return new Domain();
}

const domain = {
  Domain,
  create,
  createDomain: create,
  get active() {
    return active;
  },
};

export default domain;
export { Domain, create, create as createDomain };
