/**
 * The scenario player's state as pages follow it (GET /ui/play, then the /ui/play/events stream): /trainer's
 * controls, /present, and the kiosk's cues (the PIN's digits filling in, the camera's face). A UI without a player
 * answers 404 and nothing is followed.
 */
import { useEffect, useState } from "preact/hooks";
import type { PlayCommand, PlayState } from "../server/play-port.js";

export type { PlayCommand, PlayState, PlayStep } from "../server/play-port.js";

let shared: { state: PlayState | null; listeners: Set<(s: PlayState | null) => void>; started: boolean } = { state: null, listeners: new Set(), started: false };

function follow(): void {
  if (shared.started) return;
  shared.started = true;
  void fetch("/ui/play", { cache: "no-store" }).then((r) => {
    if (!r.ok) return;
    const events = new EventSource("/ui/play/events");
    events.onmessage = (e) => {
      const state = JSON.parse(e.data as string) as PlayState;
      if (shared.state && state.seq < shared.state.seq && state.scenario?.name === shared.state.scenario?.name) return;
      shared.state = state;
      for (const l of shared.listeners) l(state);
    };
  });
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
