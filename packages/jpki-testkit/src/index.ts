/** @onshi-sim/fixtures: the fictional people's cards, the JPKI test CA and the face images. */
export { createTestCa, loadTestCa, testCaExists, TEST_CA_SUBJECT, type TestCa } from "./ca.js";
export { defaultValidity, DEFAULT_ATR, generateCard, nthBirthdayAfter, runNewCardCli, type NewCardSpec } from "./generate-card.js";
export { findCardFixture, loadCardFixture, loadCardFixtures, type LoadedCard } from "./load.js";
export { fictionalMyNumber, isValidMyNumber, myNumberCheckDigit } from "./my-number.js";
export { CA_DIR, CARDS_DIR, DEVICES_DIR, FACES_DIR, FIXTURES_ROOT, INSURANCE_DIR } from "./paths.js";
export { CardFixtureSchema, FixtureError, FIXTURE_SCHEMA_VERSION, parseCardFixture, type CardFixture } from "./schema.js";
export { buildCertificate, derToPem, jstEndOfDay, jstStartOfDay, pemToDer, type CertificateSpec, type DistinguishedName } from "./x509.js";
export { generatePhone, type NewPhoneSpec } from "./generate-phone.js";
export { findPhoneFixture, loadPhoneFixture, loadPhoneFixtures, type LoadedPhone } from "./phone-load.js";
export { isPhoneId, parsePhoneFixture, PHONE_ID_PATTERN, PhoneFixtureSchema, type PhoneFixture } from "./phone-schema.js";
export * from "./fake-camera.js";
