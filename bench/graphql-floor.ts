import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Args, GraphQLModule, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { bodyLimitBytes, jsonBody } from '../src/common/http/json-body.middleware';
import { IngestBatchInput } from '../src/ingestion/dto/ingest-batch.input';

/**
 * The GraphQL floor for bench:ingest: the same HTTP stack, body parser and input types as the
 * product, with a resolver that only counts the records. Not part of the product schema.
 */
@Resolver()
class FloorResolver {
  @Query(() => Int)
  ping(): number {
    return 1;
  }

  @Mutation(() => Int)
  ingestBatch(@Args('input') input: IngestBatchInput): number {
    return input.records.length;
  }
}

@Module({
  imports: [
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      autoSchemaFile: true,
      csrfPrevention: true,
      plugins: [ApolloServerPluginCacheControlDisabled()],
    }),
  ],
  providers: [FloorResolver],
})
class GraphqlFloorModule {}

export async function startGraphqlFloor(maxBatchSize: number): Promise<{ url: string; close(): Promise<void> }> {
  const app = await NestFactory.create(GraphqlFloorModule, { bodyParser: false, logger: false });
  app.use(jsonBody(bodyLimitBytes(maxBatchSize), maxBatchSize));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
