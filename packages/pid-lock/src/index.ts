/** @onshi-sim/pid-lock: A lock file naming its holder process, taken over only when that process is gone (pid and start time). */
export * from "./pid-lock.js";
