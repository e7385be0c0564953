import { z } from 'zod';

// zod probes for `new Function` (its JIT parser) on first use; the CSP forbids eval, so the
// probe would only add a violation report. Its interpreter is as correct, and fast enough here.
z.config({ jitless: true });
