/** /trainer: which face the kiosk's camera sees — the real camera, a fixture face, or an uploaded photo. */
import { useEffect, useState } from "preact/hooks";
import { CLASSROOM as C, type Lang } from "@onshi-sim/texts";

interface CameraFaces {
  readonly faces: readonly { readonly name: string }[];
  readonly current: { readonly name: string; readonly source: "fixture" | "upload" } | null;
}

export function CameraFacePanel({ lang, say }: { lang: Lang; say: (text: string) => void }) {
  const [state, setState] = useState<CameraFaces>({ faces: [], current: null });
  const [preview, setPreview] = useState(0);
  useEffect(() => {
    void fetch("/ui/camera-faces").then(async (r) => r.ok && setState((await r.json()) as CameraFaces));
  }, []);
  const choose = async (body: unknown) => {
    const r = await fetch("/ui/camera-face", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const answer = (await r.json()) as CameraFaces & { error?: { message: string } };
    if (!r.ok) return say(C.cameraFaceRefused(answer.error?.message ?? String(r.status))[lang]);
    setState(answer);
    setPreview((n) => n + 1);
    say(answer.current ? C.cameraFaceSet(answer.current.name)[lang] : C.cameraFaceReal[lang]);
  };
  return (
    <div class="panel" data-panel="camera-face">
      <h2>{C.cameraFace[lang]}</h2>
      <div class="row">
        <label>
          {C.cameraFace[lang]}
          <select
            name="cameraFace"
            value={state.current?.source === "fixture" ? state.current.name : state.current ? "__upload" : ""}
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              if (v !== "__upload") void choose({ face: v || null });
            }}
          >
            <option value="">{C.realCamera[lang]}</option>
            {state.faces.map((f) => (
              <option value={f.name} key={f.name}>
                {f.name}
              </option>
            ))}
            {state.current?.source === "upload" && <option value="__upload">{state.current.name}</option>}
          </select>
        </label>
        <label>
          {C.uploadPhoto[lang]}
          <input
            type="file"
            name="cameraFaceUpload"
            accept="image/jpeg,image/png"
            onChange={async (e) => {
              const file = (e.target as HTMLInputElement).files?.[0];
              if (!file) return;
              if (file.size > 2 * 1024 * 1024) return say(C.cameraFaceRefused("> 2 MB")[lang]);
              const bytes = new Uint8Array(await file.arrayBuffer());
              let binary = "";
              for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
              await choose({ image: btoa(binary), name: file.name });
            }}
          />
        </label>
        {state.current && <img class="camera-face-preview" src={`/ui/camera-face/image?v=${preview}`} alt={state.current.name} />}
      </div>
    </div>
  );
}
