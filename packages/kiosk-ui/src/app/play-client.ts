/**
 * The scenario player's state as pages follow it (GET /ui/play, polled): /trainer's
 * controls, /present, and the kiosk's cues (the PIN's digits filling in, the camera's face). A UI without a player
 * answers 404 and nothing is followed.
 */
import { useEffect, useState } from "preact/hooks";
import type { PlayCommand, PlayState } from "../server/play-port.js";

export type { PlayCommand, PlayState, PlayStep } from "../server/play-port.js";

let shared: { state: PlayState | null; listeners: Set<(s: PlayState | null) => void>; started: boolean } = { state: null, listeners: new Set(), started: false };

/**
 * Polled, not streamed: a browser keeps at most six connections per host, and a classroom opens /trainer, /present
 * (with its two mirrored pages) and the kiosk in one browser — held event streams would use them all up.
 */
function follow(): void {
  if (shared.started) return;
  shared.started = true;
  const poll = async (): Promise<void> => {
    const r = await fetch("/ui/play", { cache: "no-store" }).catch(() => undefined);
    if (r?.status === 404) return; // no player here: nothing to follow
    if (r?.ok) {
      const state = (await r.json()) as PlayState;
      if (!shared.state || state.seq !== shared.state.seq) {
        shared.state = state;
        for (const l of shared.listeners) l(state);
      }
    }
    setTimeout(() => void poll(), 300);
  };
  void poll();
}

/** The player's state, or null (no player, or not loaded yet). */
export function usePlay(): PlayState | null {
  const [state, setState] = useState<PlayState | null>(shared.state);
  useEffect(() => {
    follow();
    shared.listeners.add(setState);
    setState(shared.state);
    return () => {
      shared.listeners.delete(setState);
    };
  }, []);
  return state;
}

export async function sendPlay(command: PlayCommand): Promise<{ ok: boolean; message?: string }> {
  const r = await fetch("/ui/play", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(command) });
  if (r.ok) return { ok: true };
  const body = (await r.json().catch(() => ({}))) as { error?: { message?: string } };
  return { ok: false, message: body.error?.message ?? String(r.status) };
}

/** For tests of a page module alone. */
export function resetPlayForTests(): void {
  shared = { state: null, listeners: new Set(), started: false };
}
