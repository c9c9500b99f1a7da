// Load generator run in a child process (its own event loop, so it does not
// steal the server's): receives { url, paths, headers, connections, duration }
// over IPC, runs autocannon rotating over the paths, replies with the result.
import autocannon from 'autocannon';

process.once('message', (cfg) => {
  let i = 0;
  const instance = autocannon(
    {
      url: cfg.url,
      connections: cfg.connections,
      duration: cfg.duration,
      headers: cfg.headers ?? {},
      requests: [
        {
          method: 'GET',
          setupRequest: (req) => {
            const path = cfg.paths[i++ % cfg.paths.length];
            return { ...req, path };
          },
        },
      ],
    },
    (err, result) => {
      if (err) {
        process.send({ error: String(err) }, () => process.exit(1));
        return;
      }
      process.send(
        {
          requestsPerSec: result.requests.average,
          total: result.requests.total,
          ok2xx: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          bytesPerSec: result.throughput.average,
          latency: { p50: result.latency.p50, p90: result.latency.p90, p97_5: result.latency.p97_5, p99: result.latency.p99, mean: result.latency.mean, max: result.latency.max },
          durationS: result.duration,
        },
        () => process.exit(0),
      );
    },
  );
  process.once('SIGINT', () => instance.stop());
});
