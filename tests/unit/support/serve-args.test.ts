import { describe, expect, it } from 'vitest';
import { parseServeArgs } from '../../support/serve';

describe('serve arguments (npm start -- --port N, PORT=N)', () => {
  it('defaults to build/ on 4173', () => {
    expect(parseServeArgs([], {})).toEqual({ dir: 'build', port: 4173 });
  });
  it('takes --port N, --port=N and PORT', () => {
    expect(parseServeArgs(['build', '--port', '5001'], {}).port).toBe(5001);
    expect(parseServeArgs(['build', '--port=5002'], {}).port).toBe(5002);
    expect(parseServeArgs(['build'], { PORT: '5003' }).port).toBe(5003);
    expect(parseServeArgs(['build', '--port', '5004'], { PORT: '5003' }).port).toBe(5004);
  });
  it('keeps the positional form Playwright uses', () => {
    expect(parseServeArgs(['build-opsiq', '4190'], { PORT: '1' })).toEqual({
      dir: 'build-opsiq',
      port: 4190
    });
  });
  it('says what is wrong with a bad port', () => {
    expect(() => parseServeArgs(['--port', 'abc'], {})).toThrow(/Not a port number: "abc"/);
  });
});
