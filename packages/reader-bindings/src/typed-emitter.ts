import { EventEmitter } from "node:events";

/** An EventEmitter whose event names and listener arguments are checked by the compiler. */
export type EventMap = Record<string, unknown[]>;

export class TypedEmitter<E extends EventMap> {
  readonly #emitter = new EventEmitter();

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  protected emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    return this.#emitter.emit(event, ...args);
  }

  removeAllListeners(): this {
    this.#emitter.removeAllListeners();
    return this;
  }
}
