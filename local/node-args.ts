/**
 * The Node.js options the local host runs with, wherever it is started: `npm start` (package.json repeats them,
 * and a unit test keeps the two equal), the e2e tests and the benchmarks.
 *
 * The heap is sized for the smallest Flex Consumption instance (512 MB; infra/app/function.bicep gives the worker
 * half its instance's memory the same way). Without a limit V8 sizes the heap for the machine: on a 24 GiB
 * machine it let promoted garbage pile up to ~135 MB of old space before the first full collection, and the host
 * reached 260 MB RSS while ingesting 110,000 events although its live heap after a full collection stayed near
 * 36 MB. With this limit the same run peaks near 140 MB at the same throughput (decision 0309).
 */
export const LOCAL_HOST_NODE_ARGS: readonly string[] = ['--max-old-space-size=256'];
