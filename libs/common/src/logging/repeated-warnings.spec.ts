import { Logger } from '@nestjs/common';
import { RepeatedWarnings } from './repeated-warnings';

describe('RepeatedWarnings', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function setup() {
    const lines: string[] = [];
    const log = new Logger('test');
    jest
      .spyOn(log, 'warn')
      .mockImplementation((message: unknown) => void lines.push(String(message)));
    return { lines, warnings: new RepeatedWarnings(log, 60_000) };
  }

  it('logs the first of each kind at once, then one line per interval with how many more came', () => {
    const { lines, warnings } = setup();
    for (let i = 0; i < 20; i += 1) warnings.warn('Refused hooks (secret)', `refused ${i}`);
    warnings.warn('Refused hooks (name)', 'bad name');
    expect(lines).toEqual(['refused 0', 'bad name']);

    jest.advanceTimersByTime(60_000);
    expect(lines.slice(2)).toEqual(['Refused hooks (secret): 19 more in the last 60 s']);

    warnings.warn('Refused hooks (secret)', 'refused again');
    expect(lines.slice(3)).toEqual(['refused again']);
  });

  it('says nothing more for a kind that happened once, and flushes on demand', () => {
    const { lines, warnings } = setup();
    warnings.warn('once', 'only once');
    jest.advanceTimersByTime(60_000);
    expect(lines).toEqual(['only once']);

    warnings.warn('twice', 'first');
    warnings.warn('twice', 'second');
    warnings.flush();
    expect(lines).toEqual(['only once', 'first', 'twice: 1 more in the last 60 s']);
  });
});
