/**
 * Playing a scenario on the live system, as the UI sees it: the PlayPort the UI server serves under /ui/play, and
 * the state every page follows (/trainer's controls, /present, the kiosk's keypad cues). The player itself lives
 * where the whole system is at hand (onshi-sim start, in the CLI) and is handed to createKioskUi; this layer only
 * defines what it must offer. Plain data: the words are the scenario's own (ja/en) and @onshi-sim/texts'.
 *
 *   GET  /ui/play            PlayState
 *   GET  /ui/play/events     text/event-stream: PlayState on every change
 *   POST /ui/play            JSON PlayCommand → PlayState (409 UI-PLAY when it cannot be done now)
 */
import type { DocumentSource } from "@onshi-sim/texts";
import { z } from "zod";

export interface LocalizedWords {
  readonly ja: string;
  readonly en: string;
}

export interface PlayStep {
  readonly do: string;
  readonly narration: LocalizedWords;
  readonly rule: (LocalizedWords & { readonly source: DocumentSource }) | null;
  /** What the step expects, as "key: value" lines (the scenario file's expect). */
  readonly expected: readonly string[];
  readonly status: "pending" | "playing" | "pass" | "fail" | "skipped";
  /** What the live system did (phase, error, validity…), once played. */
  readonly observed: string;
  readonly failures: readonly string[];
}

/** What the kiosk should show the class while the player acts (never a PIN: only how many digits). */
export type PlayCue =
  | { readonly kind: "pin"; readonly digits: number; readonly at: number }
  | { readonly kind: "face"; readonly image: string; readonly at: number }
  | { readonly kind: "consent"; readonly at: number };

export interface PlayState {
  /** Bumped on every change. */
  readonly seq: number;
  readonly scenario: { readonly name: string; readonly title: LocalizedWords; readonly summary: LocalizedWords; readonly date: string | null } | null;
  readonly steps: readonly PlayStep[];
  /** The step shown now (the next to play, or the one playing). -1 before the first. */
  readonly index: number;
  readonly running: boolean;
  readonly paused: boolean;
  readonly auto: boolean;
  readonly finished: boolean;
  /** Every step matched (once finished). */
  readonly ok: boolean | null;
  readonly error: string | null;
  readonly cue: PlayCue | null;
  /** Scenarios that can be played. */
  readonly catalogue: readonly { readonly name: string; readonly title: LocalizedWords }[];
}

export const PlayCommand = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("start"),
    scenario: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).max(100),
    auto: z.boolean().optional(),
    /** Auto-advance: the pause after each step (default the player's, a few seconds for the class to read). */
    gapMs: z.number().int().min(0).max(60_000).optional(),
  }),
  z.strictObject({ action: z.literal("next") }),
  z.strictObject({ action: z.literal("prev") }),
  z.strictObject({ action: z.literal("pause") }),
  z.strictObject({ action: z.literal("resume") }),
  z.strictObject({ action: z.literal("auto"), on: z.boolean() }),
  z.strictObject({ action: z.literal("stop") }),
]);
export type PlayCommand = z.infer<typeof PlayCommand>;

export class PlayRefused extends Error {
  override name = "PlayRefused";
}

export interface PlayPort {
  readonly state: PlayState;
  /** Carries out a command; throws PlayRefused when it cannot be done now (e.g. next while a step plays). */
  command(command: PlayCommand): Promise<PlayState>;
  onChange(listener: (state: PlayState) => void): () => void;
}
