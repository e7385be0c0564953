/** `npm run llm-server [-- --port 8787]`: the test server for manual use (key: sk-test). */
import { parseArgs } from 'node:util';
import { startLlmServer } from './server';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8787' } } });
const server = await startLlmServer({ port: Number(values.port) });
process.stdout.write(
  `OpenAI-compatible test server: ${server.url} (key sk-test, models test-model, test-json-object-model)\n` +
    `Without CORS: ${server.blockedUrl}\nScript replies: POST ${server.origin}/__script {"name":"*","replies":[{"status":500}]}\n`
);
