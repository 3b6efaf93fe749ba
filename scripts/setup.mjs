#!/usr/bin/env node
// One-step setup on a fresh Debian machine with Node 20: the Debian packages onshi-sim needs (installed when
// run as root, otherwise printed with the exact command), then the npm dependencies.
// Plain Node with no dependencies, so it runs before `npm install`.
import { execFileSync, spawnSync } from "node:child_process";

const APT_PACKAGES = [
  ["pcscd", "the PC/SC daemon (real readers and the virtual reader)"],
  ["vsmartcard-vpcd", "the virtual reader slot that virtual cards plug into"],
  ["libpcsclite-dev", "headers to build nfc-pcsc's native module"],
  ["pcsc-tools", "pcsc_scan, to see readers and cards with a standard tool"],
  ["chromium", "the browser the kiosk UI tests and screenshots drive (playwright-core)"],
  ["fonts-ipafont-gothic", "Japanese glyphs for the kiosk screens and the cards' name images"],
];

function log(line) {
  process.stdout.write(`[setup] ${line}\n`);
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  log(`Node ${process.versions.node} is too old: onshi-sim needs Node 20.19 or newer.`);
  process.exit(1);
}

function installed(pkg) {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

const hasDpkg = spawnSync("dpkg-query", ["--version"]).status === 0;
const missing = hasDpkg ? APT_PACKAGES.filter(([p]) => !installed(p)) : [];
if (!hasDpkg) {
  log("not a Debian system: install pcscd, vsmartcard-vpcd and the pcsclite headers with your package manager for PC/SC support.");
} else if (missing.length === 0) {
  log("Debian packages: all present");
} else {
  const names = missing.map(([p]) => p);
  const command = `apt-get install -y ${names.join(" ")}`;
  if (process.getuid?.() === 0) {
    log(`installing ${names.join(", ")}`);
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...names], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  } else {
    log("missing Debian packages (PC/SC support stays unavailable until they are installed):");
    for (const [p, why] of missing) log(`  ${p}: ${why}`);
    log(`run as root:  sudo ${command}  — then run npm run setup again`);
  }
}

log("npm install");
const npm = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { stdio: "inherit" });
if (npm.status !== 0) {
  log("npm install failed (see above)");
  process.exit(npm.status ?? 1);
}
log("done. Start with: npm start    Test with: npm test");
