/** One settings-switchable QualificationPort: fixed settings changed with configure, or live ones read per call. */
import { describe, expect, it } from "vitest";
import { SwitchableQualification } from "../../src/qualification/switchable-qualification.js";

const FACILITY = "1311234567";
const NONCE = "A".repeat(43);

/** A fetch that records each card-path body and answers 400, which is all this test needs to see. */
function recordingFetch(): { fetch: typeof globalThis.fetch; bodies: Record<string, unknown>[] } {
  const bodies: Record<string, unknown>[] = [];
  const fetch: typeof globalThis.fetch = async (_url, init) => {
    bodies.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
    return new Response(JSON.stringify({ error: { code: "R002", message: "recorded" } }), { status: 400 });
  };
  return { fetch, bodies };
}

const settingsOf = (b: Record<string, unknown>) => [b.simulationDate ?? null, b.consentFlow ?? null];

describe("SwitchableQualification", () => {
  it("sends the settings in force at each call: configure replaces them", async () => {
    const { fetch, bodies } = recordingFetch();
    const q = new SwitchableQualification({ baseUrl: "http://127.0.0.1:1", medicalInstitutionCode: FACILITY, fetch });
    await q.confirmWithSignature(NONCE, new Uint8Array([1]), new Uint8Array([2])).catch(() => {});
    q.configure({ simulationDate: "20241001", consentFlow: "before-2024-10-07" });
    await q.confirmWithSignature(NONCE, new Uint8Array([1]), new Uint8Array([2])).catch(() => {});
    q.configure({});
    await q.confirmWithSignature(NONCE, new Uint8Array([1]), new Uint8Array([2])).catch(() => {});
    expect(bodies.map(settingsOf)).toEqual([
      [null, null],
      ["20241001", "before-2024-10-07"],
      [null, null],
    ]);
  });

  it("follows live settings (the trainer console's) read at every call; null is the server's default", async () => {
    const { fetch, bodies } = recordingFetch();
    let view: { simulationDate: string | null; consentFlow: "since-2024-10-07" | null } = { simulationDate: "20251201", consentFlow: null };
    const q = new SwitchableQualification({ baseUrl: "http://127.0.0.1:1", medicalInstitutionCode: FACILITY, fetch }, () => view);
    await q.confirmWithSignature(NONCE, new Uint8Array([1]), new Uint8Array([2])).catch(() => {});
    view = { simulationDate: null, consentFlow: "since-2024-10-07" };
    const refused = await q.confirmWithSignature(NONCE, new Uint8Array([1]), new Uint8Array([2])).catch((e: unknown) => e);
    expect(bodies.map(settingsOf)).toEqual([
      ["20251201", null],
      [null, "since-2024-10-07"],
    ]);
    expect(refused).toMatchObject({ name: "QualificationServerError", code: "server-error", status: 400, serverCode: "R002" });
  });
});
