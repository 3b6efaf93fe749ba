/**
 * The 連携アプリ stand-in: answers `<kind>req_*.xml` dropped into `req` (file-kinds.ts: the single lookup,
 * 一括照会, 照会番号, 薬剤・特定健診情報) with `<kind>res_*.xml` (or .pdf) in `res`, and writes OQSsiquc01res_face_*.xml into `face` after each completed kiosk session. fs.watch gives prompt
 * pick-up; a periodic rescan catches whatever the watcher misses (it can drop events).
 *
 * Nothing a request file is or contains can stop the loop or be lost:
 * - a file is taken only once its size and mtime have not changed over a quiet period (a writer may pause);
 * - symlinks, FIFOs, devices and files with other hard links are refused unread (lstat, then open with
 *   O_NOFOLLOW|O_NONBLOCK and fstat the descriptor, so a swap in between is caught too), as are files over the
 *   HTTP body limit: they get a SegmentOfResult 9 result and move to `error`, as unreadable requests do;
 * - a request whose answer cannot be written (full disk, …) stays in `req` and is retried with back-off;
 * - temporary answer files a killed process left behind are removed at start;
 * - a big batch is worked through a few files at a time, so the HTTP API keeps its turns of the event loop.
 */
import { constants, watch, type FSWatcher, type Stats } from "node:fs";
import { lstat, mkdir, open, readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { BODY_LIMIT_BYTES, type OqsFolders } from "../config.js";
import type { XmlMsg } from "../results/result-schema.js";
import { encodeXmlMsg, type CharacterCode } from "./xml-codec.js";
import { LoopBudget, type LoopBudgetOptions } from "./loop-budget.js";
import type { OqsOutcome, OqsProcessor } from "./oqs-processor.js";
import { answerName, parseRequestName, REQUEST_FILE, type RequestKind } from "./file-kinds.js";
import { errorCode, moveAside, notPlainFile, removeStaleTemps, statKey, writeAtomically } from "./request-files.js";

export { REQUEST_FILE } from "./file-kinds.js";

const DEFAULT_QUIET_MS = 2000;
const DEFAULT_CONCURRENCY = 4;
/** Files looked at (lstat) at once during a scan: a listing of thousands must not flood the thread pool. */
const STAT_CHUNK = 64;
/** How soon a batch held back by a busy event loop looks again. */
const PUMP_RETRY_MS = 10;
/** Watcher events within this long share one scan. */
const WATCH_GATHER_MS = 50;
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** Enough of an oversized file to address its error result (the codec sniffs the first 4 KB). */
const HEAD_BYTES = 4096;

export interface FolderInterfaceOptions {
  readonly folders: OqsFolders;
  readonly processor: OqsProcessor;
  readonly rescanMs?: number;
  /** A request file is taken once its size and mtime have stayed the same for this long (default 2000 ms; 0: at once). */
  readonly quietMs?: number;
  /** Milliseconds, monotonic: the quiet period and the retry back-off are measured on it (tests drive it). */
  readonly clock?: () => number;
  /** Request files larger than this are refused unread (default the HTTP body limit). */
  readonly maxRequestBytes?: number;
  /** Requests handled at once (default 4): enough to overlap file I/O, few enough to leave the API its turns. */
  readonly concurrency?: number;
  /** How much of the event loop the batch may take before it waits (see LoopBudget). */
  readonly loopBudget?: LoopBudgetOptions;
  /** Writes a temporary answer file (default fs.writeFile; tests inject a full disk). */
  readonly writeFile?: (path: string, bytes: Uint8Array) => Promise<void>;
  readonly faceCharacterCode?: CharacterCode;
  readonly log?: (line: string) => void;
}


interface Seen {
  readonly key: string;
  readonly since: number;
}
/** An answer made but not written yet: written again on retry without looking the request up twice. */
interface Unwritten {
  readonly key: string;
  readonly outcome: OqsOutcome;
  readonly attempts: number;
  readonly retryAt: number;
}
interface Job {
  readonly name: string;
  readonly st: Stats;
  readonly done: () => void;
}

export class OqsFolderInterface {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private pumpLater: NodeJS.Timeout | null = null;
  private readonly budget: LoopBudget;
  private stopped = true;
  private processedCount = 0;
  /** Request files seen and waiting out their quiet period. */
  private readonly seen = new Map<string, Seen>();
  private readonly unwritten = new Map<string, Unwritten>();
  /** Answered but could not be removed from req (key as answered): not answered again while unchanged. */
  private readonly stuck = new Map<string, string>();
  /** Queued or being handled, by name: what a scan waits for. */
  private readonly work = new Map<string, Promise<void>>();
  private queue: Job[] = [];
  private active = 0;
  private readonly idle = new Set<() => void>();
  /** Scans run one at a time; calls made while one runs share the next one. */
  private lastScan: Promise<unknown> = Promise.resolve();
  /** The scan not started yet (callers share it), resolving once its jobs are handled. */
  private nextScan: Promise<void> | null = null;

  constructor(private readonly options: FolderInterfaceOptions) {
    this.budget = new LoopBudget(options.loopBudget);
  }

  get folders(): OqsFolders {
    return this.options.folders;
  }

  get processed(): number {
    return this.processedCount;
  }

  private get quietMs(): number {
    return this.options.quietMs ?? DEFAULT_QUIET_MS;
  }

  private now(): number {
    return this.options.clock ? this.options.clock() : performance.now();
  }

  async ensureFolders(): Promise<void> {
    const f = this.options.folders;
    await Promise.all([f.req, f.res, f.face, f.error].map((d) => mkdir(d, { recursive: true })));
  }

  async start(): Promise<void> {
    await this.ensureFolders();
    await removeStaleTemps([this.options.folders.res, this.options.folders.face], (l) => this.log(l));
    this.stopped = false;
    try {
      this.watcher = watch(this.options.folders.req, () => this.scanSoon());
      this.watcher.on("error", (e) => this.log(`watcher error (rescan continues): ${e.message}`));
    } catch (e) {
      this.log(`fs.watch unavailable, relying on rescan: ${(e as Error).message}`);
    }
    this.timer = setInterval(() => void this.scan(), this.options.rescanMs ?? 500);
    this.timer.unref();
    await this.scan();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.soon) clearTimeout(this.soon);
    this.soon = null;
    if (this.pumpLater) clearTimeout(this.pumpLater);
    this.pumpLater = null;
    for (const job of this.queue.splice(0)) this.finish(job);
    if (this.active) await new Promise<void>((resolve) => this.idle.add(resolve));
  }

  /**
   * A watcher event: scan shortly. Events come one per file created, written or removed — thousands in a batch,
   * our own deletions included — and a scan lists the whole folder, so they are gathered into one scan per WATCH_GATHER_MS.
   */
  private scanSoon(): void {
    if (this.soon || this.stopped) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      void this.scan();
    }, WATCH_GATHER_MS);
  }

  /**
   * Looks at every request file present now and resolves once those ready to take have been handled (files
   * still in their quiet period are left for a later scan). Safe to call at any time; never throws.
   */
  scan(): Promise<void> {
    if (!this.nextScan) {
      // Only the listing is serialised: a scan does not wait for the previous one's jobs to be handled.
      const pass = this.lastScan
        .then(() => {
          this.nextScan = null;
          return this.look();
        })
        .catch((e: unknown) => {
          this.log(`scan failed (the next one retries): ${errorCode(e)}`);
          return [];
        });
      this.lastScan = pass;
      this.nextScan = pass.then((jobs) => Promise.all(jobs)).then(() => undefined);
    }
    return this.nextScan;
  }

  /** One pass over `req`: records what changed and queues what is ready; returns the jobs it waits for. */
  private async look(): Promise<Promise<void>[]> {
    if (this.stopped) return [];
    let names: string[];
    try {
      names = (await readdir(this.options.folders.req)).filter((n) => REQUEST_FILE.test(n));
    } catch (e) {
      this.log(`cannot list ${this.options.folders.req}: ${(e as Error).message}`);
      return [];
    }
    const present = new Set(names);
    for (const map of [this.seen, this.unwritten, this.stuck]) for (const name of map.keys()) if (!present.has(name)) map.delete(name);
    const waits: Promise<void>[] = [];
    for (let i = 0; i < names.length && !this.stopped; i += STAT_CHUNK) {
      await Promise.all(
        names.slice(i, i + STAT_CHUNK).map(async (name) => {
          const queued = this.work.get(name);
          if (queued) return void waits.push(queued);
          const st = await lstat(join(this.options.folders.req, name)).catch(() => null);
          if (st && this.isReady(name, st)) waits.push(this.enqueue(name, st));
        }),
      );
    }
    return waits;
  }

  private isReady(name: string, st: Stats): boolean {
    const key = statKey(st);
    const now = this.now();
    if (this.stuck.get(name) === key) return false;
    const unwritten = this.unwritten.get(name);
    if (unwritten?.key === key) return now >= unwritten.retryAt;
    if (unwritten) this.unwritten.delete(name); // replaced since: a new request
    if (!st.isFile() || st.nlink > 1) return true; // refused unread: nothing to wait for
    const seen = this.seen.get(name);
    if (seen?.key === key) return now - seen.since >= this.quietMs;
    this.seen.set(name, { key, since: now });
    return this.quietMs <= 0;
  }

  private enqueue(name: string, st: Stats): Promise<void> {
    const done = new Promise<void>((resolve) => this.queue.push({ name, st, done: resolve }));
    this.work.set(name, done);
    this.pump();
    return done;
  }

  private pump(): void {
    while (!this.stopped && this.active < (this.options.concurrency ?? DEFAULT_CONCURRENCY) && this.queue.length) {
      if (!this.budget.allows()) {
        // The event loop is busy (the API, most likely): look again shortly.
        this.pumpLater ??= setTimeout(() => {
          this.pumpLater = null;
          this.pump();
        }, PUMP_RETRY_MS);
        return;
      }
      const job = this.queue.shift()!;
      this.active++;
      void this.handle(job).finally(() => {
        this.active--;
        this.finish(job);
        if (this.active === 0) for (const resolve of this.idle) resolve(), this.idle.delete(resolve);
        // The next file on a fresh turn of the event loop: HTTP requests that arrived meanwhile go first.
        setImmediate(() => this.pump());
      });
    }
  }

  private finish(job: Job): void {
    this.work.delete(job.name);
    job.done();
  }

  private async handle({ name, st }: Job): Promise<void> {
    const path = join(this.options.folders.req, name);
    try {
      const key = statKey(st);
      const unwritten = this.unwritten.get(name);
      if (unwritten?.key === key) return await this.answer(name, path, key, unwritten.outcome, unwritten.attempts);
      const refused = notPlainFile(st);
      if (refused) return await this.answer(name, path, key, this.options.processor.refuse(`the request is ${refused}: refused unread`, new Uint8Array(0), "xml-folder"), 0);
      const read = await this.read(path, key, parseRequestName(name)!.kind);
      if (read === "changed") return void this.seen.delete(name); // a writer is still at it: watch it again
      await this.answer(name, path, key, read, 0);
    } catch (e) {
      // Gone meanwhile, or cannot be opened or read (EACCES, EMFILE…): left in req for a later scan, never lost.
      this.seen.delete(name);
      if (errorCode(e) !== "ENOENT") this.log(`${name}: ${errorCode(e)}; left in req`);
    }
  }

  /** Reads a request through a descriptor that cannot be a symlink, a FIFO or a device; at most the size limit. */
  private async read(path: string, key: string, kind: RequestKind): Promise<OqsOutcome | "changed"> {
    const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ELOOP") return "symlink" as const; // swapped for a symlink after the lstat
      throw e;
    });
    if (fh === "symlink") return this.options.processor.refuse("the request is a symbolic link: refused unread", new Uint8Array(0), "xml-folder");
    try {
      const st = await fh.stat();
      const refused = notPlainFile(st);
      if (refused) return this.options.processor.refuse(`the request is ${refused}: refused unread`, new Uint8Array(0), "xml-folder");
      if (statKey(st) !== key) return "changed";
      const limit = this.options.maxRequestBytes ?? BODY_LIMIT_BYTES;
      if (st.size > limit) {
        const head = await this.readBytes(fh, Math.min(HEAD_BYTES, st.size));
        return this.options.processor.refuse(`the request file is over the ${Math.floor(limit / 1024)} KB limit of the interface`, head, "xml-folder");
      }
      const bytes = await this.readBytes(fh, st.size);
      if (statKey(await fh.stat()) !== key) return "changed";
      return await this.options.processor.process(bytes, "xml-folder", kind);
    } finally {
      await fh.close();
    }
  }

  private async readBytes(fh: Awaited<ReturnType<typeof open>>, size: number): Promise<Uint8Array> {
    const buf = Buffer.alloc(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await fh.read(buf, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return buf.subarray(0, at);
  }

  /** Writes the answer, then deletes the request (or moves it to error); if the answer cannot be written, the request stays. */
  private async answer(name: string, path: string, key: string, outcome: OqsOutcome, attempts: number): Promise<void> {
    const { kind, suffix } = parseRequestName(name)!;
    try {
      await writeAtomically(this.options.folders.res, answerName(kind, suffix, outcome.extension ?? "xml"), outcome.bytes, this.options.writeFile);
    } catch (e) {
      const waitMs = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempts);
      this.unwritten.set(name, { key, outcome, attempts: attempts + 1, retryAt: this.now() + waitMs });
      this.log(`${name}: the answer cannot be written (${errorCode(e)}); the request stays in req, next try in ${waitMs / 1000} s`);
      return;
    }
    this.unwritten.delete(name);
    this.seen.delete(name);
    this.processedCount++;
    try {
      if (outcome.malformed) await moveAside(path, this.options.folders.error, name);
      else await unlink(path);
    } catch (e) {
      if (errorCode(e) === "ENOENT") return;
      this.stuck.set(name, key);
      this.log(`${name}: answered, but cannot be removed from req (${errorCode(e)}); it is not answered again until it changes`);
    }
  }

  /** Writes the face-reader result of a completed kiosk session; returns the file name. */
  async writeFaceResult(msg: XmlMsg, confirmationId: string): Promise<string> {
    await mkdir(this.options.folders.face, { recursive: true });
    const name = `OQSsiquc01res_face_${msg.MessageHeader.ProcessExecutionTime}_${confirmationId}.xml`;
    const code = this.options.faceCharacterCode ?? "0";
    await writeAtomically(this.options.folders.face, name, encodeXmlMsg({ ...msg, MessageHeader: { ...msg.MessageHeader, CharacterCodeIdentifier: code } }, code), this.options.writeFile);
    return name;
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => console.error(`onshi-sim server: oqs: ${l}`)))(line);
  }
}
