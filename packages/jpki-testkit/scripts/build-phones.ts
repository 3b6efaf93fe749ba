/**
 * Rebuilds the committed virtual smartphones in fixtures/cards/phone-*.json (new keys and certificates each
 * time; the server links them by the serials it reads from these files). Run after build-cards.ts when the
 * cards were rebuilt.   npx tsx packages/jpki-testkit/scripts/build-phones.ts
 */
import { generatePhone, type NewPhoneSpec } from "../src/generate-phone.js";

export const CANONICAL_PHONES: NewPhoneSpec[] = [
  {
    id: "phone-android-yamada-taro", os: "android", cardId: "yamada-taro", issuedOn: "2025-10-01",
    label: "山田 太郎 — Android スマホ", demonstrates: "Android マイナ保険証 (since 2025-09-19): the phone's own 4-digit PIN 5678 typed on the reader, then the phone held over the phone reader → 資格有効.",
  },
  {
    id: "phone-iphone-yamada-taro", os: "iphone", cardId: "yamada-taro", issuedOn: "2025-07-01",
    label: "山田 太郎 — iPhone", demonstrates: "iPhone マイナンバーカード (since 2025-06-24): no PIN on the reader; the owner authenticates on the phone (Face ID), then holds it over the phone reader.",
  },
  {
    id: "phone-android-pin-locked", os: "android", cardId: "pin-locked", issuedOn: "2025-10-01", triesLeft: 0,
    label: "田中 一郎 — Android PIN ロック", demonstrates: "An Android phone whose own PIN is locked (69 84): the phone cannot be used; the card (face or 目視) still can.",
  },
  {
    id: "phone-android-cert-expired", os: "android", cardId: "cert-expired", issuedOn: "2025-10-01",
    label: "木下 誠司 — Android 証明書期限切れ", demonstrates: "The phone certificate ended with the card's certificate (2026-09-30): no 3-month grace for a phone (E114 at once); the card still works in its grace.",
  },
  {
    id: "phone-iphone-family-child", os: "iphone", cardId: "family-child", ownerPersonId: "P0001", issuedOn: "2025-07-01",
    label: "山田 さくら（子）のカード — 親の iPhone", demonstrates: "A child's card on the parent's (P0001) iPhone: one person's card per phone, so the kiosk refuses it (phone-other-person).",
  },
];

for (const spec of CANONICAL_PHONES) {
  const phone = await generatePhone(spec);
  console.log(`${phone.fixture.id}: ${phone.fixture.os}, card ${phone.fixture.cardId}, certificate ${phone.fixture.certificate.notBefore} – ${phone.fixture.certificate.notAfter}, serial ${phone.certificateSerial}`);
}
