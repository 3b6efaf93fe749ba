/**
 * The virtual smartphone fixture (fixtures/cards/phone-android-*.json, phone-iphone-*.json): a JPKI token on a
 * phone, linked to one card (and so to that card's person), with its own スマホ用利用者証明用電子証明書 from the
 * test CA. Android keeps a 4-digit PIN typed on the reader; an iPhone has none (the owner authenticates on the
 * phone). Strict like the card schema: an unknown field is an error.
 */
import { CARD_PIN_PATTERN } from "@onshi-sim/apdu";
import { z } from "zod";
import { FIXTURE_SCHEMA_VERSION, FixtureError, isoDate, pem } from "./schema.js";

/** A phone fixture's id says which kind of phone it is. */
export const PHONE_ID_PATTERN = /^phone-(android|iphone)(-[a-z0-9]+)+$/;
export const isPhoneId = (id: string): boolean => /^phone-(android|iphone)-/.test(id);


export const PhoneFixtureSchema = z
  .strictObject({
    $comment: z.string().optional(),
    schemaVersion: z.literal(FIXTURE_SCHEMA_VERSION),
    id: z.string().regex(PHONE_ID_PATTERN, "must be phone-android-… or phone-iphone-…"),
    label: z.string().min(1),
    demonstrates: z.string().min(1),
    os: z.enum(["android", "iphone"]),
    /** The card this phone's マイナンバーカード function was set up from (its person is the phone's person). */
    cardId: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    /**
     * Whose phone it is, when not the card holder's: one person's card per phone, and a child's card cannot go
     * on a parent's phone (REFERENCE §6 [R]). A phone whose owner differs from its card's person is refused at
     * the kiosk (`phone-other-person`). Default: the card's person.
     */
    ownerPersonId: z.string().regex(/^P\d{4}$/).optional(),
    atr: z.string().regex(/^([0-9A-F]{2}){2,33}$/, "must be upper-case hex, 2–33 bytes"),
    profile: z.strictObject({ blockedSw: z.enum(["6984", "6983"]) }),
    /** Android: the phone certificate's own 4-digit PIN; iPhone: null (no PIN on the reader). */
    pin: z.string().regex(CARD_PIN_PATTERN, "must be 4 digits").nullable(),
    retries: z.strictObject({ userAuth: z.number().int().min(0).max(3) }),
    certificate: z.strictObject({
      notBefore: isoDate,
      notAfter: isoDate,
      userAuth: pem("CERTIFICATE"),
      userAuthKey: pem("PRIVATE KEY"),
    }),
  })
  .superRefine((f, ctx) => {
    if (!f.id.startsWith(`phone-${f.os}-`)) ctx.addIssue({ code: "custom", path: ["id"], message: `must start with phone-${f.os}- (os is ${f.os})` });
    if (f.os === "android" && f.pin === null) ctx.addIssue({ code: "custom", path: ["pin"], message: "an Android phone certificate has a 4-digit PIN" });
    if (f.os === "iphone" && f.pin !== null) ctx.addIssue({ code: "custom", path: ["pin"], message: "an iPhone takes no PIN on the reader: must be null" });
    if (f.os === "iphone" && f.retries.userAuth !== 3) ctx.addIssue({ code: "custom", path: ["retries", "userAuth"], message: "an iPhone has no PIN: keep the counter at 3" });
    if (f.certificate.notAfter <= f.certificate.notBefore) ctx.addIssue({ code: "custom", path: ["certificate", "notAfter"], message: "must be after certificate.notBefore" });
  });

export type PhoneFixture = z.infer<typeof PhoneFixtureSchema>;

export function parsePhoneFixture(file: string, json: unknown): PhoneFixture {
  const r = PhoneFixtureSchema.safeParse(json);
  if (r.success) return r.data;
  const [first, ...rest] = r.error.issues;
  const more = rest.length ? ` (and ${rest.length} more)` : "";
  throw new FixtureError(file, (first?.path ?? []).map(String).join("."), `${first?.message ?? "invalid"}${more}`);
}
