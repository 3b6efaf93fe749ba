/** Test helpers: fixture cards as virtual cards, with counters in memory unless a store is given. */
import { X509Certificate } from "node:crypto";
import { findCardFixture, loadTestCa, type LoadedCard } from "@onshi-sim/jpki-testkit";
import { fromLoadedCard } from "@onshi-sim/card-sim";
import { VirtualMyNumberCard, type VirtualCardOptions } from "@onshi-sim/card-sim";

const loaded = new Map<string, Promise<LoadedCard>>();

export function loadFixture(id: string): Promise<LoadedCard> {
  const cached = loaded.get(id);
  if (cached) return cached;
  const p = findCardFixture(id);
  loaded.set(id, p);
  return p;
}

export async function virtualCard(id: string, options: VirtualCardOptions = {}): Promise<VirtualMyNumberCard> {
  return new VirtualMyNumberCard(fromLoadedCard(await loadFixture(id)), options);
}

export async function fixtureCa(): Promise<X509Certificate> {
  const ca = await loadTestCa();
  return new X509Certificate(ca.certificateDer);
}
