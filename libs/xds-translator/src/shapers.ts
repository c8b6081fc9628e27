// Which plugins shaped which Envoy message, so a message that fails encoding can name them. A hook gets the message
// behind a proxy that notes the plugin when the hook writes to the message or reaches into one of its nested
// objects (which it may change in place): cheap when a hook leaves the message alone, which most hooks do.
import type { EnvoyMessage } from '@gatehouse/plugin-sdk';

export class Shapers {
  private readonly by = new WeakMap<object, string[]>();

  /** Plugins (names, in the order they ran) that shaped `msg`. */
  of(msg: object): readonly string[] {
    return this.by.get(msg) ?? NONE;
  }

  /** Whether `msg` went through hooks (shaped or not), i.e. whether `of(msg)` is its whole answer. */
  knows(msg: object): boolean {
    return this.by.has(msg);
  }

  add(msg: object, plugin: string): void {
    const list = this.by.get(msg);
    if (!list) this.by.set(msg, [plugin]);
    else if (!list.includes(plugin)) list.push(plugin);
  }

  /** `to` (a copy of `from`, e.g. a cluster given a client certificate) was shaped by the same plugins. */
  copy(from: object, to: object): void {
    const list = this.by.get(from);
    if (list) this.by.set(to, [...list]);
  }

  /**
   * `msg` behind one proxy for all the hooks that shape it: `as(plugin)` gives it to the next plugin, which is recorded
   * as a shaper on its first write or nested read.
   */
  watch(msg: EnvoyMessage): { as(plugin: string): EnvoyMessage } {
    let plugin = '';
    let noted = true;
    if (!this.by.has(msg)) this.by.set(msg, []);
    const note = () => {
      if (!noted) this.add(msg, plugin);
      noted = true;
    };
    const proxy = new Proxy(msg, {
      set: (t, k, v) => (note(), Reflect.set(t, k, v)),
      deleteProperty: (t, k) => (note(), Reflect.deleteProperty(t, k)),
      defineProperty: (t, k, d) => (note(), Reflect.defineProperty(t, k, d)),
      get: (t, k) => {
        const v: unknown = Reflect.get(t, k);
        if (v !== null && typeof v === 'object') note();
        return v;
      },
    });
    return {
      as(next) {
        plugin = next;
        noted = false;
        return proxy;
      },
    };
  }
}

const NONE: readonly string[] = Object.freeze([]);
