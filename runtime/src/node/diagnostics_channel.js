// node:diagnostics_channel — named channels that libraries publish to and tools subscribe to;
// publishing to a channel nobody listens on costs a property read.

const channels = new Map();

class Channel {
  constructor(name) {
    this.name = name;
    this._subscribers = [];
  }

  get hasSubscribers() {
    return this._subscribers.length > 0;
  }

  subscribe(onMessage) {
    if (typeof onMessage !== "function") {
      const err = new TypeError(`The "subscription" argument must be of type function. Received ${typeof onMessage}`);
      err.code = "ERR_INVALID_ARG_TYPE";
      throw err;
    }
    this._subscribers = [...this._subscribers, onMessage];
  }

  unsubscribe(onMessage) {
    const index = this._subscribers.indexOf(onMessage);
    if (index === -1) return false;
    this._subscribers = this._subscribers.filter((_, i) => i !== index);
    return true;
  }

  publish(message) {
    for (const subscriber of this._subscribers) {
      try {
        subscriber(message, this.name);
      } catch (err) {
        // A failing subscriber must not break the publisher: report it on its own.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  runStores(data, fn, thisArg, ...args) {
    this.publish(data);
    return Reflect.apply(fn, thisArg, args);
  }
}

function channel(name) {
  let ch = channels.get(name);
  if (ch === undefined) {
    ch = new Channel(name);
    channels.set(name, ch);
  }
  return ch;
}

function hasSubscribers(name) {
  return channels.get(name)?.hasSubscribers ?? false;
}

function subscribe(name, onMessage) {
  channel(name).subscribe(onMessage);
}

function unsubscribe(name, onMessage) {
  return channel(name).unsubscribe(onMessage);
}

// Start/end/asyncStart/asyncEnd/error channels around a traced operation.
function tracingChannel(nameOrChannels) {
  const ch = typeof nameOrChannels === "string"
    ? Object.fromEntries(["start", "end", "asyncStart", "asyncEnd", "error"].map((e) => [e, channel(`tracing:${nameOrChannels}:${e}`)]))
    : nameOrChannels;
  return {
    ...ch,
    get hasSubscribers() {
      return Object.values(ch).some((c) => c.hasSubscribers);
    },
    subscribe(handlers) {
      for (const [k, fn] of Object.entries(handlers)) ch[k]?.subscribe(fn);
    },
    unsubscribe(handlers) {
      let all = true;
      for (const [k, fn] of Object.entries(handlers)) all = (ch[k]?.unsubscribe(fn) ?? false) && all;
      return all;
    },
    traceSync(fn, context = {}, thisArg, ...args) {
      ch.start.publish(context);
      try {
        const result = Reflect.apply(fn, thisArg, args);
        context.result = result;
        return result;
      } catch (err) {
        context.error = err;
        ch.error.publish(context);
        throw err;
      } finally {
        ch.end.publish(context);
      }
    },
    async tracePromise(fn, context = {}, thisArg, ...args) {
      ch.start.publish(context);
      try {
        const result = await Reflect.apply(fn, thisArg, args);
        context.result = result;
        ch.asyncStart.publish(context);
        ch.asyncEnd.publish(context);
        return result;
      } catch (err) {
        context.error = err;
        ch.error.publish(context);
        throw err;
      } finally {
        ch.end.publish(context);
      }
    },
  };
}

export default { channel, hasSubscribers, subscribe, unsubscribe, tracingChannel, Channel };
export { channel, hasSubscribers, subscribe, unsubscribe, tracingChannel, Channel };
