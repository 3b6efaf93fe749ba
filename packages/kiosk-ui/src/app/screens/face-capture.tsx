/** 顔認証: the camera's frames go to the agent until it decides; the PIN (or 目視) stays offered beside it. */
import { useEffect, useRef, useState } from "preact/hooks";
import type { SessionView } from "@onshi-sim/agent/protocol";
import { KIOSK } from "@onshi-sim/texts";
import type { AgentConnection } from "../agent-client.js";
import { Notice, type Tx } from "./common.js";

export function FaceCapture({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  const video = useRef<HTMLVideoElement>(null);
  const [cameraError, setCameraError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const viewRef = useRef(view);
  viewRef.current = view;

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | undefined;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    (async () => {
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
      while (!stopped) {
        const current = viewRef.current;
        if (current.phase !== "face") break;
        if (current.busy || v.videoWidth === 0) {
          await sleep(200);
          continue;
        }
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        canvas.getContext("2d")?.drawImage(v, 0, 0);
        const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, "image/jpeg", 0.85));
        if (!blob || stopped) break;
        setSending(true);
        const ack = await agent.send("session:face-frame", { sessionId: current.sessionId, image: new Uint8Array(await blob.arrayBuffer()) });
        setSending(false);
        if (!ack.ok && ack.error.code !== "busy") break;
        await sleep(900);
      }
    })();
    return () => {
      stopped = true;
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [view.sessionId]);

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
          <video ref={video} muted playsInline autoPlay aria-label={tx(KIOSK.faceTitle)} />
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
