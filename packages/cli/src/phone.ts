/**
 * Virtual smartphones on the command line: `card list` shows them beside the cards, `card insert` puts them in a
 * reader like a card (slot 1 = the clinic's phone reader), and `phone auth <id>` is the owner authenticating on
 * the phone (Face ID on an iPhone) — seen by the inserted phone, in whichever process holds it.
 */
import { parseArgs } from "node:util";
import { findCardFixture, findPhoneFixture, isPhoneId, loadPhoneFixtures } from "@onshi-sim/jpki-testkit";
import { cardStateDir, CardStateError, FileCardStateStore, FileOwnerAuth, fromLoadedCard, fromLoadedPhone, OWNER_AUTH_DEFAULT_MS, readOwnerAuth, VirtualMyNumberCard, writeOwnerAuth } from "@onshi-sim/card-sim";
import { UsageError } from "./main.js";

/** A card or a phone by fixture id, claimed for this process (refused while another holds it). */
export async function openToken(id: string, holder: string): Promise<VirtualMyNumberCard> {
  const stateStore = new FileCardStateStore(cardStateDir());
  if (isPhoneId(id)) {
    const phone = await findPhoneFixture(id);
    return new VirtualMyNumberCard(fromLoadedPhone(phone), { stateStore, holder, ownerAuth: new FileOwnerAuth(cardStateDir(), id) });
  }
  return new VirtualMyNumberCard(fromLoadedCard(await findCardFixture(id)), { stateStore, holder });
}

/** The `card list` rows of the phones: id, PIN (Android), tries, owner-auth state, label. */
export async function phoneRows(): Promise<string[][]> {
  const store = new FileCardStateStore(cardStateDir());
  return (await loadPhoneFixtures()).map((p) => {
    const f = p.fixture;
    let left: number | string = f.retries.userAuth;
    try {
      left = store.load(f.id)?.retries.userAuth ?? left;
    } catch (e) {
      if (!(e instanceof CardStateError)) throw e;
      left = "?";
    }
    const auth = f.os === "iphone" ? ((readOwnerAuth(cardStateDir(), f.id)?.getTime() ?? 0) > Date.now() ? " (owner authenticated)" : "") : "";
    return [f.id, f.pin ?? "(on the phone)", f.os === "android" ? `${left}/3` : "-", "-", `${f.label} → ${f.cardId} (${p.personId}), certificate to ${f.certificate.notAfter}${auth}`];
  });
}

const PHONE_USAGE = "phone auth <phone-id> [--for <seconds>] | phone auth <phone-id> --off";

/** `onshi-sim phone auth <id> [--for S] [--off]`: the owner authenticates on the phone (or that lapses). */
export async function runPhoneCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "auth") throw new UsageError(sub ? `unknown phone command ${JSON.stringify(sub)}; ${PHONE_USAGE}` : `phone needs a command: ${PHONE_USAGE}`);
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { for: { type: "string" }, off: { type: "boolean", default: false } } });
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError(`phone auth needs one phone id; ${PHONE_USAGE}`);
  const phone = await findPhoneFixture(id);
  if (phone.fixture.os !== "iphone") throw new UsageError(`${id} is an Android phone: it takes its PIN on the reader; owner authentication is the iPhone's`);
  if (values.off) {
    writeOwnerAuth(cardStateDir(), id, null);
    process.stdout.write(`"${id}": owner not authenticated\n`);
    return 0;
  }
  const seconds = values.for === undefined ? OWNER_AUTH_DEFAULT_MS / 1000 : Number(values.for);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) throw new UsageError(`--for must be whole seconds from 1 to 3600, got ${JSON.stringify(values.for)}`);
  writeOwnerAuth(cardStateDir(), id, seconds * 1000);
  process.stdout.write(`"${id}": owner authenticated for ${seconds} s (one signature)\n`);
  return 0;
}
