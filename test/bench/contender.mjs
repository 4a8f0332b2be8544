// One contender of the upload-memory bench, alone in its process so its peak
// RSS is its own: `node contender.mjs <sdk|raw> <baseUrl> <file>`.
// The file is opened as a disk-backed Blob, so only what a contender copies
// into memory shows up in the peak.
import { openAsBlob } from 'node:fs';
import { flowRaw, flowSdk, KYC } from './flows.mjs';

const [kind, baseUrl, path] = process.argv.slice(2);
const file = await openAsBlob(path, { type: 'image/jpeg' });
const before = process.memoryUsage().rss;
if (kind === 'sdk') await flowSdk(baseUrl, KYC, file);
else await flowRaw(baseUrl, KYC, file);
const peakKiB = process.resourceUsage().maxRSS;
process.stdout.write(`${JSON.stringify({ kind, peakBytes: peakKiB * 1024, baselineBytes: before })}\n`);
