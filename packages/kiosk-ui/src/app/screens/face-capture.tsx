/**
 * 顔認証: the camera's frames go to the agent until it decides; the PIN (or 目視) stays offered beside it. When the
 * trainer chose the camera's face on /trainer (GET /ui/camera-face/image answers), that image is what the camera
 * sees: shown in the camera's place and sent as the frames.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { SessionView } from "@onshi-sim/agent/protocol";
import { KIOSK } from "@onshi-sim/texts";
import type { AgentConnection } from "../agent-client.js";
import { Notice, type Tx } from "./common.js";
import { usePlay } from "../play-client.js";

export function FaceCapture({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  const video = useRef<HTMLVideoElement>(null);
  const [cameraError, setCameraError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [still, setStill] = useState<string | null>(null);
  const viewRef = useRef(view);
  viewRef.current = view;
  // A scenario played on /trainer presents the face itself (the step's image, through the agent): this screen
  // shows that image in the camera's place and sends nothing of its own.
  const play = usePlay();
  // A mirror of the kiosk (on /present) shows the session and sends nothing.
  const played = play?.running === true || new URLSearchParams(location.search).has("mirror");
  const cueAt = play?.cue?.kind === "face" ? play.cue.at : null;

  useEffect(() => {
    if (played) return;
    let stopped = false;
    let stream: MediaStream | undefined;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let stillUrl: string | undefined;
    /** Sends `frame()` until the agent decides (or the screen changes). */
    const sendFrames = async (frame: () => Promise<Uint8Array | null>) => {
      while (!stopped) {
        const current = viewRef.current;
        if (current.phase !== "face") break;
        if (current.busy) {
          await sleep(200);
          continue;
        }
        const image = await frame();
        if (!image || stopped) break;
        setSending(true);
        const ack = await agent.send("session:face-frame", { sessionId: current.sessionId, image });
        setSending(false);
        if (!ack.ok && ack.error.code !== "busy") break;
        await sleep(900);
      }
    };
    (async () => {
      const chosen = await fetch("/ui/camera-face/image", { cache: "no-store" }).catch(() => undefined);
      if (chosen?.ok) {
        const bytes = new Uint8Array(await chosen.arrayBuffer());
        if (stopped) return;
        stillUrl = URL.createObjectURL(new Blob([bytes], { type: chosen.headers.get("content-type") ?? "image/jpeg" }));
        setStill(stillUrl);
        await sleep(600); // as with the camera: the patient settles in the frame
        return sendFrames(async () => bytes);
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, facingMode: "user" }, audio: false });
      } catch (e) {
        setCameraError((e as Error).message || "getUserMedia");
        return;
      }
      if (stopped) return stream.getTracks().forEach((tr) => tr.stop());
      const v = video.current;
      if (!v) return;
      v.srcObject = stream;
      await v.play().catch(() => {});
      await sleep(600); // let the patient settle in the frame
      const canvas = document.createElement("canvas");
      await sendFrames(async () => {
        while (v.videoWidth === 0 && !stopped) await sleep(200);
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        canvas.getContext("2d")?.drawImage(v, 0, 0);
        const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, "image/jpeg", 0.85));
        return blob ? new Uint8Array(await blob.arrayBuffer()) : null;
      });
    })();
    return () => {
      stopped = true;
      if (stillUrl) URL.revokeObjectURL(stillUrl);
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [view.sessionId, played]);

  const face = view.face;
  const status = cameraError ? tx(KIOSK.noCamera) : view.busy || sending ? tx(KIOSK.faceChecking) : face?.referenceReady ? tx(KIOSK.faceShooting) : tx(KIOSK.facePreparing);
  const attempts = face?.attempts ?? 0;
  const max = face?.maxFailures ?? 3;
  return (
    <section class="screen" data-screen="face">
      <h1>{tx(KIOSK.faceTitle)}</h1>
      <p class="lead">{tx(KIOSK.faceHint)}</p>
      {view.error && view.error.code.startsWith("face-") && <Notice view={view} tx={tx} />}
      <div class="face-row">
        <div class="camera">
          {played ? (
            cueAt !== null ? <img src={`/ui/camera-face/image?at=${cueAt}`} alt={tx(KIOSK.faceTitle)} data-camera-face="played" /> : null
          ) : still ? <img src={still} alt={tx(KIOSK.faceTitle)} data-camera-face="chosen" /> : <video ref={video} muted playsInline autoPlay aria-label={tx(KIOSK.faceTitle)} />}
          <div class="camera-guide" aria-hidden="true" />
        </div>
        <div class="face-status">
          <p class="face-step" role="status" data-face-status={cameraError ? "no-camera" : view.busy || sending ? "checking" : "shooting"}>
            {!cameraError && <span class="spinner small" aria-hidden="true" />}
            {status}
          </p>
          <progress max={max} value={Math.min(face?.failures ?? 0, max)} aria-label={tx(KIOSK.faceAttempt(attempts + 1, max))} />
          <p class="note">{tx(KIOSK.faceAttempt(Math.max(1, attempts + (view.busy ? 1 : 0)), max))}</p>
          {view.methods.includes("pin") && (
            <button type="button" class="btn btn-secondary" disabled={view.busy} onClick={() => void agent.send("session:choose-method", { sessionId: view.sessionId, method: "pin" })}>
              {tx(KIOSK.switchToPin)}
            </button>
          )}
          {view.methods.includes("visual") && (
            <button type="button" class="btn btn-secondary" disabled={view.busy} onClick={() => void agent.send("session:choose-method", { sessionId: view.sessionId, method: "visual" })}>
              {tx(KIOSK.visual)}
            </button>
          )}
        </div>
      </div>
    </section>
  );
}
