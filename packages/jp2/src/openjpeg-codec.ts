/**
 * The OpenJPEG WebAssembly codec (`@cornerstonejs/codec-openjpeg`, the combined encoder+decoder build, exported as
 * `./wasmjs`; typed locally: the package ships no declarations). Created lazily on first use and reused; if it ever
 * aborts it is dropped and created again on the next call. It reports failures only on stdout, so its [ERROR] and
 * [WARNING] lines are collected per operation and put into the Error thrown.
 */
import { createRequire } from "node:module";


export interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}
interface EmbindObject {
  delete(): void;
}
interface J2KEncoder extends EmbindObject {
  getDecodedBuffer(frameInfo: FrameInfo): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  setDecompositions(n: number): void;
  setQuality(lossless: boolean, layers: number): void;
  setCompressionRatio(layer: number, ratio: number): void;
  encode(): void;
}
interface J2KDecoder extends EmbindObject {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array | Uint8ClampedArray;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getColorSpace(): number;
}
export interface OpenJpegModule {
  J2KEncoder: new () => J2KEncoder;
  J2KDecoder: new () => J2KDecoder;
  getVersion(): string;
}
type OpenJpegFactory = (moduleArg?: { print?: (s: string) => void; printErr?: (s: string) => void }) => Promise<OpenJpegModule>;

/** Messages the codec printed during the current operation ([ERROR]/[WARNING] lines only). */
let codecLog: string[] = [];
let codecPromise: Promise<OpenJpegModule> | undefined;

function collect(line: string): void {
  if (/\[(ERROR|WARNING)\]/.test(line) && codecLog.length < 50) codecLog.push(line.trim());
}

export function codec(): Promise<OpenJpegModule> {
  if (!codecPromise) {
    const require = createRequire(import.meta.url);
    let factory: OpenJpegFactory;
    try {
      factory = require("@cornerstonejs/codec-openjpeg/wasmjs") as OpenJpegFactory;
    } catch (err) {
      return Promise.reject(new Error(`JPEG 2000 codec not installed (@cornerstonejs/codec-openjpeg): ${String(err)}`, { cause: err }));
    }
    codecPromise = factory({ print: collect, printErr: collect }).catch((err: unknown) => {
      codecPromise = undefined;
      throw new Error(`JPEG 2000 codec failed to initialise: ${errorText(err)}`, { cause: err });
    });
  }
  return codecPromise;
}

/** Runs one synchronous codec operation; maps thrown C++ exceptions / aborts to a readable Error. */
export function runCodec<T>(what: string, op: () => T): T {
  codecLog = [];
  try {
    return op();
  } catch (err) {
    // A WebAssembly.RuntimeError (abort, OOM) leaves the module unusable: start afresh next time.
    if (err instanceof Error && err.name === "RuntimeError") codecPromise = undefined;
    throw new Error(`${what} failed: ${codecMessages() || errorText(err)}`, { cause: err });
  }
}

export function codecMessages(): string {
  return codecLog.map((l) => l.replace(/^\[(ERROR|WARNING)\]\s*/, "")).join("; ");
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === "number") return `codec exception (${err})`;
  return String(err);
}
