import { onTerminationSignal, signalExitCode, untilAborted } from '../../../src/common/process/termination';

describe('untilAborted', () => {
  it("is the work's result when the signal never aborts", async () => {
    await expect(untilAborted(Promise.resolve(42), new AbortController().signal)).resolves.toBe(42);
    await expect(untilAborted(Promise.reject(new Error('broken')), new AbortController().signal)).rejects.toThrow('broken');
  });

  it("rejects with the signal's reason as soon as it aborts, and the work's later failure is no unhandled rejection", async () => {
    const controller = new AbortController();
    let failWork!: (error: Error) => void;
    const work = new Promise<number>((_, reject) => (failWork = reject));
    const waiting = untilAborted(work, controller.signal);
    controller.abort(new Error('interrupted by SIGINT'));
    await expect(waiting).rejects.toThrow('interrupted by SIGINT');
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      failWork(new Error('Connection terminated'));
      await new Promise((done) => setImmediate(done));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.removeListener('unhandledRejection', unhandled);
    }
  });

  it('rejects at once when the signal was aborted before', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(untilAborted(new Promise(() => undefined), controller.signal)).rejects.toThrow('too late');
  });
});

describe('termination signals', () => {
  it('exit with 128 + the signal number, as a shell reports them', () => {
    expect(signalExitCode('SIGINT')).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
  });

  it('reach the handler until it is removed, which gives the signal back its default', () => {
    const before = process.listenerCount('SIGTERM');
    const handler = jest.fn();
    const remove = onTerminationSignal(handler);
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    remove();
    expect(handler.mock.calls).toEqual([['SIGTERM'], ['SIGINT']]);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
