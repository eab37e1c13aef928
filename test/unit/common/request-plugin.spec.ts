import { GraphQLError } from 'graphql';
import { requestPlugin } from '../../../src/common/graphql/request-logging.plugin';

type Hooks = {
  executionDidStart(context: unknown): Promise<{ willResolveField(): void } | undefined>;
};

async function executionHooks(operation: 'query' | 'mutation', socket: { destroyed: boolean }) {
  const plugin = requestPlugin(1000, 20);
  const request = (await plugin.requestDidStart!({ request: { variables: {} } } as never)) as unknown as Hooks;
  return request.executionDidStart({ operation: { operation }, contextValue: { req: { socket } } });
}

describe('request plugin: query work stops when the client disconnects', () => {
  it('fails fields not yet resolved once the socket is gone', async () => {
    const socket = { destroyed: false };
    const hooks = await executionHooks('query', socket);
    expect(() => hooks!.willResolveField()).not.toThrow();
    socket.destroyed = true;
    expect(() => hooks!.willResolveField()).toThrow(GraphQLError);
    expect(() => hooks!.willResolveField()).toThrow(/client disconnected/);
  });

  it('leaves mutations alone (they commit or roll back as a whole)', async () => {
    expect(await executionHooks('mutation', { destroyed: true })).toBeUndefined();
  });
});
