// A child process group (wrangler and workerd, the kivitendo plugin) stopped by the tests and
// benchmarks that start one.

/** Stops `child`'s process group (spawned `detached`): SIGTERM, then SIGKILL after `graceMs`
 * (0: SIGKILL at once, a kill -9 with no shutdown of any kind); resolves once it exited. */
export async function stopGroup(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  const signal = (s) => {
    try {
      process.kill(-child.pid, s);
    } catch {
      /* gone */
    }
  };
  signal(graceMs === 0 ? "SIGKILL" : "SIGTERM");
  const t = graceMs === 0 ? null : setTimeout(() => signal("SIGKILL"), graceMs);
  await exited;
  if (t) clearTimeout(t);
}
