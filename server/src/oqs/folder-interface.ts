/**
 * The 連携アプリ stand-in: answers OQSsiquc01req_*.xml dropped into `req` with OQSsiquc01res_*.xml in `res`,
 * and writes OQSsiquc01res_face_*.xml into `face` after each completed kiosk session. fs.watch gives prompt
 * pick-up; a periodic rescan catches whatever the watcher misses (it can drop events). Nothing a request
 * file contains can stop the loop: unreadable requests get a SegmentOfResult 9 result and move to `error`.
 */
import { watch, type FSWatcher } from "node:fs";
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { OqsFolders } from "../config.js";
import type { XmlMsg } from "../results/result-schema.js";
import { encodeXmlMsg, type CharacterCode } from "./xml-codec.js";
import type { OqsProcessor } from "./oqs-processor.js";

export const REQUEST_FILE = /^OQSsiquc01req_(.+)\.xml$/i;

export interface FolderInterfaceOptions {
  readonly folders: OqsFolders;
  readonly processor: OqsProcessor;
  readonly rescanMs?: number;
  /** Files modified more recently than this are assumed still being written and picked up later. */
  readonly settleMs?: number;
  readonly faceCharacterCode?: CharacterCode;
  readonly log?: (line: string) => void;
}

/** Writes then renames, so a reader never sees half a file (the temporary name does not match res patterns). */
async function writeAtomically(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  await writeFile(tmp, bytes);
  await rename(tmp, join(dir, name));
}

export class OqsFolderInterface {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<string>();
  private readonly idle = new Set<() => void>();
  private stopped = true;
  private processedCount = 0;

  constructor(private readonly options: FolderInterfaceOptions) {}

  get folders(): OqsFolders {
    return this.options.folders;
  }

  get processed(): number {
    return this.processedCount;
  }

  async ensureFolders(): Promise<void> {
    const f = this.options.folders;
    await Promise.all([f.req, f.res, f.face, f.error].map((d) => mkdir(d, { recursive: true })));
  }

  async start(): Promise<void> {
    await this.ensureFolders();
    this.stopped = false;
    try {
      this.watcher = watch(this.options.folders.req, () => void this.scan());
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
    if (this.inFlight.size) await new Promise<void>((resolve) => this.idle.add(resolve));
  }

  /** Picks up every request file present now. Safe to call at any time; never throws. */
  async scan(): Promise<void> {
    if (this.stopped) return;
    let names: string[];
    try {
      names = await readdir(this.options.folders.req);
    } catch (e) {
      this.log(`cannot list ${this.options.folders.req}: ${(e as Error).message}`);
      return;
    }
    await Promise.all(names.filter((n) => REQUEST_FILE.test(n) && !this.inFlight.has(n)).map((n) => this.handle(n)));
  }

  private async handle(name: string): Promise<void> {
    this.inFlight.add(name);
    const path = join(this.options.folders.req, name);
    try {
      const st = await stat(path).catch(() => null);
      if (!st || !st.isFile()) return;
      if (Date.now() - st.mtimeMs < (this.options.settleMs ?? 50)) return; // the next scan takes it
      const bytes = await readFile(path);
      const outcome = await this.options.processor.process(bytes, "xml-folder");
      const suffix = REQUEST_FILE.exec(name)![1];
      await writeAtomically(this.options.folders.res, `OQSsiquc01res_${suffix}.xml`, outcome.bytes);
      if (outcome.malformed) await this.moveAside(path, name);
      else await unlink(path).catch(() => undefined);
      this.processedCount++;
    } catch (e) {
      this.log(`${name}: ${(e as Error).message}; moved to error`);
      await this.moveAside(path, name).catch(() => undefined);
    } finally {
      this.inFlight.delete(name);
      if (this.inFlight.size === 0) for (const resolve of this.idle) resolve(), this.idle.delete(resolve);
    }
  }

  private async moveAside(path: string, name: string): Promise<void> {
    const target = join(this.options.folders.error, name);
    const exists = await stat(target).then(() => true, () => false);
    await rename(path, exists ? join(this.options.folders.error, `${name}.${Date.now()}`) : target);
  }

  /** Writes the face-reader result of a completed kiosk session; returns the file name. */
  async writeFaceResult(msg: XmlMsg, confirmationId: string): Promise<string> {
    await mkdir(this.options.folders.face, { recursive: true });
    const name = `OQSsiquc01res_face_${msg.MessageHeader.ProcessExecutionTime}_${confirmationId}.xml`;
    const code = this.options.faceCharacterCode ?? "0";
    await writeAtomically(this.options.folders.face, name, encodeXmlMsg({ ...msg, MessageHeader: { ...msg.MessageHeader, CharacterCodeIdentifier: code } }, code));
    return name;
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => console.error(`onshi-sim server: oqs: ${l}`)))(line);
  }
}
