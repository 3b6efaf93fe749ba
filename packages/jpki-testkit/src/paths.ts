/** Where the fixture files live, from this package's own location (works from any working directory). */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's fixtures/ folder: data only (cards, CA, devices, faces, insurance, scenarios). */
export const FIXTURES_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "fixtures");
export const CARDS_DIR = join(FIXTURES_ROOT, "cards");
export const CA_DIR = join(FIXTURES_ROOT, "ca");
export const FACES_DIR = join(FIXTURES_ROOT, "faces");
export const INSURANCE_DIR = join(FIXTURES_ROOT, "insurance");
export const DEVICES_DIR = join(FIXTURES_ROOT, "devices");
/** The public-domain source portraits, beside the repository (only needed to rebuild fixtures/faces). */
export const SHARED_FACES_DIR = join(FIXTURES_ROOT, "..", "..", "shared", "faces");
